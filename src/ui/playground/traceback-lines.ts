/**
 * Line numbers in a Playground traceback, told in the editor's terms. Standard mode puts a
 * HumanEval prompt before the code as openai/human-eval does, so `program.py` line 21 is the
 * editor's line 10: each frame gets a note saying where its line is in what the user sees, and so
 * does a line a SyntaxError's message names ("… after 'if' statement on line 21"). The tests come
 * after the code in every mode, so their frames are marked as theirs everywhere. Python's own
 * text stays as it wrote it.
 */
import { failingTestFrame, parseTraceback } from '../../core/harness/traceback.ts';
import { PROGRAM_FILENAME } from '../../core/harness/to-outcome.ts';
import type { Outcome } from '../../core/harness/outcome.ts';
import { wholeStatement } from './test-lines.ts';

const FRAME = /^\s*File "([^"]*)", line (\d+)(, in .*)?$/;

/** Where the editor's code sits in the program that ran (1-based lines, as AssembledProgram gives them). */
export interface CodeLines {
  codeFirstLine: number;
  codeLastLine: number;
  testFirstLine: number;
}

/**
 * The traceback with `(your line M)`, `(in the prompt)` or `(in the tests)` after each frame of
 * the program, and after the lines a SyntaxError's message names in it. A line of the code gets
 * no note when the code starts the program (MBPP, study mode): its number is the editor's.
 */
export function tracebackForEditor(traceback: string, lines: CodeLines, filename: string = PROGRAM_FILENAME): string {
  // A SyntaxError's message follows its location, the one frame with no `, in …`.
  let messageNext = false;
  return traceback
    .split('\n')
    .map((text) => {
      const found = FRAME.exec(text);
      if (found) {
        messageNext = found[1] === filename && found[3] === undefined;
        const note = found[1] === filename ? noteFor(Number(found[2]), lines) : null;
        return note ? `${text}  (${note})` : text;
      }
      // Below the location come the source line and its ^^^ (indented), then the message.
      if (!messageNext || text.startsWith(' ') || text === '') return text;
      messageNext = false;
      return withLineNotes(text, lines);
    })
    .join('\n');
}

/**
 * An error's message with notes after the program lines it names ("on line 21 (your line 10)"),
 * when it is a SyntaxError in the program itself: one raised by `exec` or `compile` counts lines
 * of another text.
 */
export function messageForEditor(message: string, traceback: string, lines: CodeLines, filename: string = PROGRAM_FILENAME): string {
  const frames = parseTraceback(traceback).flatMap((part) => (part.kind === 'frame' ? [part.frame] : []));
  const last = frames[frames.length - 1];
  return last && last.file === filename && last.functionName === null ? withLineNotes(message, lines) : message;
}

/** CPython names lines in SyntaxError messages as "on line N" and "(detected at line N)". */
function withLineNotes(text: string, lines: CodeLines): string {
  return text.replace(/\b(?:on|at) line (\d+)\)?/g, (whole: string, number: string) => {
    const note = noteFor(Number(number), lines);
    return note ? `${whole} (${note})` : whole;
  });
}

/** Where a program line is, for someone looking at the editor; null when its number says so already. */
function noteFor(line: number, lines: CodeLines): string | null {
  if (line >= lines.codeFirstLine && line <= lines.codeLastLine) {
    return lines.codeFirstLine === 1 ? null : `your line ${line - lines.codeFirstLine + 1}`;
  }
  if (line < lines.codeFirstLine) return 'in the prompt';
  if (line >= lines.testFirstLine) return 'in the tests';
  return null;
}

/**
 * The test line that was running when an error other than an AssertionError ended the program —
 * `assert similar_elements(a, b) == …` when the code under test raised a NameError — so the page
 * can point at it as it points at a failing assert. The harness names a failing assert only for
 * AssertionError (outcome.failingAssert); this reads the innermost frame of the tests in the last
 * traceback section, whose source line the trimmed traceback keeps. Null when the error was raised
 * before the tests ran (a SyntaxError, an error at import) or its frame shows no source.
 */
export function raisingTestLine(traceback: string, lines: CodeLines, filename: string = PROGRAM_FILENAME): string | null {
  // The frame the harness reads a failing assert from; the trimmed traceback has no program text, so none is given.
  const source = failingTestFrame(traceback, { filename, testFirstLine: lines.testFirstLine, programLines: [] })?.lines[1];
  return source?.startsWith('    ') && !/^\s*\^+\s*$/.test(source) ? source.trim() : null;
}

/** A test line the page points at, and what to say after it there. */
export interface StoppedTest {
  statement: string;
  /** `failed` for a failing assert; `raised NameError` when the code under test raised while it ran. */
  note: string;
  /** True for a failing assert, false for a test during which the code raised. */
  assertion: boolean;
}

/**
 * The test where a failed run stopped: its failing assert, or the test line whose call raised,
 * widened to its whole statement when the problem's `tests` (test-lines.ts) are given.
 */
export function stoppedTest(outcome: Outcome, lines: CodeLines, tests?: readonly string[]): StoppedTest | null {
  if (outcome.kind !== 'failed') return null;
  if (outcome.failingAssert) return { statement: outcome.failingAssert, note: 'failed', assertion: true };
  const line = raisingTestLine(outcome.traceback, lines);
  if (line === null) return null;
  return { statement: (tests && wholeStatement(tests, line)) ?? line, note: `raised ${outcome.errorType}`, assertion: false };
}
