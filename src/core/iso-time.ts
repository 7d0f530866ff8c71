/**
 * Times in files are ISO 8601 dates and times. `Date.parse` alone took any text V8 can read as a
 * date ("ID 7" became 1 July 2001), which then showed and sorted as that (audit R220-3); the text
 * must now at least be one. The app writes them with `toISOString()` (`2026-11-25T23:30:00.000Z`),
 * but earlier versions imported anything `Date.parse` took, and a study stored so must still
 * resume and export, with the very text its config hash covers (audit R224-2): so a date alone, a
 * space for the T, an offset without its colon and a time without an offset (read, as
 * `Date.parse` reads it, in the reader's time zone) are accepted too.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export function isIsoTime(text: string): boolean {
  return ISO_DATE_TIME.test(text.trim()) && !Number.isNaN(Date.parse(text));
}

/** What such a time should look like, for messages. */
export const ISO_TIME_EXAMPLE = 'an ISO 8601 time, such as 2026-11-25T23:30:00Z';

/** Newest first by the instant each names (texts with different offsets do not sort as text). */
export function newestFirst(a: { created: string }, b: { created: string }): number {
  return Date.parse(b.created) - Date.parse(a.created) || (a.created < b.created ? 1 : a.created > b.created ? -1 : 0);
}
