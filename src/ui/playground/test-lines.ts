/**
 * The tests as the Playground shows them, and whole statements within them: a traceback shows
 * one line of the statement a test stopped in (HumanEval/1's asserts span several), and the page
 * points at the statement, as it does at a failing assert the harness widened itself.
 */
import type { Problem } from '../../core/benchmarks/problem.ts';
import { statementText } from '../../core/harness/statement-span.ts';

/** The lines of a problem's tests, as the Playground lists them. */
export function testLinesOf(problem: Problem): string[] {
  return problem.benchmark === 'humaneval' ? problem.test.replace(/^\n+/, '').split('\n') : [...problem.testImports, ...problem.testList];
}

/**
 * The statement that starts with the test line `first` (compared without indentation), widened
 * over the lines it spans as the harness widens a failing assert; null when no test line is it.
 */
export function wholeStatement(tests: readonly string[], first: string): string | null {
  const start = tests.findIndex((line) => line.trim() === first.trim());
  return start === -1 ? null : statementText(tests, start);
}
