/**
 * The seams between the experiment logic (`core/`) and the world. Core depends only on these
 * interfaces; `sandbox/`, `llm/` and `store/` implement them.
 */
import type { RunResult } from './harness/outcome.ts';

export interface SandboxLimits {
  /** Wall-clock limit for one program. */
  timeoutMs: number;
  /** stdout/stderr beyond this many characters are dropped and the run fails with OutputLimit. */
  maxOutputChars: number;
}

export interface Sandbox {
  /**
   * Runs one program in a clean interpreter. Resolves for anything the program does (passes,
   * raises, exits, hangs, floods, kills its interpreter); rejects only when the sandbox itself
   * is broken (Pyodide cannot load at all). One program never sees another's state.
   */
  run(program: string, limits: SandboxLimits): Promise<RunResult>;
  /** Frees workers. Runs in flight resolve as `crashed` / `worker-lost`. */
  close(): Promise<void>;
}
