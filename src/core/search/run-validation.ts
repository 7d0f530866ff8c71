/**
 * Champion re-validation, run by the same evaluator and pool as the search: each champion on
 * every problem of the request, n times, at its own temperatures (not the search's evaluation
 * temperature), each verdict stored before it counts. It resumes like the search does, and the
 * inflation report (search-time fitness − validated fitness) comes from what is stored.
 */
import type { Problem } from '../benchmarks/problem.ts';
import { PauseSwitch } from '../study/pause-switch.ts';
import { runPool } from './evaluation-pool.ts';
import type { SearchPorts } from './run-search.ts';
import { SearchEvaluator, type EvaluatorOptions } from './search-evaluator.ts';
import { addCost, cutShortKey, validationCost, type CutShortRecord, type EvaluationCost, type ValidationCost, type ValidationRequest } from './search-record.ts';
import { assertRunnableSetup, type SearchSetup } from './search-setup.ts';
import { currentState, storeInterrupted, validationStatus, validationVerdicts, type ValidationStatus } from './stored-search.ts';
import { championsToValidate, validationPlan } from './validate-champion.ts';

export interface RunValidationOptions extends EvaluatorOptions {
  concurrency?: number;
  signal?: AbortSignal;
  pause?: PauseSwitch;
  /** Units done and planned, after each stored verdict, and what re-validation has cost so far (earlier sessions included). */
  onProgress?: (done: number, total: number, inFlight: number, cost: ValidationCost) => void;
}

export interface ValidationEnd {
  status: 'done' | 'cancelled';
  validation: ValidationStatus;
}

export async function runValidation(
  setup: SearchSetup,
  problems: readonly Problem[],
  ports: SearchPorts,
  request: ValidationRequest,
  options: RunValidationOptions = {},
): Promise<ValidationEnd> {
  assertRunnableSetup(setup);
  const known = new Set(problems.map((p) => p.id));
  const unknown = request.problemIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`Validation needs problems that are not loaded: ${unknown.slice(0, 5).join(', ')}.`);
  const evaluator = new SearchEvaluator(setup, problems, ports, options);
  const store = ports.searchStore;
  const stored = await store.loadSearch(setup.id);
  if (!stored) throw new Error(`No search "${setup.id}" is stored here.`);
  await storeInterrupted(store, setup.id, stored.evaluations);
  const state = currentState(stored);
  if (!state.champion) throw new Error('This search has no champion yet: let it finish a generation first.');
  const plan = validationPlan(state, championsToValidate(state, request.scope), request.problemIds, request.repeats);
  await store.setValidation(setup.id, request);

  const verdicts = validationVerdicts(stored.evaluations);
  // Runs cut short so far, per unit: each stores what it spent under its own key.
  const cutShort = new Map<string, number>();
  for (const r of stored.evaluations) if (r.kind === 'cut-short' && r.generation === null) cutShort.set(r.evaluation, (cutShort.get(r.evaluation) ?? 0) + 1);
  let done = plan.filter((u) => verdicts[u.key] !== undefined).length;
  let inFlight = 0;
  const spent = validationCost(stored.evaluations);
  const report = () => options.onProgress?.(done, plan.length, inFlight, { ...spent });
  report();
  await runPool(
    plan.filter((u) => verdicts[u.key] === undefined),
    async (unit, signal) => {
      inFlight++;
      report();
      const earlier = cutShort.get(unit.key) ?? 0;
      const cutShortRecord = (cost: EvaluationCost): CutShortRecord => ({
        key: cutShortKey(unit.key, earlier),
        kind: 'cut-short',
        evaluation: unit.key,
        generation: null,
        genomeId: unit.genomeId,
        problemId: unit.problemId,
        index: unit.repeat,
        ...cost,
      });
      try {
        const record = await evaluator.evaluate(
          { key: unit.key, kind: 'validation', generation: null, genomeId: unit.genomeId, pipeline: unit.pipeline, problemId: unit.problemId, index: unit.repeat },
          signal,
          (record) => store.putEvaluation(setup.id, record),
          async (cost) => {
            const record = cutShortRecord(cost);
            await store.putEvaluation(setup.id, record);
            cutShort.set(unit.key, earlier + 1);
            addCost(spent, record);
            spent.cutShort++;
          },
          async (cost) => {
            if (cost) await store.putSpendSoFar?.(setup.id, cutShortRecord(cost));
            else await store.clearSpendSoFar?.(setup.id, cutShortKey(unit.key, earlier));
          },
        );
        addCost(spent, record);
        spent.runs++;
        done++;
      } finally {
        inFlight--;
        report();
      }
    },
    { concurrency: options.concurrency ?? 3, ...(options.signal ? { signal: options.signal } : {}), pause: options.pause ?? new PauseSwitch() },
  );
  const after = await store.loadSearch(setup.id);
  const validation = after && validationStatus(after, state);
  if (!validation) throw new Error(`The store lost the search "${setup.id}" during validation.`);
  return { status: validation.done === plan.length ? 'done' : 'cancelled', validation };
}
