import { expect } from 'vitest';
import { UsageError } from '../../../cli/usage-error.ts';

/** The UsageError `run` throws, as the command line would print it; fails the test when it throws none or another error. */
export function usageRefusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}
