/**
 * Words for where a kernel runs and why (the engine's `placement`), shared by the graph's kernel
 * nodes and the GPU panel.
 */
import type { GpuNotice, KernelSnapshot } from '../../engine/protocol';
import { countOf, formatNumber, measuredRate } from '../design/format';

/** Short label: `auto → cpu`, `webgpu`, `cpu`. */
export function placementLabel(
  k: Pick<KernelSnapshot, 'backend' | 'placement'>,
  /**
   * The graph node's form: `auto → gpu`, as wide as `auto → cpu`. "auto → webgpu" wrapped the
   * node's meta line, so the node grew a line and the ρ and loss line hung under it covered the
   * kernel below. Its hover says WebGPU in full.
   */
  short = false,
): string {
  const where =
    k.backend === 'webgpu' ? (short && k.placement.mode === 'auto' ? 'gpu' : 'webgpu') : 'cpu';
  return k.placement.mode === 'auto' ? `auto → ${where}` : where;
}

/** Ago in words from engine time, e.g. `12 s ago`. */
export function switchedAgo(lastSwitchUs: number | null, nowUs: number): string {
  if (lastSwitchUs === null) return 'never switched';
  const s = Math.max(0, (nowUs - lastSwitchUs) / 1e6);
  return s < 60 ? `switched ${s.toFixed(0)} s ago` : `switched ${(s / 60).toFixed(0)} min ago`;
}

/** The full why, for a tooltip or a table cell. */
export function placementDetail(
  k: Pick<KernelSnapshot, 'backend' | 'placement'>,
  nowUs: number,
): string {
  const p = k.placement;
  const cpu = measuredRate(p.cpuRate);
  const gpu = measuredRate(p.gpuRate);
  // The reason loses its full stop (joined with ". " it read "stays on the CPU.. CPU twin"), and
  // the rates are not said twice when the reason already gives them.
  const reason = p.reason.replace(/\.$/, '');
  const parts = [
    reason,
    ...((reason.includes(cpu) && reason.includes(gpu)) || (p.cpuRate === null && p.gpuRate === null)
      ? []
      : // No batch yet: "at ~0 rows per batch" said nothing.
        [
          `CPU twin ${cpu}, WebGPU ${gpu}${p.batchSize > 0 ? ` at ~${formatNumber(p.batchSize)} rows per batch` : ''}`,
        ]),
    p.gpuRate === null
      ? 'WebGPU not measured'
      : p.crossoverBatch === null
        ? 'WebGPU faster at no measured batch size'
        : `WebGPU faster from ${formatNumber(p.crossoverBatch)} rows per batch`,
    `${switchedAgo(p.lastSwitchUs, nowUs)} (${countOf(p.switches, 'switch', 'switches')})`,
  ];
  // Sentences: each part starts with a capital ("never switched" is a table cell's words).
  return parts.map((x) => x.charAt(0).toUpperCase() + x.slice(1)).join('. ') + '.';
}

/**
 * Where WebGPU starts to win, for a table cell: `from 512 rows`, `never measured faster`, or `not
 * measured` when WebGPU has no measurement to compare (forced to cpu, no adapter, idle so far).
 */
export function crossoverWords(
  p: Pick<KernelSnapshot['placement'], 'gpuRate' | 'crossoverBatch'>,
): string {
  if (p.crossoverBatch !== null) return `from ${formatNumber(p.crossoverBatch)} rows`;
  return p.gpuRate === null ? 'not measured' : 'never measured faster';
}

/**
 * The page's words for an engine notice, or null when it is not news. Where each kernel runs is
 * the toolbar's badge and the GPU panel; a notice is shown when a kernel is on its CPU twin (a
 * lost device, a move off WebGPU, a runtime that could not be made). The engine's message says
 * what happened in full ("Moved to the CPU twin: device lost …", "Runs on its CPU twin: …"), so
 * the page names the kernel and shows it as it is.
 */
export function noticeText(n: Pick<GpuNotice, 'kernelId' | 'backend' | 'message'>): string | null {
  if (n.backend !== 'cpu') return null;
  return `Kernel "${n.kernelId}": ${n.message}`;
}
