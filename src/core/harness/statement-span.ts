/**
 * Where a Python statement written over several lines ends. The failed-assert line of a verdict
 * and the presenter's per-assert verdicts both read asserts out of test code, and several
 * HumanEval tests spread one assert over lines inside brackets or after a backslash.
 */

/** The most lines one statement is followed over: a test's assert never needs more. */
const MAX_STATEMENT_LINES = 30;

/** The index of the last line of the statement that starts on `lines[first]`. */
export function statementEnd(lines: readonly string[], first: number): number {
  let depth = 0;
  let last = first;
  for (let i = first; i < lines.length && i < first + MAX_STATEMENT_LINES; i++) {
    const line = lines[i] ?? '';
    depth += bracketBalance(line);
    last = i;
    if (depth <= 0 && !line.trimEnd().endsWith('\\')) break;
  }
  return last;
}

/** The statement that starts on `lines[first]`, its lines dedented together (a multi-line assert keeps its inner indentation). */
export function statementText(lines: readonly string[], first: number): string {
  const spanned = lines.slice(first, statementEnd(lines, first) + 1);
  const indent = Math.min(...spanned.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)?.[0].length ?? 0));
  return spanned.map((l) => l.slice(Math.min(indent, /^\s*/.exec(l)?.[0].length ?? 0)).trimEnd()).join('\n');
}

/** Opening minus closing brackets outside string literals and comments. */
function bracketBalance(line: string): number {
  const code = line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/, '');
  let balance = 0;
  for (const ch of code) {
    if (ch === '(' || ch === '[' || ch === '{') balance++;
    else if (ch === ')' || ch === ']' || ch === '}') balance--;
  }
  return balance;
}
