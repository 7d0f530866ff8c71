/** A command line the program cannot act on: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input the program understood but cannot use (a bad samples file, a missing dataset): exit code 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Exit codes, the same for every subcommand. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;
