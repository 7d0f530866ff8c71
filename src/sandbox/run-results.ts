/** RunResults the sandbox writes itself, in one wording wherever they are decided. */
import type { RunResult } from '../core/harness/outcome.ts';
import type { SandboxLimits } from '../core/ports.ts';

export function outputLimitError(limits: SandboxLimits, durationMs: number, stdout: string): RunResult {
  const message = `The program wrote more than ${limits.maxOutputChars} characters to stdout and stderr.`;
  return { status: 'error', durationMs, stdout, errorType: 'OutputLimit', message, traceback: `OutputLimit: ${message}\n` };
}

export function workerLost(detail: string, durationMs = 0): RunResult {
  return { status: 'crashed', durationMs, cause: 'worker-lost', detail };
}
