import type { Sandbox } from '../ports.ts';

/**
 * A sandbox rejection. Per the Sandbox port's contract a run resolves for anything the program
 * does, so a rejection means Python itself is broken (or never started): nothing after it can be
 * trusted, and the study or search stops. One class for both runners, so the page can tell this
 * cause from the others with one `instanceof`.
 */
export class SandboxBroken extends Error {
  constructor(cause: unknown, at: 'start' | 'run' = 'run') {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(at === 'start' ? `Python could not start in this browser: ${why}` : `The Python sandbox stopped working: ${why}`, { cause });
    this.name = 'SandboxBroken';
  }
}

/**
 * `sandbox` with every rejection of a run turned into SandboxBroken, so a runner can tell it
 * from a model's error. The call's queue signals pass through unchanged: the wait for a free
 * Python worker stays off the run's cap.
 */
export function failingAsBroken(sandbox: Sandbox): Sandbox {
  return {
    run: (program, limits, call) =>
      sandbox.run(program, limits, call).catch((error: unknown) => {
        throw new SandboxBroken(error);
      }),
    close: () => sandbox.close(),
  };
}
