/**
 * When a stored run started (an ISO 8601 text or epoch milliseconds), as its card says it: in this computer's time zone, written in
 * English like every other word and number on the page, and unambiguous about day and month
 * ("Nov 25, 2026, 11:30 PM"). The browser's own locale gave Arabic-Indic digits and RTL marks
 * inside English sentences, and "03/04/2026" that read either way (audit R220-6).
 */
export function startedAt(when: string | number): string {
  const date = new Date(when);
  return Number.isNaN(date.getTime()) ? String(when) : date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}
