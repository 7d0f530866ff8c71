/**
 * A stored search read back: its state as of the last snapshot plus the evaluations stored after
 * it (the runner writes every evaluation before it counts it, and a snapshot only at generation
 * boundaries and now and then), and where its champion re-validation stands. The runner resumes
 * from `currentState`; pages draw a search that is not running from the same function.
 */
import type { StoredSearch } from '../ports.ts';
import { initSearch, recordCutShort, recordEvaluations } from './search.ts';
import type { StoredSearchRecord } from './search-record.ts';
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
}

/** Where a validation request stands against the stored verdicts; null when none was asked for. */
export function validationStatus(stored: Pick<StoredSearch, 'validation' | 'evaluations'>, state: SearchState): ValidationStatus | null {
  const request = stored.validation;
  if (!request || !state.champion) return null;
  const plan = validationPlan(state, championsToValidate(state, request.scope), request.problemIds, request.repeats);
  const passedByKey = validationVerdicts(stored.evaluations);
  const validated = summariseValidation(plan, passedByKey, state.config.parsimony);
  return { plan, done: plan.filter((u) => passedByKey[u.key] !== undefined).length, validated, report: inflationReport(state, validated) };
}

export function validationVerdicts(records: readonly StoredSearchRecord[]): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const r of records) if (r.kind === 'validation') out[r.key] = r.passed;
  return out;
}
