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

/** The sentences to show for a failed start: each of a form's problems, or the error's message. */
export function refusalLines(error: unknown): string[] {
  if (error instanceof FormProblems) return [...error.problems];
  return [failureMessage(error)];
}
