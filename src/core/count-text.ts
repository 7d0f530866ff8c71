/**
 * Whole numbers as people read them, `17,080`, without the browser's Intl. The first
 * `toLocaleString` of a page loads ICU's number data on the page's thread: ~50 ms on an idle
 * machine and ~300 ms under load, in the task that says a big result file has started to read
 * (a CPU profile put it all in `describeImportProgress`; docs/performance.md). Counts need no
 * locale: the app writes English, with a comma every three digits, as `toLocaleString('en')` did.
 */

/** `1234567` → `1,234,567`; `-1200` → `-1,200`. Anything but a safe whole number is left to `toLocaleString('en')`. */
export function countText(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en');
  const digits = String(Math.abs(n));
  let grouped = '';
  for (let end = digits.length; end > 0; end -= 3) grouped = digits.slice(Math.max(0, end - 3), end) + (grouped ? `,${grouped}` : '');
  return n < 0 ? `-${grouped}` : grouped;
}

/** `a`, `a and b`, `a, b and c`: items in a sentence, as the app writes lists; '' for none. */
export function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** `3 units`, `1 repeat`, `17,080 units`: a count and its noun, plural unless it is one. */
export function countOf(n: number, noun: string): string {
  return `${countText(n)} ${noun}${n === 1 ? '' : 's'}`;
}
