import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/**
 * Every command's `node:util` parseArgs with strict checking, its error turned into a UsageError:
 * node:util words these well ("Unknown option '--x'"), so the sentence is kept and the code dropped.
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>, const P extends boolean>(
  argv: readonly string[],
  options: O,
  allowPositionals: P,
) {
  try {
    return parseArgs({ args: [...argv], allowPositionals, strict: true, options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
