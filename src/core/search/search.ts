/**
 * The search as a resumable state machine that a study runner drives:
 *
 *   let state = initSearch(config, seed);
 *   while (state.status === 'evaluating') {
 *     for (const request of nextEvaluations(state)) {            // only what is not done yet
 *       const t = await runProblem(problems[request.problemId], request.pipeline, ports, …);
 *       state = recordEvaluation(state, { key: request.key, passed: t.passed, tokens, executions });
 *       persist(state);                                            // plain JSON
 *     }
 *     if (missingEvaluations(state) === 0) state = advanceGeneration(state);   // score, breed
 *   }
 *
 * A budget (generations, tokens, active time) ends the search: `status` becomes `done` and
 * `nextEvaluations` is empty; `withBudget` carries on from the same point.
 *
 * Every function returns a new state and leaves its input alone. All randomness comes from the
 * seeded stream whose position is in the state, so the same seed and the same evaluation results
 * give the same search, however often it was saved and reloaded on the way.
 */
import { nodeCount, type RefinePipeline } from '../pipeline/genome.ts';
import { assertValidPipeline } from '../pipeline/validate-pipeline.ts';
import { createRng, type Rng } from '../random.ts';
import { summarize } from '../stats/summary.ts';
import { crossover } from './crossover.ts';
import { balancedStratifiedSubset, difficultyOrder, genomeFitness, rotatingOrder, rotatingSubset, stratifiedSubset } from './fitness.ts';
import { InnovationTracker, initialInnovationState } from './innovation.ts';
import { mutate, type MutationContext } from './mutation.ts';
import { assertValidSearchConfig, type SearchConfig } from './search-config.ts';
import { clonePipeline, initialPipeline, initialStageCount, type SearchGenome, type VariationContext } from './search-genome.ts';
import {
  evaluationKey,
  parseEvaluationKey,
  SEARCH_STATE_VERSION,
  type ChampionRecord,
  type EvaluationRequest,
  type EvaluationResult,
  type GenerationStats,
  type GenomeScore,
  type SearchState,
  type SearchStopReason,
} from './search-state.ts';
import { planNextGeneration, rankGenomes } from './selection.ts';
import { sharedFitness, speciateGeneration, speciesOf, updateSpeciesFitness } from './speciation.ts';
import { FITNESS_EPSILON } from './fitness.ts';

export function initSearch(config: SearchConfig, seed: number): SearchState {
  assertValidSearchConfig(config);
  const rng = createRng(seed);
  const problemOrder =
    config.subset.kind === 'rotating' ? rotatingOrder(config.problemIds, rng) : difficultyOrder(config.problemIds, config.subset.passRates);
  const ctx = variationContext(config);
  const genomes: Record<string, SearchGenome> = {};
  for (let n = 1; n <= config.populationSize; n++) {
    const id = genomeId(0, n);
    genomes[id] = { id, bornIn: 0, origin: 'initial', parents: [], pipeline: checked(initialPipeline(id, rng, ctx), config.limits) };
  }
  const zero = { tokens: 0, evaluations: 0, activeMs: 0 };
  return {
    version: SEARCH_STATE_VERSION,
    config,
    seed,
    status: 'evaluating',
    stopReason: null,
    generation: 0,
    rngState: rng.state,
    innovations: initialInnovationState(initialStageCount(config.limits)),
    problemOrder,
    subset: subsetFor(config, problemOrder, 0),
    population: Object.keys(genomes).map((id) => ({ id, origin: 'initial' as const })),
    genomes,
    evaluations: {},
    species: [],
    threshold: config.speciation.initialThreshold,
    nextSpeciesId: 1,
    history: [],
    champion: null,
    usage: zero,
    generationStartUsage: zero,
  };
}

/** This generation's evaluations not yet recorded, genome by genome; empty once the search is done. */
export function nextEvaluations(state: SearchState): EvaluationRequest[] {
  if (state.status === 'done') return [];
  const requests: EvaluationRequest[] = [];
  for (const { id } of state.population) {
    const pipeline = evaluatedPipeline(genomeById(state, id).pipeline, state.config.evaluationTemperature);
    for (let e = 0; e < state.config.evaluationsPerGenome; e++) {
      for (const problemId of state.subset) {
        const key = evaluationKey(state.generation, id, e, problemId);
        if (!(key in state.evaluations)) {
          requests.push({ key, generation: state.generation, genomeId: id, pipeline, problemId, evaluationIndex: e });
        }
      }
    }
  }
  return requests;
}

/**
 * Stores one result. A key already recorded keeps its first result (a replayed write is not
 * doubled); a key from another generation or genome is a caller's bug and throws. Reaching the
 * token budget ends the search at once; the unfinished generation is not scored (unless a larger
 * budget lets it finish, see `withBudget`).
 */
export function recordEvaluation(state: SearchState, result: EvaluationResult): SearchState {
  return recordEvaluations(state, [result]);
}

/** `recordEvaluation` for a batch, copying the state once (a generation can hold thousands). */
export function recordEvaluations(state: SearchState, results: readonly EvaluationResult[]): SearchState {
  const evaluations = { ...state.evaluations };
  const usage = { ...state.usage };
  const belongs = membership(state);
  let cutShort = state.cutShort;
  for (const result of results) {
    assertKnownResult(state, result, belongs);
    if (result.key in evaluations) continue;
    usage.tokens += result.tokens;
    usage.evaluations++;
    // What its cut-short runs spent is in `usage` already; it joins the evaluation's own cost, as
    // in a search where the evaluation ran once, straight through.
    let earlier = 0;
    if (cutShort) {
      const mine = Object.entries(cutShort).filter(([, spend]) => spend.evaluation === result.key);
      if (mine.length > 0) {
        earlier = mine.reduce((sum, [, spend]) => sum + spend.tokens, 0);
        cutShort = Object.fromEntries(Object.entries(cutShort).filter(([, spend]) => spend.evaluation !== result.key));
      }
    }
    // Kept even after a stop (a result that was in flight): a search resumed under a larger
    // budget then need not run it again.
    evaluations[result.key] = { passed: result.passed, tokens: result.tokens + earlier, executions: result.executions ?? 0 };
  }
  const next = withCutShort({ ...state, evaluations, usage }, cutShort);
  return state.status === 'done' ? next : stopIfOverBudget(next, ['tokens']);
}

/**
 * Counts what a run of one of this generation's evaluations spent before it was cut short
 * (cancelled, or its model kept failing): in `usage` and against the token budget at once, and in
 * the evaluation's own tokens once it is recorded. A spend already counted (by its record key), or
 * of an evaluation already recorded, is not counted again.
 */
export function recordCutShort(state: SearchState, spend: { key: string; evaluation: string; tokens: number }): SearchState {
  assertKnownResult(state, { key: spend.evaluation, passed: false, tokens: spend.tokens }, membership(state));
  if (spend.evaluation in state.evaluations || (state.cutShort && spend.key in state.cutShort)) return state;
  const next = {
    ...state,
    usage: { ...state.usage, tokens: state.usage.tokens + spend.tokens },
    cutShort: { ...state.cutShort, [spend.key]: { evaluation: spend.evaluation, tokens: spend.tokens } },
  };
  return state.status === 'done' ? next : stopIfOverBudget(next, ['tokens']);
}

/** No field when nothing is pending: a search that was never cut short has none, and a resumed one ends the same. */
function withCutShort(state: SearchState, cutShort: SearchState['cutShort']): SearchState {
  const { cutShort: _old, ...rest } = state;
  return cutShort && Object.keys(cutShort).length > 0 ? { ...rest, cutShort } : rest;
}

/** Cut-short runs of an evaluation counted so far (the next one's record key counts on from it). */
export function cutShortRuns(state: SearchState, evaluation: string): number {
  return Object.values(state.cutShort ?? {}).filter((spend) => spend.evaluation === evaluation).length;
}

function membership(state: SearchState): { genomes: Set<string>; problems: Set<string> } {
  return { genomes: new Set(state.population.map((g) => g.id)), problems: new Set(state.subset) };
}

function assertKnownResult(state: SearchState, result: EvaluationResult, belongs: ReturnType<typeof membership>): void {
  const parts = parseEvaluationKey(result.key);
  const known =
    parts &&
    parts.generation === state.generation &&
    belongs.genomes.has(parts.genomeId) &&
    belongs.problems.has(parts.problemId) &&
    parts.evaluationIndex < state.config.evaluationsPerGenome;
  if (!known) throw new Error(`Evaluation "${result.key}" does not belong to generation ${state.generation} of this search.`);
  if (!(Number.isFinite(result.tokens) && result.tokens >= 0)) throw new Error(`Evaluation "${result.key}": tokens must be ≥ 0, got ${result.tokens}.`);
}

/** Adds time the runner spent searching (not time the page was closed); may end the search. */
export function addActiveTime(state: SearchState, ms: number): SearchState {
  if (!(ms >= 0)) throw new Error(`Active time must be ≥ 0 ms, got ${ms}.`);
  const next = { ...state, usage: { ...state.usage, activeMs: state.usage.activeMs + ms } };
  return state.status === 'done' ? next : stopIfOverBudget(next, ['wall-time']);
}

/** Which budget is spent, if any: the first of budgetsSpent. */
export function budgetReached(state: SearchState): SearchStopReason | null {
  return budgetsSpent(state)[0] ?? null;
}

/**
 * Every budget that is spent: generations, then tokens, then wall time. A search stops on the
 * first, but a Carry on that lifted only that one stopped again at once on the next (audit R207-5).
 */
export function budgetsSpent(state: SearchState): SearchStopReason[] {
  const { budget } = state.config;
  const spent: SearchStopReason[] = [];
  if (state.history.length >= budget.maxGenerations) spent.push('generations');
  if (budget.maxTokens !== null && state.usage.tokens >= budget.maxTokens) spent.push('tokens');
  if (budget.maxWallMs !== null && state.usage.activeMs >= budget.maxWallMs) spent.push('wall-time');
  return spent;
}

/**
 * The budgets a Carry on lifts from a stopped search, the one it stopped on first (as "Ended:"
 * names them), then every other that is spent; none while it runs.
 */
export function budgetsToLift(state: SearchState): SearchStopReason[] {
  return state.stopReason ? [...new Set([state.stopReason, ...budgetsSpent(state)])] : [];
}

/**
 * The budget a Carry on gives a stopped search: `more` generations when they ran out, and no
 * limit on tokens or wall time where those are spent, so that `withBudget` runs it again.
 */
export function carryOnBudget(state: SearchState, more: number): SearchConfig['budget'] {
  const spent = new Set(budgetsToLift(state));
  const { budget } = state.config;
  return {
    maxGenerations: budget.maxGenerations + (spent.has('generations') ? more : 0),
    maxWallMs: spent.has('wall-time') ? null : budget.maxWallMs,
    maxTokens: spent.has('tokens') ? null : budget.maxTokens,
  };
}

/** Evaluations of this generation not yet recorded (also while a budget has stopped the search). */
export function missingEvaluations(state: SearchState): number {
  const expected = state.population.length * state.config.evaluationsPerGenome * state.subset.length;
  return expected - Object.keys(state.evaluations).length;
}

/**
 * Scores the finished generation (fitness, speciation, statistics, champion) and breeds the next
 * population: elites copied, the rest by selection, crossover and mutation; then stops if a
 * budget is spent. A generation whose last evaluations arrived as the budget ran out is complete
 * and may still be scored. Throws while evaluations are missing.
 */
export function advanceGeneration(state: SearchState): SearchState {
  const missing = missingEvaluations(state);
  if (missing > 0 && state.status === 'done') throw new Error('This search has finished; give it a larger budget (withBudget) to carry on.');
  if (missing > 0) throw new Error(`Generation ${state.generation} still has ${missing} evaluation(s) to run.`);
  const { config } = state;
  const rng = createRng(state.rngState);

  const fitness: Record<string, number> = {};
  const base = state.population.map(({ id, origin }) => {
    const score = scoreGenome(state, id);
    fitness[id] = score.fitness;
    return { ...score, origin };
  });
  const speciated = speciateGeneration(
    state.population.map(({ id }) => ({ id, pipeline: genomeById(state, id).pipeline })),
    state.species,
    state.threshold,
    state.nextSpeciesId,
    state.generation,
    rng,
    config.speciation,
  );
  const species = updateSpeciesFitness(speciated.species, fitness);
  const shared = config.fitnessSharing ? sharedFitness(species, fitness) : fitness;
  const home = speciesOf(species);
  const scores: GenomeScore[] = base.map((s) => ({ ...s, species: home[s.id] as number, shared: shared[s.id] as number }));
  const stats = generationStats(state, scores, species, speciated.threshold);
  const advanced: SearchState = {
    ...state,
    species,
    nextSpeciesId: speciated.nextSpeciesId,
    threshold: speciated.nextThreshold,
    history: [...state.history, stats],
    champion: betterChampion(state.champion, scores, state.generation),
    rngState: rng.state,
  };
  // The next population is bred even when a budget ends the search here, so that a larger
  // budget (`withBudget`) can carry on from exactly this point.
  const bred = breed(advanced, scores, rng);
  const stop = budgetReached(bred);
  return stop ? { ...bred, status: 'done', stopReason: stop } : bred;
}

/**
 * The same search under a new budget: a search stopped by its budget carries on when the new
 * one allows more, and a running one stops when the new one is already spent.
 */
export function withBudget(state: SearchState, budget: SearchConfig['budget']): SearchState {
  const config = { ...state.config, budget: { ...budget } };
  assertValidSearchConfig(config);
  const next = { ...state, config };
  const stop = budgetReached(next);
  return stop ? { ...next, status: 'done', stopReason: stop } : { ...next, status: 'evaluating', stopReason: null };
}

/** The genome's ancestors, nearest first, each once (crossover makes a lineage a graph). */
export function lineage(state: SearchState, id: string): SearchGenome[] {
  const seen = new Set<string>([id]);
  const out: SearchGenome[] = [];
  let frontier = [...genomeById(state, id).parents];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const parent of frontier) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      const genome = genomeById(state, parent);
      out.push(genome);
      next.push(...genome.parents);
    }
    frontier = next;
  }
  return out;
}

export function genomeById(state: SearchState, id: string): SearchGenome {
  const genome = state.genomes[id];
  if (!genome) throw new Error(`No genome ${id} in this search.`);
  return genome;
}

function breed(state: SearchState, scores: readonly GenomeScore[], rng: Rng): SearchState {
  const { config } = state;
  const generation = state.generation + 1;
  const plan = planNextGeneration(scores, state.species, { ...config, stagnationLimit: config.speciation.stagnationLimit }, rng);
  const innovations = new InnovationTracker(state.innovations);
  const ctx: MutationContext = { ...variationContext(config), innovations };
  const genomes = { ...state.genomes };
  const population: SearchState['population'] = plan.elites.map((id) => ({ id, origin: 'elite' }));
  plan.breeding.forEach((b, i) => {
    const id = genomeId(generation, i + 1);
    const parents = b.kind === 'crossover' ? [b.fitter, b.weaker] : [b.parent];
    const start: RefinePipeline =
      b.kind === 'crossover'
        ? crossover(genomeById(state, b.fitter).pipeline, genomeById(state, b.weaker).pipeline, rng, id, {
            weakerStageRate: config.weakerStageRate,
            limits: config.limits,
          }).pipeline
        : clonePipeline(genomeById(state, b.parent).pipeline, id);
    const child = mutate(start, rng, ctx, config.mutationRates).pipeline;
    const origin = b.kind === 'crossover' ? 'crossover' : 'mutation';
    // A parent outside the limits comes from a search saved before first genomes kept to them
    // (limits other than the study's, set in a file): its child may be too, and the search goes on.
    const inherited = parents.some((p) => !withinLimits(genomeById(state, p).pipeline, config.limits));
    genomes[id] = { id, bornIn: generation, origin, parents, pipeline: checked(child, inherited ? null : config.limits) };
    population.push({ id, origin });
  });
  // Every evaluation of the generation was recorded, so every cut-short spend was folded in.
  return withCutShort(
    {
      ...state,
      generation,
      rngState: rng.state,
      innovations: innovations.toJSON(),
      subset: subsetFor(config, state.problemOrder, generation),
      population,
      genomes,
      evaluations: {},
      generationStartUsage: { ...state.usage },
    },
    undefined,
  );
}

function scoreGenome(state: SearchState, id: string): Omit<GenomeScore, 'origin' | 'species' | 'shared'> {
  const { config } = state;
  const pipeline = genomeById(state, id).pipeline;
  const passed: number[] = [];
  let executions = 0;
  let tokens = 0;
  for (let e = 0; e < config.evaluationsPerGenome; e++) {
    let n = 0;
    for (const problemId of state.subset) {
      const r = state.evaluations[evaluationKey(state.generation, id, e, problemId)];
      if (!r) throw new Error(`Missing evaluation of ${id} on ${problemId}.`);
      if (r.passed) n++;
      executions += r.executions;
      tokens += r.tokens;
    }
    passed.push(n);
  }
  const nodes = nodeCount(pipeline);
  const f = genomeFitness(passed, state.subset.length, nodes, config.parsimony);
  const runs = config.evaluationsPerGenome * state.subset.length;
  return { id, nodes, passRate: f.passRate, fitness: f.fitness, passRates: f.passRates, iterations: executions / runs, tokens };
}

function generationStats(state: SearchState, scores: GenomeScore[], species: SearchState['species'], threshold: number): GenerationStats {
  const summary = summarize(scores.map((s) => s.fitness));
  const champion = rankGenomes(scores)[0] as GenomeScore;
  const start = state.generationStartUsage;
  return {
    generation: state.generation,
    subset: [...state.subset],
    best: summary.max,
    mean: summary.mean,
    sd: summary.sd,
    speciesSizes: species.map((s) => ({ id: s.id, size: s.members.length })),
    threshold,
    championId: champion.id,
    championParents: [...genomeById(state, champion.id).parents],
    championFitness: champion.fitness,
    championPassRate: champion.passRate,
    tokens: state.usage.tokens - start.tokens,
    evaluations: state.usage.evaluations - start.evaluations,
    activeMs: state.usage.activeMs - start.activeMs,
    scores,
  };
}

/** The study kept the best fitness ever seen, ties going to fewer iterations. */
function betterChampion(current: ChampionRecord | null, scores: readonly GenomeScore[], generation: number): ChampionRecord | null {
  const best = rankGenomes(scores)[0];
  if (!best) return current;
  // Equal within rounding: a champion stored before fitness was rounded may hold 0.09999999999999998 for a 0.1 (audit R224-3).
  const tied = current !== null && Math.abs(current.fitness - best.fitness) <= FITNESS_EPSILON;
  if (current && ((current.fitness > best.fitness && !tied) || (tied && current.iterations <= best.iterations))) return current;
  return { genomeId: best.id, generation, fitness: best.fitness, passRate: best.passRate, iterations: best.iterations };
}

function stopIfOverBudget(state: SearchState, only: SearchStopReason[]): SearchState {
  const reason = budgetReached(state);
  return reason && only.includes(reason) ? { ...state, status: 'done', stopReason: reason } : state;
}

function subsetFor(config: SearchConfig, order: readonly string[], generation: number): string[] {
  const rule = config.subset;
  if (rule.kind === 'rotating') return rotatingSubset(order, generation, config.subsetSize);
  return rule.columnOrder === 'balanced'
    ? balancedStratifiedSubset(order, generation, config.subsetSize, rule.passRates)
    : stratifiedSubset(order, generation, config.subsetSize);
}

function variationContext(config: SearchConfig): VariationContext {
  return { modelPool: config.modelPool, promptPools: config.promptPools, limits: config.limits, temperature: config.temperature, maxTokens: config.maxTokens };
}

/** The pipeline as evaluated: the genome itself, or with every node at the evaluation temperature. */
function evaluatedPipeline(pipeline: RefinePipeline, temperature: number | null): RefinePipeline {
  if (temperature === null) return pipeline;
  const at = <T extends { temperature: number }>(node: T): T => ({ ...node, temperature });
  return {
    ...pipeline,
    generator: at(pipeline.generator),
    stages: pipeline.stages.map((s) => ({ ...s, analyzer: s.analyzer ? at(s.analyzer) : null, refiner: at(s.refiner) })),
  };
}

function genomeId(generation: number, serial: number): string {
  return `g${generation}-${serial}`;
}

/**
 * Operators keep genomes valid and within the search's limits by construction; this catches a
 * bug before a runner spends tokens on a genome the search was told not to make.
 */
function checked(pipeline: RefinePipeline, limits: SearchConfig['limits'] | null): RefinePipeline {
  assertValidPipeline(pipeline, { checkPromptIds: false });
  if (limits && !withinLimits(pipeline, limits)) {
    throw new Error(
      `Genome ${pipeline.id} has ${pipeline.stages.length} stage(s) and ${nodeCount(pipeline)} nodes, outside the search's limits (${limits.minStages}-${limits.maxStages} stages, at most ${limits.maxNodes} nodes): this is a bug in the search.`,
    );
  }
  return pipeline;
}

function withinLimits(pipeline: RefinePipeline, limits: SearchConfig['limits']): boolean {
  const stages = pipeline.stages.length;
  return stages >= limits.minStages && stages <= limits.maxStages && nodeCount(pipeline) <= limits.maxNodes;
}
