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
 * What a problem sentence is about: the field (or fields) its head names, "N" in "N: 500 is out
 * of range…". The rest changes as the field is typed in; the subject stays until it is put right.
 */
function subjectOf(problem: string): string {
  const at = problem.indexOf(': ');
  return at > 0 ? problem.slice(0, at) : problem;
}

/** Every field a refusal was refused for has been put right: none of them is among the form's `problems` now. */
export function refusalPutRight(refusal: StartRefusal, problems: readonly string[]): boolean {
  if (refusal.fields.length === 0) return false;
  const open = new Set(problems.map(subjectOf));
  return refusal.fields.every((field) => !open.has(subjectOf(field)));
}

/**
 * What the alert above the start button says of a refusal. A refusal for the form's fields says
 * so once: the problems themselves are listed just above it and at their fields (where focus
 * goes), and an alert that read them all again held the screen reader back from the field.
 * Any other refusal is said in full, as nothing else on the page says it.
 */
export function refusalAlertLines(refusal: StartRefusal): readonly string[] {
  const count = refusal.fields.length;
  if (count === 0) return refusal.lines;
  return [`Not started: ${count === 1 ? 'a problem' : `${count} problems`} to put right, listed above.`];
}
