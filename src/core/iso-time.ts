/**
 * Times in files are ISO 8601 date-times with their offset, as `Date.prototype.toISOString`
 * writes them (`2026-11-25T23:30:00.000Z`). `Date.parse` alone took any text V8 can read as a
 * date ("ID 7" became 1 July 2001), and a time without an offset (Python's naive `isoformat()`)
 * means a different instant in every time zone the file is opened in (audit R220-3).
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

export function isIsoTime(text: string): boolean {
  return ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text));
}

/** What such a time should look like, for messages. */
export const ISO_TIME_EXAMPLE = 'an ISO 8601 time with its offset, such as 2026-11-25T23:30:00Z';

/** Newest first by the instant each names (texts with different offsets do not sort as text). */
export function newestFirst(a: { created: string }, b: { created: string }): number {
  return Date.parse(b.created) - Date.parse(a.created) || (a.created < b.created ? 1 : a.created > b.created ? -1 : 0);
}
