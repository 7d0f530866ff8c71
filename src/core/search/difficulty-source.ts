/**
 * Where a stratified search's difficulty ranking comes from. The study ranked HumanEval by how
 * often each problem was passed in an earlier benchmark run (every model's solo run and every
 * refine config counted, one verdict each), easiest first, problems it had no verdict for last
 * (scripts/run_code_neat.py, `_build_stratified_order`). That benchmark file was not released,
 * so here the verdicts come from a source the user chooses: a Feedback Lab result file (every
 * arm and every repeat), or the study's released error-taxonomy run (one run of each arm).
 *
 * Pass rates rather than the study's pass counts: the two rank alike when every problem has the
 * same number of verdicts, and a rate does not rank a problem harder because some of its units
 * errored (engine failures are no verdict) or were left unfinished.
 */
import type { BenchmarkId } from '../benchmarks/problem.ts';
import { BENCHMARK_NAMES } from '../benchmarks/task-id.ts';
import type { ReleasedErrorTaxonomy } from '../reproduce/error-taxonomy.ts';
import type { ResultUnit } from '../results/result-file.ts';
import { passRatesByProblem } from './fitness.ts';
import type { StratifiedColumnOrder, SubsetRule } from './search-config.ts';

export interface DifficultySource {
  /** What the page calls it: the file's name, or the released run. */
  label: string;
  benchmark: BenchmarkId;
  /** Pass rate of every problem the source holds a verdict for. */
  passRates: Record<string, number>;
  /** Verdicts counted, and the arms they came from (every arm that has one). */
  verdicts: number;
  arms: string[];
}

/** What a result file needs to be a source; the whole ResultFile fits. */
export interface ResultFileLike {
  config: { benchmark: BenchmarkId; arms: readonly { id: string; label: string }[] };
  units: readonly ResultUnit[];
}

/**
 * Pass rates from every finished unit of every arm and repeat. Errored units (the model never
 * answered) and unfinished ones reached no verdict and are left out. Throws when nothing is left.
 */
export function difficultyFromResultFile(doc: ResultFileLike, label: string): DifficultySource {
  const finished = doc.units.filter((u) => u.status === 'finished');
  if (finished.length === 0) {
    throw new Error(
      `${label} holds no finished run (${doc.units.length === 0 ? 'it has no units at all' : 'every unit errored or was left unfinished'}), so it ranks no problem by difficulty.`,
    );
  }
  const armIds = new Set(finished.map((u) => u.armId));
  return {
    label,
    benchmark: doc.config.benchmark,
    passRates: passRatesByProblem(finished.map((u) => ({ problemId: u.problemId, passed: u.trajectory.passed }))),
    verdicts: finished.length,
    arms: doc.config.arms.filter((a) => armIds.has(a.id)).map((a) => a.label || a.id),
  };
}

/**
 * Arms of the released run that a ranking leaves out: the NEAT champion's. The study ranked
 * problems before its search, from runs that knew nothing of the champion; counting the
 * champion's own verdicts would rank the problems by the search's eventual result.
 */
export function isReleasedChampionArm(name: string): boolean {
  return /champion/i.test(name);
}

/**
 * Pass rates from the study's released error-taxonomy run: one verdict per arm and problem
 * (HumanEval), from every arm but the NEAT champion's.
 */
export function difficultyFromReleasedTaxonomy(taxonomy: ReleasedErrorTaxonomy, label: string): DifficultySource {
  const arms = taxonomy.arms.filter((a) => a.problems.length > 0 && !isReleasedChampionArm(a.name));
  const verdicts = arms.flatMap((arm) => arm.problems.map((p) => ({ problemId: p.taskId, passed: p.passed })));
  if (verdicts.length === 0) throw new Error(`${label} holds no per-problem verdicts.`);
  return {
    label,
    benchmark: 'humaneval',
    passRates: passRatesByProblem(verdicts),
    verdicts: verdicts.length,
    arms: arms.map((a) => a.name),
  };
}

/** Why a source over another benchmark than the search's ranks nothing (no closing stop), or null. */
export function benchmarkMismatch(source: DifficultySource, benchmark: BenchmarkId): string | null {
  if (source.benchmark === benchmark) return null;
  const name = BENCHMARK_NAMES[benchmark];
  return `${source.label} holds ${BENCHMARK_NAMES[source.benchmark]} runs, but the search is on ${name}: pick a result file over ${name}`;
}

export interface DifficultyCoverage {
  /** Problems of the pool the source gives a pass rate. */
  ranked: number;
  /** Problems of the pool it does not: they go last, as the hardest, in pool order. */
  unranked: number;
}

export function difficultyCoverage(source: DifficultySource, poolIds: readonly string[]): DifficultyCoverage {
  const ranked = poolIds.filter((id) => id in source.passRates).length;
  return { ranked, unranked: poolIds.length - ranked };
}

/**
 * Why `source` cannot rank this search's subsets, one sentence each; empty when it can. A source
 * over another benchmark ranks nothing, and one that ranks fewer pool problems than a subset holds
 * would fill whole difficulty bands with problems it knows nothing about.
 */
export function difficultySourceProblems(source: DifficultySource, benchmark: BenchmarkId, poolIds: readonly string[] | null, subsetSize: number): string[] {
  const otherBenchmark = benchmarkMismatch(source, benchmark);
  if (otherBenchmark) return [`${otherBenchmark}, or choose the rotating subsets.`];
  const ranked = poolIds === null ? Object.keys(source.passRates).length : difficultyCoverage(source, poolIds).ranked;
  if (Number.isInteger(subsetSize) && subsetSize >= 1 && ranked < subsetSize) {
    const where = poolIds === null ? '' : ' of the pool’s';
    return [
      `${source.label} ranks ${ranked}${where} problem${ranked === 1 ? '' : 's'}, fewer than the subset size (${subsetSize}): every generation needs one ranked problem per difficulty band. Lower the subset size, or pick a source with more problems.`,
    ];
  }
  return [];
}

/** The rule a search stores: the pass rates of the pool's problems only (the rest rank last without one). */
export function stratifiedRule(source: DifficultySource, poolIds: readonly string[], columnOrder: StratifiedColumnOrder = 'easiest-first'): SubsetRule {
  const passRates: Record<string, number> = {};
  for (const id of poolIds) {
    const rate = source.passRates[id];
    if (rate !== undefined) passRates[id] = rate;
  }
  // The study's order is written as no field at all: its configs stay exactly as they were.
  return columnOrder === 'balanced' ? { kind: 'stratified', passRates, columnOrder } : { kind: 'stratified', passRates };
}
