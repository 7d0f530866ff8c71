/** Small readers for validating JSON documents with error messages people can act on. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of what was found, for "expected X, found Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 40 ? `"${value.slice(0, 40)}…"` : `"${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Reports keys the reader does not know: a misspelt `temprature` should not silently default. */
export function unknownKeys(value: Record<string, unknown>, known: readonly string[], at: string): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${at ? `${at}.` : ''}${key}: unknown field (expected ${known.join(', ')}).`);
}
