/**
 * Re-validation of search champions, and the inflation it exposes. During the search a genome's
 * fitness is one noisy reading on a small subset, and the champion is the maximum of many noisy
 * readings, so it is biased upward. Re-running a champion on every problem, n times, gives an
 * unbiased figure; inflation = search-time fitness − validated fitness. Measured so, the study's
 * own champion was +40 % (21/25 in its search, 98.2/164 validated: study-champion.ts); the
 * paper's "5-7%" is another measure, a single full run against the five-run mean.
 */
import { nodeCount, type RefinePipeline } from '../pipeline/genome.ts';
import { bootstrapPassRate } from '../stats/bootstrap.ts';
import { mean, summarize } from '../stats/summary.ts';
import { penalised } from './fitness.ts';
import { genomeById } from './search.ts';
import type { SearchState } from './search-state.ts';

/**
 * Repeats of a champion's re-validation that the study reports: the mean of 5 runs on every
 * problem (scripts/run_revalidation.py, and the champion's 5 runs at its evolved temperatures in
 * scripts/run_code_neat.py); its Table 7 sets single runs against that mean.
 */
export const STUDY_VALIDATION_REPEATS = 5;

export interface ValidationUnit {
  key: string;
  genomeId: string;
  pipeline: RefinePipeline;
  problemId: string;
  repeat: number;
}

/** The champion of the whole search, then each generation's champion, each genome once. */
export function championsToValidate(state: SearchState, scope: 'champion' | 'per-generation'): string[] {
  const ids = state.champion ? [state.champion.genomeId] : [];
  if (scope === 'per-generation') ids.push(...state.history.map((h) => h.championId));
  return [...new Set(ids)];
}

/** Every (genome, problem, repeat) to run: all problems, n repeats each. */
export function validationPlan(state: SearchState, genomeIds: readonly string[], problemIds: readonly string[], repeats: number): ValidationUnit[] {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`Validation needs at least one repeat, got ${repeats}.`);
  if (problemIds.length === 0) throw new Error('Validation needs at least one problem.');
  return genomeIds.flatMap((genomeId) => {
    const pipeline = genomeById(state, genomeId).pipeline;
    return Array.from({ length: repeats }, (_, repeat) =>
      problemIds.map((problemId) => ({ key: `${genomeId}|${repeat}|${problemId}`, genomeId, pipeline, problemId, repeat })),
    ).flat();
  });
}

export interface ValidatedFitness {
  genomeId: string;
  problems: number;
  /** Pass rate of each repeat over all problems. */
  passRates: number[];
  meanPassRate: number;
  sdPassRate: number | null;
  /** Mean pass rate − parsimony × nodes, comparable with the search-time fitness. */
  fitness: number;
  /** Share of the repeats that passed, per problem: what the drawn / never-drawn split is made of. */
  shares: Record<string, number>;
}

/** Passed and total units per group (a repeat, a problem), in the order groups first appear. */
function tallyPasses<K>(units: readonly ValidationUnit[], passedByKey: Readonly<Record<string, boolean>>, groupOf: (unit: ValidationUnit) => K): Map<K, { passed: number; total: number }> {
  const tally = new Map<K, { passed: number; total: number }>();
  for (const u of units) {
    const t = tally.get(groupOf(u)) ?? { passed: 0, total: 0 };
    t.total++;
    if (passedByKey[u.key]) t.passed++;
    tally.set(groupOf(u), t);
  }
  return tally;
}

/** Per genome whose units are all done (others are left out until they are), by genome id. */
export function summariseValidation(
  plan: readonly ValidationUnit[],
  passedByKey: Readonly<Record<string, boolean>>,
  parsimony: number,
): Record<string, ValidatedFitness> {
  const byGenome = new Map<string, ValidationUnit[]>();
  for (const unit of plan) byGenome.set(unit.genomeId, [...(byGenome.get(unit.genomeId) ?? []), unit]);
  const out: Record<string, ValidatedFitness> = {};
  for (const [genomeId, units] of byGenome) {
    if (units.some((u) => passedByKey[u.key] === undefined)) continue;
    const repeats = tallyPasses(units, passedByKey, (u) => u.repeat);
    const passRates = [...repeats.values()].map((r) => r.passed / r.total);
    const perProblem = tallyPasses(units, passedByKey, (u) => u.problemId);
    const summary = summarize(passRates);
    const nodes = nodeCount(units[0]?.pipeline as RefinePipeline);
    out[genomeId] = {
      genomeId,
      problems: (units.length / repeats.size) | 0,
      passRates,
      meanPassRate: summary.mean,
      sdPassRate: summary.sd,
      fitness: penalised(summary.mean, nodes, parsimony),
      shares: Object.fromEntries([...perProblem].map(([id, p]) => [id, p.passed / p.total])),
    };
  }
  return out;
}

export interface Inflation {
  genomeId: string;
  generation: number;
  searchFitness: number;
  validatedFitness: number;
  /** searchFitness − validatedFitness: positive when the search overrated the genome. */
  inflation: number;
  searchPassRate: number;
  validatedPassRate: number;
  /** 100 · (search − validated pass rate) / validated pass rate; null when nothing passed in validation. */
  inflationPercent: number | null;
  /** The validated pass rate split by whether the search had drawn the problem by then. */
  selection: SelectionEffect;
}

/**
 * The validated pass rate on the problems the search drew (and so selected on) against those it
 * never drew. Re-validation runs a champion on the whole pool, which includes the subsets it won
 * on, so its validated mean still carries part of the selection effect; the never-drawn problems
 * are the ones it carries none of.
 */
export interface SelectionEffect {
  /** Subsets of generations 0 … this one count as drawn: the generation a row is about, or the search's last scored one for its champion. */
  drawnThrough: number;
  drawn: PassRateSide | null;
  neverDrawn: PassRateSide | null;
  /** drawn − never drawn, in pass rate; null unless both sides have problems. */
  gap: number | null;
}

export interface PassRateSide {
  problems: number;
  /** Mean over the side's problems of the share of repeats that passed. */
  passRate: number;
  /** 95 % percentile bootstrap over the side's problems (NaN bounds when no interval applies, bootstrap.ts). */
  lower: number;
  upper: number;
  /**
   * Mean pass rate of the side's problems in the earlier runs a stratified search ranked them by
   * (null for a rotating search, or when it ranks none of them): drawn and never-drawn problems
   * are not equally hard there (the never-drawn ones are the hardest), and this says by how much.
   */
  earlierPassRate: number | null;
}

/** Seed and resamples of the intervals: the same stored search always shows the same bounds. */
export const SELECTION_BOOTSTRAP = { seed: 20_260_421, replicates: 4_000 } as const;

export interface InflationReport {
  /** One entry per generation whose champion has been validated. */
  perGeneration: Inflation[];
  /** The search's champion, once validated. */
  champion: Inflation | null;
}

export function inflationReport(state: SearchState, validated: Readonly<Record<string, ValidatedFitness>>): InflationReport {
  const perGeneration = state.history.flatMap((h) => {
    const v = validated[h.championId];
    return v ? [inflation(h.championId, h.generation, h.championFitness, h.championPassRate, v, selectionEffect(state, v, h.generation))] : [];
  });
  const c = state.champion;
  const v = c ? validated[c.genomeId] : undefined;
  // The search's champion was chosen over every generation scored, so every subset counts as drawn.
  const last = state.history.at(-1)?.generation ?? 0;
  return { perGeneration, champion: c && v ? inflation(c.genomeId, c.generation, c.fitness, c.passRate, v, selectionEffect(state, v, last)) : null };
}

/** Problems in the subsets of generations 0 … `through` that the search scored. */
export function drawnProblems(state: SearchState, through: number): Set<string> {
  return new Set(state.history.filter((h) => h.generation <= through).flatMap((h) => h.subset));
}

export function selectionEffect(state: SearchState, v: ValidatedFitness, through: number): SelectionEffect {
  const drawn = drawnProblems(state, through);
  const entries = Object.entries(v.shares);
  const rates = state.config.subset.kind === 'stratified' ? state.config.subset.passRates : null;
  const side = (ids: string[]): PassRateSide | null => {
    if (ids.length === 0) return null;
    const shares = ids.map((id) => v.shares[id] as number);
    const ci = bootstrapPassRate(shares, SELECTION_BOOTSTRAP);
    const known = rates ? ids.flatMap((id) => (rates[id] === undefined ? [] : [rates[id]])) : [];
    return { problems: ids.length, passRate: mean(shares), lower: ci.lower, upper: ci.upper, earlierPassRate: known.length > 0 ? mean(known) : null };
  };
  const a = side(entries.filter(([id]) => drawn.has(id)).map(([id]) => id));
  const b = side(entries.filter(([id]) => !drawn.has(id)).map(([id]) => id));
  return { drawnThrough: through, drawn: a, neverDrawn: b, gap: a && b ? a.passRate - b.passRate : null };
}

function inflation(
  genomeId: string,
  generation: number,
  searchFitness: number,
  searchPassRate: number,
  v: ValidatedFitness,
  selection: SelectionEffect,
): Inflation {
  return {
    genomeId,
    generation,
    searchFitness,
    validatedFitness: v.fitness,
    inflation: searchFitness - v.fitness,
    searchPassRate,
    validatedPassRate: v.meanPassRate,
    inflationPercent: v.meanPassRate > 0 ? (100 * (searchPassRate - v.meanPassRate)) / v.meanPassRate : null,
    selection,
  };
}
