document.getElementById('gpu-check')!.textContent = 'GPU self-check: not built yet';
