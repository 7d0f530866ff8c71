/**
 * An error meant for a person: what happened, and what to do about it. Thrown at the edges for
 * broken preconditions (a corrupt file, a file from a newer app), never for generated code
 * failing, which is a recorded value.
 *
 * Error classes do not survive `postMessage` or structured cloning, so `toJSON` gives the plain
 * shape and `isUserErrorData` recognises it on the other side.
 */
export interface UserErrorData {
  name: 'UserError';
  /** One sentence saying what happened. */
  message: string;
  /** What to do next; may be empty when there is nothing to do. */
  hint: string;
  /** A short list of specifics (field paths and what was wrong), already capped by whoever threw. */
  details: string[];
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly hint: string;
  readonly details: string[];

  constructor(message: string, hint = '', details: readonly string[] = []) {
    super(message);
    this.hint = hint;
    this.details = [...details];
  }

  toJSON(): UserErrorData {
    return { name: 'UserError', message: this.message, hint: this.hint, details: [...this.details] };
  }
}

export function isUserErrorData(value: unknown): value is UserErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.name === 'UserError' && typeof v.message === 'string' && typeof v.hint === 'string' && Array.isArray(v.details);
}

/** The error a worker sent as plain data, rebuilt on this side: a UserError keeps its hint and details. */
export function errorFromData(data: UserErrorData | { message: string }): Error {
  return isUserErrorData(data) ? new UserError(data.message, data.hint, data.details) : new Error(data.message);
}
