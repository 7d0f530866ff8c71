/**
 * A stored search read back: its state as of the last snapshot plus the evaluations stored after
 * it (the runner writes every evaluation before it counts it, and a snapshot only at generation
 * boundaries and now and then), and where its champion re-validation stands. The runner resumes
 * from `currentState`; pages draw a search that is not running from the same function.
 */
import type { SearchStore, StoredSearch } from '../ports.ts';
import { initSearch, recordCutShort, recordEvaluations } from './search.ts';
import { validationCost, type CutShortRecord, type StoredSearchRecord, type ValidationCost } from './search-record.ts';
import { readSearchState, type SearchState } from './search-state.ts';
import {
  championsToValidate,
  inflationReport,
  summariseValidation,
  validationPlan,
  type InflationReport,
  type ValidatedFitness,
  type ValidationUnit,
} from './validate-champion.ts';

/** The state to continue from: the snapshot (or the first generation) with later evaluations applied. */
export function currentState(stored: Pick<StoredSearch, 'setup' | 'state' | 'evaluations'>): SearchState {
  let state = stored.state ? readSearchState(stored.state) : initSearch(stored.setup.config, stored.setup.seed);
  const generation = state.generation;
  // Cut-short spends first: an evaluation recorded after them takes them into its own tokens.
  for (const r of stored.evaluations) {
    if (r.kind === 'cut-short' && r.generation === generation) state = recordCutShort(state, { key: r.key, evaluation: r.evaluation, tokens: r.tokens });
  }
  const snapshot = state;
  const pending = stored.evaluations.flatMap((r) =>
    r.kind === 'search' && r.generation === generation && !(r.key in snapshot.evaluations)
      ? [{ key: r.key, passed: r.passed, tokens: r.tokens, executions: r.executions }]
      : [],
  );
  return pending.length > 0 ? recordEvaluations(state, pending) : state;
}

export interface ValidationStatus {
  plan: ValidationUnit[];
  /** Units with a stored verdict. */
  done: number;
  validated: Record<string, ValidatedFitness>;
  report: InflationReport;
  /** What re-validation has cost: runs, those cut short, tokens, calls. */
  cost: ValidationCost;
}

/** Where a validation request stands against the stored verdicts; null when none was asked for. */
export function validationStatus(stored: Pick<StoredSearch, 'validation' | 'evaluations'>, state: SearchState): ValidationStatus | null {
  const request = stored.validation;
  if (!request || !state.champion) return null;
  const plan = validationPlan(state, championsToValidate(state, request.scope), request.problemIds, request.repeats);
  const passedByKey = validationVerdicts(stored.evaluations);
  const validated = summariseValidation(plan, passedByKey, state.config.parsimony);
  return {
    plan,
    done: plan.filter((u) => passedByKey[u.key] !== undefined).length,
    validated,
    report: inflationReport(state, validated),
    cost: validationCost(stored.evaluations),
  };
}

export function validationVerdicts(records: readonly StoredSearchRecord[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const r of records) if (r.kind === 'validation') out[r.key] = r.passed;
  return out;
}

/**
 * The spends stored as they went (SearchStore.putSpendSoFar) of evaluations that never stored a
 * record of their own: the tab closed or crashed in the middle of them. Each is what that run spent,
 * as a cut-short record marked `interrupted`. One whose key is stored was cut short and stored as
 * such (its final figure wins); one whose evaluation has a verdict finished, and the verdict counts
 * all of its calls (a run interrupted earlier is stored as cut-short before the rerun starts:
 * `storeInterrupted`).
 */
export function interruptedSpends(stored: readonly StoredSearchRecord[], soFar: readonly CutShortRecord[]): CutShortRecord[] {
  const keys = new Set(stored.map((r) => r.key));
  return soFar.filter((r) => !keys.has(r.key) && !keys.has(r.evaluation)).map((r) => ({ ...r, interrupted: true as const }));
}

/**
 * Before a search or a validation runs again: the interrupted spends `loadSearch` returned are
 * stored as the cut-short records they are, so the evaluation's rerun (the next cut-short number)
 * cannot hide them when it stores its verdict.
 */
export async function storeInterrupted(store: SearchStore, searchId: string, records: readonly StoredSearchRecord[]): Promise<void> {
  for (const r of records) {
    if (r.kind !== 'cut-short' || !r.interrupted) continue;
    await store.putEvaluation(searchId, r);
    await store.clearSpendSoFar?.(searchId, r.key);
  }
}
