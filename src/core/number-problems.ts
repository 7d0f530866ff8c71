/**
 * What is wrong with a number a person typed into a form, as one sentence naming the field, so a
 * form can list every field it cannot honour as they are typed, and refuse to start while any
 * remain. An emptied `<input type="number">` binds null (Svelte) and Math.round(null) is 0: a
 * form that rounded would draw problems with seed 0, or say "found 0", for a field that shows
 * nothing. Both the Study and the Search forms check their numbers here.
 */

/** Inclusive bounds; an absent one is no bound (a seed may be any whole number). */
export interface Range {
  min?: number;
  max?: number;
}

/** A number as the form messages write it: `25,000`, `0.5`. */
export const number = (n: number): string => n.toLocaleString('en', { maximumFractionDigits: 6 });

/** What is wrong with a field's value, when something is. */
function said(value: number | null | undefined, whole: boolean): string {
  if (value === null || value === undefined) return 'empty';
  if (Number.isNaN(value)) return 'not a number';
  if (whole && Number.isFinite(value) && !Number.isInteger(value)) return `${number(value)} is not a whole number`;
  return `${number(value)} is out of range`;
}

function within(value: number, range: Range): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** `a whole number from 1 to 100`, `a number of at least 1`, `a whole number`. */
function wanted(kind: string, range: Range): string {
  if (range.min !== undefined && range.max !== undefined) return `${kind} from ${number(range.min)} to ${number(range.max)}`;
  if (range.min !== undefined) return `${kind} of at least ${number(range.min)}`;
  if (range.max !== undefined) return `${kind} of at most ${number(range.max)}`;
  return kind;
}

/** The sentence's end: what to give, and why when the field's label does not say. */
function give(kind: string, range: Range, why: string | undefined): string {
  return `Give ${wanted(kind, range)}${why ? ` (${why})` : ''}.`;
}

/**
 * `Label: what is wrong. Give a whole number from min to max.` when `value` is not one, else
 * null. `why` is added in brackets where the range alone does not say what the number does.
 */
export function wholeProblem(label: string, value: number | null | undefined, range: Range, why?: string): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && within(value, range)) return null;
  return `${label}: ${said(value, true)}. ${give('a whole number', range, why)}`;
}

/** `Label: what is wrong. Give a number from min to max.` when `value` is not one, else null. */
export function numberProblem(label: string, value: number | null | undefined, range: Range, why?: string): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && within(value, range)) return null;
  return `${label}: ${said(value, false)}. ${give('a number', range, why)}`;
}
