import type { RunAs } from '../ports.ts';
import type { HarnessMode } from './outcome.ts';

/**
 * How each harness mode starts a program. `standard` stands for openai/human-eval, which execs the
 * program into an empty dict: a reply's `if __name__ == "__main__":` block (a demo, `input()`,
 * `unittest.main()`, whose SystemExit would fail it) never runs there, so it must not run here.
 * `study` stands for the study's harness, which ran `code + tests` as a script in a subprocess.
 */
export function runAsFor(mode: HarnessMode): RunAs {
  return mode === 'standard' ? 'exec' : 'script';
}
