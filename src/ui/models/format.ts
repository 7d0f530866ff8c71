/** Numbers as the Models page shows them. */
export { formatBytes, formatMB } from '../../core/llm/catalog.ts';

/** A duration to the second (to the minute past an hour), rounded up once, then split: rounding the seconds part alone gave "1 min 60 s" for 119.6 s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${whole % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
