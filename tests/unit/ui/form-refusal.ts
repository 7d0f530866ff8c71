import { FormProblems } from '../../../src/ui/shared/form-problems.ts';

/** What starting a form refuses with, one sentence per field; throws when the form starts. */
export function refusal(form: { toDraft(): unknown }): readonly string[] {
  try {
    form.toDraft();
  } catch (error) {
    if (error instanceof FormProblems) return error.problems;
    throw error;
  }
  throw new Error('toDraft accepted the form');
}
