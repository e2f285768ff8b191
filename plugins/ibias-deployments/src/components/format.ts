/** "3 min ago", "2 h ago", … for timestamps; empty for none. */
export function ago(iso?: string | null): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function duration(from?: string, to?: string): string {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** `user:default/guest` → `guest`. */
export function shortRef(ref?: string | null): string {
  return ref ? ref.replace(/^[^:]+:(default\/)?/, '') : '';
}

export function evidenceValue(check: string, value: number | null): string {
  if (value === null) return '—';
  if (check === 'error-rate') return `${(value * 100).toFixed(1)} %`;
  if (check === 'p95-latency') return `${Math.round(value)} ms`;
  return value === 1 ? 'ok' : 'failed';
}

export function evidenceThreshold(check: string, threshold: number): string {
  if (check === 'error-rate') return `≤ ${threshold * 100} %`;
  if (check === 'p95-latency') return `≤ ${threshold} ms`;
  return 'must pass';
}
