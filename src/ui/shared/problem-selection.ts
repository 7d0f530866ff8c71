/**
 * The problems a form picks, as the Study and Search forms both ask for them: a kind, a count, a
 * seed and a typed list of ids, turned into the SelectionSpec a study or search stores.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { SelectionSpec } from '../../core/benchmarks/selection.ts';
import { wholeNumberOf } from './number-field.ts';

export type SelectionKind = SelectionSpec['kind'];

/** What a form holds for its problems; `seed` draws the random ones. */
export interface ProblemSelectionState {
  benchmark: BenchmarkId;
  selectionKind: SelectionKind;
  n: number;
  seed: number;
  idsText: string;
}

export function selectionSpecOf(fields: ProblemSelectionState): SelectionSpec {
  switch (fields.selectionKind) {
    case 'all':
    case 'mbpp-test-split':
      return { kind: fields.selectionKind };
    case 'first':
      return { kind: 'first', n: wholeNumberOf(fields.n, 'N (how many problems)', 'a whole number of problems, at least 1') };
    case 'random':
      return {
        kind: 'random',
        n: wholeNumberOf(fields.n, 'N (how many problems)', 'a whole number of problems, at least 1'),
        seed: wholeNumberOf(fields.seed, 'The seed', 'a whole number (the same seed draws the same problems)'),
      };
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
