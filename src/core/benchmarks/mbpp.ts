import type { Problem } from './problem.ts';

/**
 * Sanitized-MBPP tasks that MBPP+ v0.2.0 removed as broken (wrong or ambiguous tests). They are
 * still scored, so totals stay comparable with the study's /427, but reports flag them.
 */
export const MBPP_KNOWN_BROKEN: ReadonlySet<number> = new Set([
  83, 115, 117, 143, 164, 229, 249, 295, 396, 400, 407, 431, 438, 442, 461, 574, 582, 595, 640, 746, 783,
]);

/** Whether a canonical task id (`Mbpp/83`) is one of MBPP_KNOWN_BROKEN. */
export function isKnownBrokenMbpp(taskId: string): boolean {
  const match = /^Mbpp\/(\d+)$/.exec(taskId);
  return match !== null && MBPP_KNOWN_BROKEN.has(Number(match[1]));
}

/**
 * What scoring says under its totals when samples of those tasks were scored (the Score page and
 * `feedback-lab score` alike): which, and how many of their samples passed, so a reader can
 * discount them. They stay in the totals, as the study's /427 and openai/human-eval count them.
 */
export function knownBrokenScoringNote(perTask: Iterable<readonly [string, { n: number; c: number }]>): string | null {
  const flagged = [...perTask].filter(([taskId, counts]) => counts.n > 0 && isKnownBrokenMbpp(taskId));
  if (flagged.length === 0) return null;
  const samples = flagged.reduce((sum, [, counts]) => sum + counts.n, 0);
  const passed = flagged.reduce((sum, [, counts]) => sum + counts.c, 0);
  const ids = flagged.map(([taskId]) => taskId).join(', ');
  return (
    `${flagged.length} of the tasks scored (${ids}) ${flagged.length === 1 ? 'is' : 'are'} among the ${MBPP_KNOWN_BROKEN.size} that MBPP+ removed as broken ` +
    `(wrong or ambiguous tests): ${passed} of their ${samples} sample${samples === 1 ? '' : 's'} passed. They count in the totals, as in the study's and human-eval's.`
  );
}

/**
 * Parses google-research's `sanitized-mbpp.json` (a JSON array, despite the README's "jsonl").
 * Text fields are kept verbatim. Throws on the first malformed item, naming its index and task_id.
 */
export function parseSanitizedMbpp(jsonText: string): Problem[] {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (error) {
    throw new Error(`sanitized-mbpp.json is not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(data)) throw new Error('sanitized-mbpp.json should hold a JSON array of tasks.');

  const seen = new Set<number>();
  return data.map((item: unknown, index): Problem => {
    let where = `sanitized-mbpp.json item ${index}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error(`${where} is not a JSON object.`);
    const record = item as Record<string, unknown>;
    const taskId = record['task_id'];
    if (typeof taskId !== 'number' || !Number.isInteger(taskId) || taskId < 0) {
      throw new Error(`${where}: task_id ${JSON.stringify(taskId)} is not a non-negative integer.`);
    }
    where += ` (task_id ${taskId})`;
    if (seen.has(taskId)) throw new Error(`${where}: task_id ${taskId} appears twice.`);
    seen.add(taskId);
    const prompt = record['prompt'];
    const code = record['code'];
    if (typeof prompt !== 'string') throw new Error(`${where}: field "prompt" is missing or not a string.`);
    if (typeof code !== 'string') throw new Error(`${where}: field "code" is missing or not a string.`);
    const testImports = stringList(record['test_imports'], 'test_imports', where);
    const testList = stringList(record['test_list'], 'test_list', where);
    if (testList.length === 0) throw new Error(`${where}: field "test_list" is empty.`);
    const entryPoint = findEntryPoint(code, testList);
    if (entryPoint === null) {
      throw new Error(`${where}: none of the functions its asserts call is defined in its code, so its entry point is unknown.`);
    }
    return {
      benchmark: 'mbpp',
      id: `Mbpp/${taskId}`,
      number: taskId,
      prompt,
      entryPoint,
      canonicalSolution: code,
      test: testList.join('\n'),
      testImports,
      testList,
      knownBroken: MBPP_KNOWN_BROKEN.has(taskId),
    };
  });
}

function stringList(value: unknown, field: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${where}: field "${field}" is missing or not a list of strings.`);
  }
  return value as string[];
}

const TOP_LEVEL_DEFINITION = /^(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)/gm;
// Calls by bare name: `set(similar_elements(` yields set, similar_elements; `math.isclose(` is skipped.
const BARE_CALL = /(?<![\w.])([A-Za-z_]\w*)\s*\(/g;
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g;

/**
 * The function the tests call. Asserts often wrap it (`assert set(f(x)) == …`,
 * `assert math.isclose(f(x), …)`), so the rule is: the first name called in an assert that the
 * code defines at top level, looking at the first assert, then the others. Names inside string
 * literals are ignored. Null when no assert calls a defined name.
 */
export function findEntryPoint(code: string, asserts: readonly string[]): string | null {
  const defined = new Set([...code.matchAll(TOP_LEVEL_DEFINITION)].map((m) => m[1] as string));
  for (const assertion of asserts) {
    const withoutStrings = assertion.replace(STRING_LITERAL, '""');
    for (const call of withoutStrings.matchAll(BARE_CALL)) {
      const name = call[1] as string;
      if (defined.has(name)) return name;
    }
  }
  return null;
}
