import { describe, expect, it } from 'vitest';
import { parseHumanEval } from '../../../src/core/benchmarks/humaneval.ts';
import { findEntryPoint, MBPP_KNOWN_BROKEN, parseSanitizedMbpp } from '../../../src/core/benchmarks/mbpp.ts';
import { assertCompleteBenchmark } from '../../../src/core/benchmarks/problem-count.ts';
import { loadTestProblem, loadTestProblems } from '../../support/datasets.ts';

const heLine = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ task_id: id, prompt: 'def f():\n', canonical_solution: '    return 1\n', test: 'def check(c):\n    assert c() == 1\n', entry_point: 'f', ...extra });

const mbppItem = (taskId: number, extra: Record<string, unknown> = {}) => ({
  source_file: 'x',
  task_id: taskId,
  prompt: 'Write a function.',
  code: 'def f(x):\n  return x',
  test_imports: [],
  test_list: ['assert f(1) == 1'],
  ...extra,
});

describe('parseHumanEval', () => {
  it('keeps every text field verbatim', async () => {
    const p = await loadTestProblem('humaneval', 'HumanEval/0');
    expect(p.prompt.startsWith('from typing import List\n\n\ndef has_close_elements(')).toBe(true);
    expect(p.canonicalSolution.startsWith('    for idx, elem in enumerate(numbers):\n')).toBe(true);
    expect(p.test.startsWith("\n\nMETADATA = {\n    'author': 'jt',")).toBe(true);
    expect(p).toMatchObject({ entryPoint: 'has_close_elements', number: 0, testList: [], testImports: [], knownBroken: false });
  });

  it('parses a handful of lines without insisting on the full 164', () => {
    const problems = parseHumanEval([heLine('HumanEval/0'), '', heLine('HumanEval/1'), '  '].join('\r\n'));
    expect(problems.map((p) => p.id)).toEqual(['HumanEval/0', 'HumanEval/1']);
    expect(problems[1]?.prompt).toBe('def f():\n');
    expect(() => assertCompleteBenchmark('humaneval', problems)).toThrow(/should have 164 problems, but the file gave 2/);
  });

  it('names the line of malformed JSON', () => {
    expect(() => parseHumanEval([heLine('HumanEval/0'), '{"task_id": '].join('\n'))).toThrow(/^HumanEval.jsonl line 2 is not valid JSON/);
  });

  it('names the line and field that is missing or of the wrong type', () => {
    expect(() => parseHumanEval(heLine('HumanEval/0', { entry_point: 3 }))).toThrow(
      'HumanEval.jsonl line 1: field "entry_point" is missing or not a string.',
    );
  });

  it('rejects ids that are not HumanEval ids, and duplicates', () => {
    expect(() => parseHumanEval(heLine('Mbpp/2'))).toThrow(/line 1: task_id "Mbpp\/2" is not of the form HumanEval\/N/);
    expect(() => parseHumanEval([heLine('HumanEval/0'), heLine('HumanEval/0')].join('\n'))).toThrow(/line 2: task_id HumanEval\/0 appears twice/);
  });
});

describe('parseSanitizedMbpp', () => {
  it('builds Mbpp/2 with its entry point, asserts and test text', async () => {
    const p = await loadTestProblem('mbpp', 'Mbpp/2');
    expect(p).toMatchObject({
      benchmark: 'mbpp',
      number: 2,
      prompt: 'Write a function to find the shared elements from the given two lists.',
      entryPoint: 'similar_elements',
      testImports: [],
      knownBroken: false,
    });
    expect(p.testList).toHaveLength(3);
    expect(p.test).toBe(p.testList.join('\n'));
    expect(p.canonicalSolution).toBe('def similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & set(test_tup2))\n  return (res) ');
  });

  it('finds an entry point for every task that the code defines and every assert calls', async () => {
    for (const p of await loadTestProblems('mbpp')) {
      expect(p.canonicalSolution).toMatch(new RegExp(`^def ${p.entryPoint}\\s*\\(`, 'm'));
      for (const assertion of p.testList) expect(assertion, p.id).toContain(p.entryPoint);
    }
  });

  it('flags exactly the tasks MBPP+ removed as broken', async () => {
    const flagged = (await loadTestProblems('mbpp')).filter((p) => p.knownBroken).map((p) => p.number);
    expect(flagged).toEqual([...MBPP_KNOWN_BROKEN].sort((a, b) => a - b));
  });

  it('keeps test imports, for tasks whose asserts need math', async () => {
    const p = await loadTestProblem('mbpp', 'Mbpp/82');
    expect(p.testImports).toEqual(['import math']);
  });

  it('parses a subset and leaves the count check to assertCompleteBenchmark', () => {
    const problems = parseSanitizedMbpp(JSON.stringify([mbppItem(11), mbppItem(12)]));
    expect(problems.map((p) => p.id)).toEqual(['Mbpp/11', 'Mbpp/12']);
    expect(() => assertCompleteBenchmark('mbpp', problems)).toThrow(/MBPP should have 427 problems, but the file gave 2/);
  });

  it('names the index and task of a malformed item', () => {
    expect(() => parseSanitizedMbpp('[')).toThrow(/^sanitized-mbpp.json is not valid JSON/);
    expect(() => parseSanitizedMbpp('{}')).toThrow('sanitized-mbpp.json should hold a JSON array of tasks.');
    expect(() => parseSanitizedMbpp(JSON.stringify([mbppItem(11), mbppItem(12, { test_list: 'assert f(1) == 1' })]))).toThrow(
      'sanitized-mbpp.json item 1 (task_id 12): field "test_list" is missing or not a list of strings.',
    );
    expect(() => parseSanitizedMbpp(JSON.stringify([mbppItem(11), { task_id: 'x' }]))).toThrow(
      'sanitized-mbpp.json item 1: task_id "x" is not a non-negative integer.',
    );
    expect(() => parseSanitizedMbpp(JSON.stringify([mbppItem(11, { test_list: ['assert g(1) == 1'] })]))).toThrow(
      /item 0 \(task_id 11\): none of the functions its asserts call is defined in its code/,
    );
  });
});

describe('findEntryPoint', () => {
  it('skips wrappers the asserts put around the function', () => {
    expect(findEntryPoint('def similar_elements(a, b):\n  pass', ['assert set(similar_elements((3, 4),(5, 4))) == set((4,))'])).toBe(
      'similar_elements',
    );
    expect(findEntryPoint('import math\ndef volume(r):\n  return r', ['assert math.isclose(volume(3), 3, rel_tol=0.001)'])).toBe('volume');
  });

  it('prefers the called function over helpers defined before it', () => {
    const code = 'def is_Power_Of_Two(x):\n  return x\ndef differ_At_One_Bit_Pos(a, b):\n  return is_Power_Of_Two(a ^ b)';
    expect(findEntryPoint(code, ['assert differ_At_One_Bit_Pos(13,9) == True'])).toBe('differ_At_One_Bit_Pos');
  });

  it('ignores names inside string literals', () => {
    const code = 'def f(x):\n  return x\ndef g(s):\n  return s';
    expect(findEntryPoint(code, ['assert "f(1)" == g("f(1)")'])).toBe('g');
  });

  it('ignores functions nested inside others', () => {
    const code = 'def outer(s):\n  def inner(t):\n    return t\n  return inner(s)';
    expect(findEntryPoint(code, ['assert inner(outer(1)) == 1'])).toBe('outer');
  });
});
