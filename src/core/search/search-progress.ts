/**
 * What a running search reports: where it is (generation, evaluations done of this generation,
 * in flight), what it has spent against its budget, and the cost of every generation — tokens,
 * model calls (and how many the cache answered) and active wall time.
 */
import type { SearchBudget } from './search-config.ts';
import { addCost, costPerGeneration, type GenerationCost, type StoredSearchRecord } from './search-record.ts';
import type { SearchState, SearchStopReason } from './search-state.ts';

export type SearchPhase = 'running' | 'pausing' | 'paused' | 'done' | 'cancelled';

export interface GenerationCostRow {
  generation: number;
  evaluations: number;
  tokens: number;
  modelCalls: number;
  cachedCalls: number;
  /** Active search time of the generation (for the current one, so far). */
  activeMs: number;
  finished: boolean;
  /** Of `tokens`, how many are estimates (calls cut off mid-reply, servers that send no counts): see EvaluationCost. */
  estimatedTokens: number;
}

export interface SearchProgress {
  phase: SearchPhase;
  /** The generation being evaluated (after the end, the last one started). */
  generation: number;
  /** Generations finished and scored. */
  generationsDone: number;
  /** This generation's evaluations recorded, and asked for. */
  done: number;
  total: number;
  inFlight: number;
  stopReason: SearchStopReason | null;
  budget: SearchBudget;
  usage: SearchState['usage'];
  modelCalls: number;
  cachedCalls: number;
  /** Of `usage.tokens`, how many are estimates (see EvaluationCost.estimatedTokens). */
  estimatedTokens: number;
  generations: GenerationCostRow[];
}

/** Keeps the per-generation cost up to date as evaluations are recorded. */
export class CostLedger {
  readonly #costs = new Map<number, GenerationCost>();

  constructor(records: Iterable<StoredSearchRecord> = []) {
    for (const c of costPerGeneration(records)) this.#costs.set(c.generation, c);
  }

  add(record: StoredSearchRecord): void {
    if (record.kind === 'validation' || record.generation === null) return;
    const [c] = costPerGeneration([record]);
    if (!c) return;
    const known = this.#costs.get(c.generation);
    if (!known) {
      this.#costs.set(c.generation, c);
      return;
    }
    const sum = { ...known, evaluations: known.evaluations + c.evaluations };
    addCost(sum, c);
    this.#costs.set(c.generation, sum);
  }

  /** Whether anything was spent in `generation`: an evaluation, or a run cut short before its verdict. */
  spentIn(generation: number): boolean {
    return this.#costs.has(generation);
  }

  /** One row per generation that has started, with the state's active time. */
  rows(state: SearchState): GenerationCostRow[] {
    const rows: GenerationCostRow[] = state.history.map((h) => {
      const c = this.#costs.get(h.generation);
      return {
        generation: h.generation,
        evaluations: h.evaluations,
        tokens: h.tokens,
        modelCalls: c?.modelCalls ?? 0,
        cachedCalls: c?.cachedCalls ?? 0,
        activeMs: h.activeMs,
        finished: true,
        estimatedTokens: c?.estimatedTokens ?? 0,
      };
    });
    const scored = new Set(state.history.map((h) => h.generation));
    // A search that ended with its last generation scored has bred a next one it will not run.
    // One whose first evaluation of a generation was cut short (a pause in a retry wait, a model
    // that kept failing) spent in it, and its row says what (audit R207-1).
    const started = state.status === 'evaluating' || generationStarted(state, this);
    if (!scored.has(state.generation) && started) {
      const c = this.#costs.get(state.generation);
      const start = state.generationStartUsage;
      rows.push({
        generation: state.generation,
        evaluations: state.usage.evaluations - start.evaluations,
        tokens: state.usage.tokens - start.tokens,
        modelCalls: c?.modelCalls ?? 0,
        cachedCalls: c?.cachedCalls ?? 0,
        activeMs: state.usage.activeMs - start.activeMs,
        finished: false,
        estimatedTokens: c?.estimatedTokens ?? 0,
      });
    }
    return rows;
  }
}

export function searchProgress(state: SearchState, ledger: CostLedger, phase: SearchPhase, inFlight: number): SearchProgress {
  const generations = ledger.rows(state);
  const expected = state.population.length * state.config.evaluationsPerGenome * state.subset.length;
  const done = Object.keys(state.evaluations).length;
  // A search that ended with its last generation scored has bred a next one it will not run:
  // report the last generation it ran, complete, not an empty one that never starts.
  const last = state.history.at(-1);
  const endedAfter = state.status === 'done' && !generationStarted(state, ledger) && last !== undefined ? last : null;
  return {
    phase,
    generation: endedAfter ? endedAfter.generation : state.generation,
    generationsDone: state.history.length,
    done: endedAfter ? expected : done,
    total: expected,
    inFlight,
    stopReason: state.stopReason,
    budget: state.config.budget,
    usage: { ...state.usage },
    modelCalls: generations.reduce((n, g) => n + g.modelCalls, 0),
    cachedCalls: generations.reduce((n, g) => n + g.cachedCalls, 0),
    estimatedTokens: generations.reduce((n, g) => n + g.estimatedTokens, 0),
    generations,
  };
}

/** The state's current generation has a verdict, a run cut short, or a cost on record. */
function generationStarted(state: SearchState, ledger: CostLedger): boolean {
  return Object.keys(state.evaluations).length > 0 || Object.keys(state.cutShort ?? {}).length > 0 || ledger.spentIn(state.generation);
}

/**
 * A cost row's generation as the table names it: a generation not yet scored is running only
 * while the search runs (pausing and paused say so), and after a stop it is unfinished.
 */
export function generationRowLabel(row: Pick<GenerationCostRow, 'generation' | 'finished'>, phase: SearchPhase | 'failed' | 'stored'): string {
  if (row.finished) return String(row.generation);
  const state = phase === 'running' || phase === 'pausing' || phase === 'paused' ? phase : 'unfinished';
  return `${row.generation} (${state})`;
}
