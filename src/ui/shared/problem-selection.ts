/**
 * The problems a form picks, as the Study and Search forms both ask for them: a kind, a count, a
 * seed and a typed list of ids, checked as they are typed and turned into the SelectionSpec a
 * study or search stores.
 */
import { EXPECTED_PROBLEM_COUNTS } from '../../core/benchmarks/problem-count.ts';
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import { selectProblems, type SelectionSpec } from '../../core/benchmarks/selection.ts';
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

/**
 * What is wrong with the typed problem ids, as one sentence naming the field: none given, one
 * listed twice, or (once the benchmark is loaded) ids it does not hold. Null when they will do,
 * or when the selection is not by ids. Without `loaded` only what needs no dataset is checked.
 */
export function idsProblem(fields: ProblemSelectionState, loaded?: readonly Problem[]): string | null {
  if (fields.selectionKind !== 'ids') return null;
  const ids = parseIds(fields.idsText, fields.benchmark);
  const example = fields.benchmark === 'mbpp' ? '2, 3, 11 or Mbpp/2' : '0, 2, 12 or HumanEval/0';
  if (ids.length === 0) return `Problem ids: none given. Type the ids to run, e.g. ${example}.`;
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) return `Problem ids: ${twice} is listed twice. List each problem once.`;
  if (!loaded || loaded.length === 0 || loaded[0]!.benchmark !== fields.benchmark) return null;
  try {
    selectProblems(loaded, { kind: 'ids', ids });
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `Problem ids: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
  }
}

/**
 * How many problems the fields select: exact once the benchmark is loaded, else what the fields
 * say (N, the ids typed, the whole benchmark). Null when that cannot be told: fields that cannot
 * start, or the MBPP test split before MBPP is loaded.
 */
export function selectedCount(fields: ProblemSelectionState, seed: SeedField, loaded?: readonly Problem[]): number | null {
  let spec: SelectionSpec;
  try {
    spec = selectionSpecOf(fields, seed);
  } catch {
    return null;
  }
  if (loaded && loaded.length > 0 && loaded[0]!.benchmark === fields.benchmark) {
    try {
      return selectProblems(loaded, spec).length;
    } catch {
      return null;
    }
  }
  switch (spec.kind) {
    case 'all':
      return EXPECTED_PROBLEM_COUNTS[fields.benchmark];
    case 'first':
    case 'random':
      return spec.n;
    case 'ids':
      return idsProblem(fields) === null ? spec.ids.length : null;
    case 'mbpp-test-split':
      return null;
  }
}
