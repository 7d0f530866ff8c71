/**
 * Which problems a study runs, as plain data: it goes into links and result files, and the same
 * spec over the same dataset always gives the same problems in the same order.
 */
import { createRng, shuffled } from '../random.ts';
import type { Problem } from './problem.ts';
import { BENCHMARK_NAMES, canonicalTaskId } from './task-id.ts';

export type SelectionSpec =
  | { kind: 'all' }
  | { kind: 'first'; n: number }
  /** n distinct problems drawn with a seeded generator, returned in dataset order. */
  | { kind: 'random'; n: number; seed: number }
  /** Exactly these problems, in this order. */
  | { kind: 'ids'; ids: string[] }
  /** MBPP's official test split: task ids 11-510 (257 of them survive in sanitized MBPP). */
  | { kind: 'mbpp-test-split' };

export const MBPP_TEST_SPLIT = { first: 11, last: 510 } as const;

/** The problems a spec names. Throws with a clear message for a spec that cannot be honoured. */
export function selectProblems(problems: readonly Problem[], spec: SelectionSpec): Problem[] {
  switch (spec.kind) {
    case 'all':
      return problems.slice();
    case 'first':
      checkCount(spec.n, problems.length);
      return problems.slice(0, spec.n);
    case 'random': {
      checkCount(spec.n, problems.length);
      if (!Number.isInteger(spec.seed)) throw new Error(`A random selection needs an integer seed, got ${spec.seed}.`);
      const picked = new Set(shuffled(problems, createRng(spec.seed)).slice(0, spec.n));
      return problems.filter((p) => picked.has(p));
    }
    case 'ids':
      return selectByIds(problems, spec.ids);
    case 'mbpp-test-split': {
      const notMbpp = problems.find((p) => p.benchmark !== 'mbpp');
      if (notMbpp) throw new Error(`The MBPP test split only applies to MBPP, not to ${BENCHMARK_NAMES[notMbpp.benchmark]}.`);
      return problems.filter((p) => p.number >= MBPP_TEST_SPLIT.first && p.number <= MBPP_TEST_SPLIT.last);
    }
    default: {
      const never: never = spec;
      throw new Error(`Unknown selection ${JSON.stringify(never)}.`);
    }
  }
}

function checkCount(n: number, available: number): void {
  if (!Number.isInteger(n) || n < 1 || n > available) {
    throw new Error(`Cannot select ${n} problems: choose a whole number from 1 to ${available}.`);
  }
}

function selectByIds(problems: readonly Problem[], ids: readonly string[]): Problem[] {
  if (ids.length === 0) throw new Error('The list of problem ids is empty.');
  const benchmark = problems[0]?.benchmark;
  if (!benchmark) throw new Error('There are no problems to select from.');
  const byId = new Map(problems.map((p) => [p.id, p]));
  const selected: Problem[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const raw of ids) {
    const id = canonicalTaskId(benchmark, raw);
    const problem = typeof id === 'string' ? byId.get(id) : undefined;
    if (!problem) {
      unknown.push(raw);
      continue;
    }
    if (seen.has(problem.id)) throw new Error(`Problem ${problem.id} is listed twice.`);
    seen.add(problem.id);
    selected.push(problem);
  }
  if (unknown.length > 0) {
    throw new Error(`Unknown ${BENCHMARK_NAMES[benchmark]} problem id${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
  }
  return selected;
}

/** Checks a spec that arrived from outside (a link, a result file) and returns it typed. */
export function parseSelectionSpec(value: unknown): SelectionSpec {
  const bad = (why: string): never => {
    throw new Error(`Invalid problem selection ${JSON.stringify(value)}: ${why}.`);
  };
  if (typeof value !== 'object' || value === null) return bad('expected an object with a "kind"');
  const v = value as Record<string, unknown>;
  const positiveInt = (key: string): number => {
    const x = v[key];
    return typeof x === 'number' && Number.isInteger(x) && x >= 1 ? x : bad(`"${key}" must be a positive whole number`);
  };
  switch (v['kind']) {
    case 'all':
      return { kind: 'all' };
    case 'mbpp-test-split':
      return { kind: 'mbpp-test-split' };
    case 'first':
      return { kind: 'first', n: positiveInt('n') };
    case 'random': {
      const seed = v['seed'];
      if (typeof seed !== 'number' || !Number.isInteger(seed)) return bad('"seed" must be a whole number');
      return { kind: 'random', n: positiveInt('n'), seed };
    }
    case 'ids': {
      const ids = v['ids'];
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return bad('"ids" must be a list of strings');
      return { kind: 'ids', ids: ids as string[] };
    }
    default:
      return bad('"kind" must be one of all, first, random, ids, mbpp-test-split');
  }
}
