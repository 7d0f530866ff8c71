/**
 * JSON with a stable key order: object keys sorted by code unit at every level, whatever order
 * the object was built in. Two equal values always give the same text, so a hash of it
 * identifies a study config, and two exports of one study differ only where the data does.
 */

/** Keys placed first, in this order, in the outermost object only (so a file opens with its format). */
export interface CanonicalJsonOptions {
  firstKeys?: readonly string[];
  /** Indentation for people reading the file; none by default. */
  indent?: number;
}

export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const first = options.firstKeys ?? [];
  // The replacer sees every object before its children, and JSON.stringify walks the returned
  // copy in its insertion order; arrays keep their order.
  // JSON.stringify calls the replacer for the outermost value first.
  let atRoot = true;
  return JSON.stringify(
    value,
    (_key: string, inner: unknown) => {
      const isRoot = atRoot;
      atRoot = false;
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return inner;
      const record = inner as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const ordered = isRoot ? [...first.filter((k) => k in record), ...keys.filter((k) => !first.includes(k))] : keys;
      const copy: Record<string, unknown> = {};
      for (const k of ordered) copy[k] = record[k];
      return copy;
    },
    options.indent,
  );
}
