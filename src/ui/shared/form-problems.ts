import { failureMessage } from './run-failure.ts';

/** A form's refusal to start: every field it cannot honour, one sentence each, for the page to list. */
export class FormProblems extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join(' '));
    this.name = 'FormProblems';
    this.problems = problems;
  }
}

/** Why the last start (or resume, or opened link) could not happen. */
export interface StartRefusal {
  /** Every sentence of it: each of a form's problems, or an error's message and its advice. */
  readonly lines: readonly string[];
  /** The form's problems it was refused for, when it was refused for its fields; none otherwise. */
  readonly fields: readonly string[];
}

export const NO_REFUSAL: StartRefusal = { lines: [], fields: [] };

/** A refusal that is not about the form's fields (no model, a dataset missing, storage): said in full. */
export function plainRefusal(lines: readonly string[]): StartRefusal {
  return { lines, fields: [] };
}

/** The refusal a failed start makes: the form's problems, or the error's message and `advice`. */
export function startRefusal(error: unknown, advice: string | null = null): StartRefusal {
  if (error instanceof FormProblems) return { lines: [...error.problems], fields: [...error.problems] };
  return plainRefusal([failureMessage(error), ...(advice ? [advice] : [])]);
}

/**
 * Every problem of the form has been put right: the refusal of its fields is over. Not only the
 * fields it was refused for: a form with another field broken meanwhile would still not start,
 * and an alert gone then said, by going, that it would.
 */
export function refusalPutRight(refusal: StartRefusal, problems: readonly string[]): boolean {
  return refusal.fields.length > 0 && problems.length === 0;
}

/** What the alert says of a refusal for the form's fields, for as long as it stands. */
export const FIELDS_REFUSAL_ALERT = 'Not started: put right what is listed above.';

/**
 * What the alert above the start button says of a refusal. A refusal for the form's fields says
 * so once and points to the list just above it, which names each problem, as the fields do where
 * focus goes: an alert that read them all again held the screen reader back from the field. Its
 * words do not change while the form's problems do (no count): the alert is an assertive live
 * region, and a count kept up to date was read out again, interrupting, at each problem typed in
 * or put right, after the list had said it politely. Any other refusal is said in full, as nothing
 * else on the page says it.
 */
export function refusalAlertLines(refusal: StartRefusal): readonly string[] {
  return refusal.fields.length === 0 ? refusal.lines : [FIELDS_REFUSAL_ALERT];
}
