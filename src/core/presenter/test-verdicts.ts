/**
 * The tests as the audience sees them: the problem's test code line by line, its assert
 * statements, and a verdict per assert for one execution.
 *
 * The sandbox reports one outcome per program, not one per assert. Both benchmarks' tests stop
 * at the first failing statement, so the verdicts follow from where the program stopped: the
 * asserts before it passed, the one it stopped in failed (or raised), and the rest never ran.
 * An assert inside a loop is one statement with one verdict.
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { Outcome } from '../harness/outcome.ts';
import { statementEnd } from '../harness/statement-span.ts';
import { parseTraceback } from '../harness/traceback.ts';

export interface AssertStatement {
  /** 0-based first and last line of the statement in `TestCode.lines`. */
  firstLine: number;
  lastLine: number;
  text: string;
}

export interface TestCode {
  lines: string[];
  asserts: AssertStatement[];
}

/**
 * `passed`: the program got past it. `failed`: its condition was false. `raised`: the code under
 * test raised while it ran. `not-run`: the program stopped before it. `unknown`: nothing says
 * where the program stopped: it timed out, its interpreter died, or it failed without a
 * traceback to place it (it wrote too much, ran out of memory).
 */
export type AssertVerdict = 'passed' | 'failed' | 'raised' | 'not-run' | 'unknown';

export interface TestVerdicts {
  verdicts: AssertVerdict[];
  /** Index of the assert the program stopped in, or null. */
  stoppedAt: number | null;
  /** The program stopped before any test ran: it did not compile, or failed while being defined. */
  beforeTests: boolean;
}

export function testCode(problem: Problem): TestCode {
  const lines =
    problem.benchmark === 'humaneval'
      ? problem.test.replace(/^\n+/, '').trimEnd().split('\n')
      : [...problem.testImports, ...problem.testList];
  return { lines, asserts: assertStatements(lines) };
}

/** Assert statements, each widened over the lines its brackets span. */
export function assertStatements(lines: readonly string[]): AssertStatement[] {
  const out: AssertStatement[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*assert\b/.test(lines[i] ?? '')) continue;
    const last = statementEnd(lines, i);
    out.push({ firstLine: i, lastLine: last, text: lines.slice(i, last + 1).join('\n') });
    i = last;
  }
  return out;
}

export function testVerdicts(code: TestCode, outcome: Outcome): TestVerdicts {
  const count = code.asserts.length;
  const all = (verdict: AssertVerdict): AssertVerdict[] => Array.from({ length: count }, () => verdict);
  switch (outcome.kind) {
    case 'passed':
      return { verdicts: all('passed'), stoppedAt: null, beforeTests: false };
    case 'timed-out':
      return { verdicts: all('unknown'), stoppedAt: null, beforeTests: false };
    case 'failed': {
      const assertion = outcome.failingAssert !== null;
      if (!assertion && !placeable(outcome)) return { verdicts: all('unknown'), stoppedAt: null, beforeTests: false };
      const at = assertion ? findStatement(code, outcome.failingAssert ?? '') : stoppedInTests(code, outcome.traceback);
      if (at === null) {
        // An assertion the harness placed but we cannot find, or an error outside the tests' asserts.
        const reachedTests = assertion || testFrameCount(outcome.traceback) > 0;
        return { verdicts: all(reachedTests ? 'unknown' : 'not-run'), stoppedAt: null, beforeTests: !reachedTests };
      }
      const verdicts = code.asserts.map((_, i): AssertVerdict => (i < at ? 'passed' : i === at ? (assertion ? 'failed' : 'raised') : 'not-run'));
      return { verdicts, stoppedAt: at, beforeTests: false };
    }
    default: {
      const never: never = outcome;
      throw new Error(`Unknown outcome ${JSON.stringify(never)}.`);
    }
  }
}

/** How many verdicts the ticking animation reveals one by one: up to where the program stopped. */
export function tickCount(result: TestVerdicts): number {
  if (result.stoppedAt !== null) return result.stoppedAt + 1;
  return result.verdicts.every((v) => v === 'passed') ? result.verdicts.length : 0;
}

function findStatement(code: TestCode, statement: string): number | null {
  const wanted = normalise(statement);
  const exact = code.asserts.findIndex((a) => normalise(a.text) === wanted);
  if (exact !== -1) return exact;
  const firstLine = normalise(statement.split('\n')[0] ?? '');
  const loose = code.asserts.findIndex((a) => normalise(a.text.split('\n')[0] ?? '') === firstLine);
  return loose === -1 ? null : loose;
}

/**
 * For an error raised by the code under test, the assert whose call raised it: the traceback's
 * test frame shows that assert's source line. The innermost matching frame wins.
 */
function stoppedInTests(code: TestCode, traceback: string): number | null {
  const sources = parseTraceback(traceback).flatMap((part) =>
    part.kind === 'frame' && part.frame.functionName !== null ? [normalise(part.frame.lines[1] ?? '')] : [],
  );
  for (const source of sources.reverse()) {
    if (!source.startsWith('assert')) continue;
    const index = code.asserts.findIndex((a) => normalise(a.text.split('\n')[0] ?? '') === source);
    if (index !== -1) return index;
  }
  return null;
}

/**
 * Whether the failure says where the program was: a traceback frame in the program (the
 * candidate's or the tests'), or an error of compiling, which stops it before anything runs. A
 * crash, an output flood (the sandbox stops it wherever it is) or a MemoryError Python could not
 * trace says nothing of it.
 */
function placeable(outcome: Extract<Outcome, { kind: 'failed' }>): boolean {
  if (outcome.errorType === 'Crash') return false;
  if (outcome.category === 'SyntaxError' || outcome.category === 'IndentationError') return true;
  return parseTraceback(outcome.traceback).some((part) => part.kind === 'frame');
}

function testFrameCount(traceback: string): number {
  return parseTraceback(traceback).filter(
    (part) => part.kind === 'frame' && (part.frame.functionName === 'check' || /^\s*assert\b/.test(part.frame.lines[1] ?? '')),
  ).length;
}

function normalise(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .trim();
}
