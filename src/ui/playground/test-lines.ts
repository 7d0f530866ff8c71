/**
 * The tests as the Playground shows them, and whole statements within them: a traceback shows
 * one line of the statement a test stopped in (HumanEval/1's asserts span several), and the page
 * points at the statement, as it does at a failing assert the harness widened itself.
 */
import type { Problem } from '../../core/benchmarks/problem.ts';

/** The lines of a problem's tests, as the Playground lists them. */
export function testLinesOf(problem: Problem): string[] {
  return problem.benchmark === 'humaneval' ? problem.test.replace(/^\n+/, '').split('\n') : [...problem.testImports, ...problem.testList];
}

/** How many lines past a statement's first it may run: HumanEval's longest assert is well inside. */
const MAX_STATEMENT_LINES = 30;

/**
 * The statement that starts with the test line `first` (compared without indentation), widened
 * over the lines that follow while a bracket it opened is still open; null when no test line is it.
 */
export function wholeStatement(tests: readonly string[], first: string): string | null {
  const start = tests.findIndex((line) => line.trim() === first.trim());
  if (start === -1) return null;
  let depth = 0;
  let end = start;
  for (; end < Math.min(tests.length, start + MAX_STATEMENT_LINES); end++) {
    depth += bracketBalance(tests[end] ?? '');
    if (depth <= 0) break;
  }
  const lines = tests.slice(start, Math.min(end, tests.length - 1) + 1);
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)?.[0].length ?? 0)).trimEnd()).join('\n');
}

/** Brackets a line opens minus those it closes, outside string literals and comments. */
function bracketBalance(line: string): number {
  let balance = 0;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') break;
    else if ('([{'.includes(c)) balance++;
    else if (')]}'.includes(c)) balance--;
  }
  return balance;
}
