/**
 * Line numbers in a Playground traceback, told in the editor's terms. Standard mode puts a
 * HumanEval prompt before the code as openai/human-eval does, so `program.py` line 21 is the
 * editor's line 10: each frame gets a note saying where its line is in what the user sees. The
 * traceback itself stays as Python wrote it.
 */
import { PROGRAM_FILENAME } from '../../core/harness/to-outcome.ts';

/** Where the editor's code sits in the program that ran (1-based lines, as AssembledProgram gives them). */
export interface CodeLines {
  codeFirstLine: number;
  codeLastLine: number;
  testFirstLine: number;
}

/**
 * The traceback with `(your line M)`, `(in the prompt)` or `(in the tests)` after each frame
 * of the program. Unchanged when the code starts the program: its line numbers are the editor's.
 */
export function tracebackForEditor(traceback: string, lines: CodeLines, filename: string = PROGRAM_FILENAME): string {
  if (lines.codeFirstLine === 1) return traceback;
  const frame = new RegExp(`^(\\s*File "${escapeRegExp(filename)}", line (\\d+).*)$`, 'gm');
  return traceback.replace(frame, (whole: string, head: string, number: string) => {
    const line = Number(number);
    if (line >= lines.codeFirstLine && line <= lines.codeLastLine) return `${head}  (your line ${line - lines.codeFirstLine + 1})`;
    if (line < lines.codeFirstLine) return `${head}  (in the prompt)`;
    if (line >= lines.testFirstLine) return `${head}  (in the tests)`;
    return whole;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
