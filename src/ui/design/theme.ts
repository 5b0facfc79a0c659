/**
 * Calls `onChange` whenever the page's colours may have changed: the theme chosen in the toolbar
 * (`data-theme` on the root element) or the system's light/dark preference. For what resolves the
 * colour tokens itself, as a canvas must (the Metrics and GPU charts). Returns the unsubscribe.
 */
export function watchTheme(onChange: () => void): () => void {
  const theme = new MutationObserver(onChange);
  theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', onChange);
  return () => {
    theme.disconnect();
    scheme.removeEventListener('change', onChange);
  };
}
