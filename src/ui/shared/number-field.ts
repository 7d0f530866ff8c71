/**
 * What a form's number input holds. Bound with `bind:value`, an input the user emptied holds
 * null (Svelte), and Math.round(null) is 0: the form would say "found 0" for a field that shows
 * nothing, or silently draw problems with seed 0. An empty field is said to be empty instead.
 */

/** The field's value rounded to a whole number; throws naming the field when it is empty. */
export function wholeNumberOf(value: number | null | undefined, field: string, expected: string): number {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    throw new Error(`${field} is empty: enter ${expected}.`);
  }
  return Math.round(value);
}
