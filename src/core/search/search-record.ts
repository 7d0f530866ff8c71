/**
 * What a search run writes as it goes, besides its state snapshots: one record per finished
 * evaluation (a genome on a problem during the search, or a champion on a problem while it is
 * re-validated), so that a reload never runs a finished evaluation again and the cost of every
 * generation can be told afterwards. Plain data: it goes into IndexedDB and search files as is.
 */
import type { StopReason, Trajectory } from '../pipeline/trajectory.ts';

export interface EvaluationCost {
  /** Prompt + completion tokens of the calls the model answered (cached calls cost none). */
  tokens: number;
  /** Chat calls made, cached ones included. */
  modelCalls: number;
  /** Calls answered from the call cache. */
  cachedCalls: number;
  /** Wall time of the evaluation, queueing for the model included. */
  ms: number;
  /**
   * Of `tokens`, how many are estimates, not the engine's counts: a call aborted or broken off
   * mid-reply reports no usage, so its streamed pieces count one token each and its prompt about
   * four characters a token (estimateCallTokens), as do the replies of a server that sends no
   * counts. Absent when every token was counted by the engine.
   */
  estimatedTokens?: number;
}

export interface SearchEvaluationRecord extends EvaluationCost {
  /**
   * The search's request key (`3|g3-7|0|HumanEval/12`), or a validation unit's key
   * (`g3-7|1|HumanEval/12`). The two never collide: search keys start with a digit, genome ids
   * with `g`.
   */
  key: string;
  kind: 'search' | 'validation';
  /** Generation of a search evaluation; null for validation. */
  generation: number | null;
  genomeId: string;
  problemId: string;
  /** The evaluation index (0 … k − 1) of a search evaluation, the repeat of a validation unit. */
  index: number;
  passed: boolean;
  /** Executions the pipeline ran: the search's tie-breaker. */
  executions: number;
  stopReason: StopReason;
  /** The deciding execution's error type (`AssertionError`, `timed out`), null when it passed or none ran. */
  errorType: string | null;
}

/**
 * What an evaluation that never reached a verdict had spent: it was cancelled, or its model kept
 * failing, after some of its calls were answered and paid for. Stored when it stops, so the tokens
 * count in the search's totals and against its token budget; the replies those calls got join the
 * call cache with it, so where they can be reused (temperature 0) the evaluation's rerun takes them
 * from there and a resumed search ends with the totals of one run straight through.
 */
export interface CutShortRecord extends EvaluationCost {
  /** `cut<n>|<the evaluation's key>`, n counting the evaluation's earlier cut-short runs. */
  key: string;
  kind: 'cut-short';
  /** The key of the search evaluation or validation unit it was a run of. */
  evaluation: string;
  generation: number | null;
  genomeId: string;
  problemId: string;
  index: number;
  /**
   * The tab closed (or crashed) while the evaluation ran: this is the spend it had stored as it
   * went (SearchStore.putSpendSoFar), read back as a cut-short run. A reply streaming at that
   * moment counts as far as its last stored piece, as an estimate.
   */
  interrupted?: true;
}

/** Every record a search stores: verdicts, and what unfinished runs spent. */
export type StoredSearchRecord = SearchEvaluationRecord | CutShortRecord;

export function cutShortKey(evaluation: string, earlier: number): string {
  return `cut${earlier}|${evaluation}`;
}

/** Which champions were re-validated, on which problems, how many times: enough to redo the plan. */
export interface ValidationRequest {
  scope: 'champion' | 'per-generation';
  repeats: number;
  problemIds: string[];
}

/** The record's verdict fields from a trajectory. */
export function verdictFields(trajectory: Trajectory): Pick<SearchEvaluationRecord, 'passed' | 'executions' | 'stopReason' | 'errorType'> {
  const verdict = trajectory.verdict;
  let errorType: string | null = null;
  if (trajectory.stopReason === 'time-cap') errorType = 'time cap';
  else if (verdict?.kind === 'failed') errorType = verdict.errorType;
  else if (verdict?.kind === 'timed-out') errorType = 'timed out';
  return {
    passed: trajectory.passed,
    executions: trajectory.steps.filter((s) => s.kind === 'execute').length,
    stopReason: trajectory.stopReason,
    errorType,
  };
}

/** Cost of one generation of the search, or of everything so far. */
export interface GenerationCost extends EvaluationCost {
  generation: number;
  evaluations: number;
}

/**
 * Per generation, from the stored search evaluations (validation is counted apart); what cut-short
 * runs spent counts in their generation's cost, not as evaluations.
 */
export function costPerGeneration(records: Iterable<StoredSearchRecord>): GenerationCost[] {
  const byGeneration = new Map<number, GenerationCost>();
  for (const r of records) {
    if (r.kind === 'validation' || r.generation === null) continue;
    const c = byGeneration.get(r.generation) ?? { generation: r.generation, evaluations: 0, tokens: 0, modelCalls: 0, cachedCalls: 0, ms: 0 };
    if (r.kind === 'search') c.evaluations++;
    addCost(c, r);
    byGeneration.set(r.generation, c);
  }
  return [...byGeneration.values()].sort((a, b) => a.generation - b.generation);
}

/** What champion re-validation has cost: its runs with a verdict, those cut short, and what all of them spent. */
export interface ValidationCost extends EvaluationCost {
  runs: number;
  cutShort: number;
}

/** Re-validation's cost from the stored records (validation verdicts and their cut-short runs); the search's is apart. */
export function validationCost(records: Iterable<StoredSearchRecord>): ValidationCost {
  const cost: ValidationCost = { runs: 0, cutShort: 0, tokens: 0, modelCalls: 0, cachedCalls: 0, ms: 0 };
  for (const r of records) {
    if (r.kind === 'search' || r.generation !== null) continue;
    if (r.kind === 'validation') cost.runs++;
    else cost.cutShort++;
    addCost(cost, r);
  }
  return cost;
}

/** Adds `r`'s cost to `into`, estimated tokens included (the field appears once any are). */
export function addCost(into: EvaluationCost, r: EvaluationCost): void {
  into.tokens += r.tokens;
  into.modelCalls += r.modelCalls;
  into.cachedCalls += r.cachedCalls;
  into.ms += r.ms;
  if (r.estimatedTokens) into.estimatedTokens = (into.estimatedTokens ?? 0) + r.estimatedTokens;
}

/** A search's records counted as a person reads them: finished evaluations, runs cut short, tokens; re-validation apart. */
export interface RecordTally {
  evaluations: number;
  cutShort: number;
  tokens: number;
  /** Of the search's and re-validation's tokens, how many are estimates. */
  estimatedTokens: number;
  validation: ValidationCost;
}

export function tallyRecords(records: Iterable<StoredSearchRecord>): RecordTally {
  const all = [...records];
  const tally: RecordTally = { evaluations: 0, cutShort: 0, tokens: 0, estimatedTokens: 0, validation: validationCost(all) };
  for (const r of all) {
    tally.estimatedTokens += r.estimatedTokens ?? 0;
    if (r.kind === 'validation' || r.generation === null) continue;
    if (r.kind === 'search') tally.evaluations++;
    else tally.cutShort++;
    tally.tokens += r.tokens;
  }
  return tally;
}

/** `1,200 evaluations (and 2 cut short), 45,000 tokens; champion re-validation: 250 runs, 30,000 tokens` (estimates said). */
export function describeTally(t: RecordTally): string {
  const n = (x: number) => x.toLocaleString('en');
  const cut = (k: number) => (k > 0 ? ` (and ${n(k)} cut short)` : '');
  const parts = [`${n(t.evaluations)} evaluation${t.evaluations === 1 ? '' : 's'}${cut(t.cutShort)}, ${n(t.tokens)} tokens`];
  const v = t.validation;
  if (v.runs + v.cutShort > 0) parts.push(`champion re-validation: ${n(v.runs)} run${v.runs === 1 ? '' : 's'}${cut(v.cutShort)}, ${n(v.tokens)} tokens`);
  const estimated = t.estimatedTokens > 0 ? ` (${n(t.estimatedTokens)} of the tokens estimated from streamed text: calls cut off mid-reply report no counts)` : '';
  return parts.join('; ') + estimated;
}
