/**
 * Node side of the CPython reference runner (reference_runner.py): sends assembled programs,
 * receives one verdict per program. Used by the agreement test and the throughput bench, never
 * by the app.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunAs } from '../src/core/ports.ts';

export const REFERENCE_RUNNER_PATH = fileURLToPath(new URL('./reference_runner.py', import.meta.url));

export interface ReferenceRequest {
  key: string;
  program: string;
  timeoutS: number;
  /** How the program runs (the sandbox's RunAs); `script` when absent. */
  runAs?: RunAs;
}

export type ReferenceVerdict = 'passed' | 'failed' | 'timeout';

export interface ReferenceResult {
  key: string;
  verdict: ReferenceVerdict;
  /** Exception class name, `OutputLimit`, `Crash`, or '' when passed or timed out. */
  errorType: string;
}

export interface ReferenceOptions {
  workers: number;
  maxOutputChars?: number;
  /** python3 by default; anything with Python ≥ 3.11 and the standard library. */
  python?: string;
}

/** Scores every request in CPython; resolves with the results keyed by request key. */
export function runReference(requests: readonly ReferenceRequest[], options: ReferenceOptions): Promise<Map<string, ReferenceResult>> {
  const args = [REFERENCE_RUNNER_PATH, '-', '--workers', String(options.workers)];
  if (options.maxOutputChars !== undefined) args.push('--max-output-chars', String(options.maxOutputChars));
  const child = spawn(options.python ?? 'python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });

  const results = new Map<string, ReferenceResult>();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const raw = JSON.parse(line) as { key: string; verdict: ReferenceVerdict; error_type: string };
    results.set(raw.key, { key: raw.key, verdict: raw.verdict, errorType: raw.error_type });
  });

  // Write lazily: a large batch would otherwise sit twice in memory as one string.
  (async () => {
    for (const request of requests) {
      const line = `${JSON.stringify({ key: request.key, program: request.program, timeout_s: request.timeoutS, run_as: request.runAs ?? 'script' })}\n`;
      if (!child.stdin.write(line)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
  })().catch(() => {
    // A broken pipe means the runner died; its exit code and stderr below say why.
  });

  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`Could not start the reference runner (${options.python ?? 'python3'}): ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`The reference runner exited with code ${code}: ${stderr.trim()}`));
      else if (results.size !== requests.length) reject(new Error(`The reference runner answered ${results.size} of ${requests.length} programs.`));
      else resolve(results);
    });
  });
}
