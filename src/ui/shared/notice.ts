/**
 * A failure told to a person: what happened, what to do about it, and the particulars (the
 * validation errors of a file, say). A UserError carries all three; any other error becomes its
 * message alone.
 */
import { UserError } from '../../core/user-error.ts';

export interface Notice {
  /** The file it concerns, when one. */
  fileName?: string;
  message: string;
  hint: string;
  details: string[];
}

export function noticeOf(error: unknown): Notice {
  if (error instanceof UserError) return { message: error.message, hint: error.hint, details: error.details };
  return { message: error instanceof Error ? error.message : String(error), hint: '', details: [] };
}
