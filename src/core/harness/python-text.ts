/**
 * Python's own string operations, for the places where study mode must treat text exactly as the
 * study's Python code did. JavaScript's `trim()`, `\s` and `split('\n')` differ from Python's
 * `strip()`, `\s` and `splitlines()` at the edges (\x1c-\x1f and \x85 are whitespace in Python
 * only, \ufeff in JavaScript only; `splitlines` also breaks at \r, \v, \f…), and string indices
 * count UTF-16 units where Python counts code points.
 */

/** The characters Python's `str.isspace()`, `str.strip()` and a str pattern's `\s` treat as whitespace. */
export const PY_WHITESPACE = '[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

const EDGE_WHITESPACE = new RegExp(`^${PY_WHITESPACE}+|${PY_WHITESPACE}+$`, 'g');
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** Python's `text.strip()`. */
export function pyStrip(text: string): string {
  return text.replace(EDGE_WHITESPACE, '');
}

/** Python's `text.splitlines()`: no empty last line for a trailing line break. */
export function pySplitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(LINE_BREAK);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Python's `text[:n]`: the first n code points, so an emoji is never cut in half. */
export function pyHead(text: string, n: number): string {
  if (text.length <= n) return text;
  let end = 0;
  for (let count = 0; count < n && end < text.length; count++) {
    const code = text.codePointAt(end) ?? 0;
    end += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, end);
}
