/**
 * The problems a form picks, as the Study and Search forms both ask for them: a kind, a count, a
 * seed and a typed list of ids, checked as they are typed and turned into the SelectionSpec a
 * study or search stores.
 */
import { EXPECTED_PROBLEM_COUNTS } from '../../core/benchmarks/problem-count.ts';
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { SelectionSpec } from '../../core/benchmarks/selection.ts';
import { wholeProblem, type Range } from '../../core/number-problems.ts';
import { FormProblems } from './form-problems.ts';

export type SelectionKind = SelectionSpec['kind'];

/** What a form holds for its problems; `seed` draws the random ones. */
export interface ProblemSelectionState {
  benchmark: BenchmarkId;
  selectionKind: SelectionKind;
  n: number;
  seed: number;
  idsText: string;
}

/** How a form labels and bounds the seed of a random draw (the Search form keeps it to 32 bits). */
export interface SeedField {
  label: string;
  range: Range;
}

/** What is wrong with the selection's numbers (N, the seed), one sentence per field; empty when nothing. */
export function selectionProblems(fields: ProblemSelectionState, seed: SeedField): string[] {
  const found: (string | null)[] = [];
  if (fields.selectionKind === 'first' || fields.selectionKind === 'random') {
    found.push(wholeProblem('N', fields.n, { min: 1, max: EXPECTED_PROBLEM_COUNTS[fields.benchmark] }));
  }
  if (fields.selectionKind === 'random') found.push(wholeProblem(seed.label, fields.seed, seed.range, 'the same seed draws the same problems'));
  return found.filter((problem): problem is string => problem !== null);
}

/** The spec the fields describe; throws FormProblems when `selectionProblems` finds any. */
export function selectionSpecOf(fields: ProblemSelectionState, seed: SeedField): SelectionSpec {
  const problems = selectionProblems(fields, seed);
  if (problems.length > 0) throw new FormProblems(problems);
  switch (fields.selectionKind) {
    case 'all':
    case 'mbpp-test-split':
      return { kind: fields.selectionKind };
    case 'first':
      return { kind: 'first', n: fields.n };
    case 'random':
      return { kind: 'random', n: fields.n, seed: fields.seed };
    case 'ids':
      return { kind: 'ids', ids: parseIds(fields.idsText, fields.benchmark) };
    default: {
      const never: never = fields.selectionKind;
      throw new Error(`Unknown selection ${String(never)}.`);
    }
  }
}

/** `0, 2 HumanEval/5` → canonical-looking ids; bare numbers get the benchmark's prefix. */
export function parseIds(text: string, benchmark: BenchmarkId): string[] {
  const prefix = benchmark === 'mbpp' ? 'Mbpp/' : 'HumanEval/';
  return text
    .split(/[\s,;]+/)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? `${prefix}${Number(part)}` : part));
}
