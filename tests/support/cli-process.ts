/**
 * Runs the `feedback-lab` command as a real process, the way a user's shell does: node on
 * bin/feedback-lab.mjs in a folder of the test's own, with DATASETS_DIR pointing at the
 * datasets the tests use. The CLI tests of `run` need a process of its own (Ctrl+C, Pyodide's
 * workers, the exit code), which calling main() in the test's process would not give them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellWord } from '../../cli/shell-word.ts';
import { datasetsDir } from './datasets.ts';

const BIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'feedback-lab.mjs');

/**
 * How the commands the CLI prints to go on start when it runs in a test's folder, outside the
 * repository, where `npx feedback-lab` would ask the npm registry (cli/command-name.ts).
 */
export const CLI_ELSEWHERE = `node ${shellWord(BIN)}`;

/** The same, inside a regular expression. */
export const CLI_ELSEWHERE_PATTERN = CLI_ELSEWHERE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export interface FinishedCommand {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `feedback-lab ...args` in `cwd` to its end; `whileRunning` gets the child, e.g. to send it Ctrl+C. */
export function runFeedbackLab(cwd: string, args: readonly string[], whileRunning?: (child: ChildProcess) => void): Promise<FinishedCommand> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DATASETS_DIR: datasetsDir() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    whileRunning?.(child);
  });
}
