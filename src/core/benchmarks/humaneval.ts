import type { Problem } from './problem.ts';

const HUMANEVAL_ID = /^HumanEval\/(\d+)$/;
const STRING_FIELDS = ['task_id', 'prompt', 'canonical_solution', 'test', 'entry_point'] as const;

/**
 * Parses openai/human-eval's `HumanEval.jsonl` (already decompressed). Text fields are kept
 * verbatim, since the official harness concatenates them byte for byte. Whitespace-only lines
 * are skipped, as human-eval's own reader does. Throws on the first malformed line, naming it:
 * a broken dataset file is a precondition failure, not something to score around.
 */
export function parseHumanEval(jsonlText: string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const lines = jsonlText.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') continue;
    const where = `HumanEval.jsonl line ${index + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where} is not valid JSON (${(error as Error).message}).`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new Error(`${where} is not a JSON object.`);
    }
    const record = row as Record<string, unknown>;
    for (const field of STRING_FIELDS) {
      if (typeof record[field] !== 'string') {
        throw new Error(`${where}: field "${field}" is missing or not a string.`);
      }
    }
    const fields = record as Record<(typeof STRING_FIELDS)[number], string>;
    const match = HUMANEVAL_ID.exec(fields.task_id);
    if (!match) throw new Error(`${where}: task_id ${JSON.stringify(fields.task_id)} is not of the form HumanEval/N.`);
    if (seen.has(fields.task_id)) throw new Error(`${where}: task_id ${fields.task_id} appears twice.`);
    seen.add(fields.task_id);
    problems.push({
      benchmark: 'humaneval',
      id: fields.task_id,
      number: Number(match[1]),
      prompt: fields.prompt,
      entryPoint: fields.entry_point,
      canonicalSolution: fields.canonical_solution,
      test: fields.test,
      testImports: [],
      testList: [],
      knownBroken: false,
    });
  }
  return problems;
}
