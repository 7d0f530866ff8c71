/**
 * The search's pieces driven the way the study runner will drive them: every evaluation is a real
 * `runProblem` through the interpreter, with scripted models and a fake sandbox, for two
 * generations, with a reload (state through JSON) in the middle of the first.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import { perProblemModel, type ScriptedCall } from '../../../src/core/llm/scripted-model.ts';
import type { RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { runProblem } from '../../../src/core/pipeline/interpret.ts';
import type { ModelStep, Trajectory } from '../../../src/core/pipeline/trajectory.ts';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { studySearchConfig } from '../../../src/core/search/search-config.ts';
import { advanceGeneration, genomeById, initSearch, nextEvaluations, recordEvaluation } from '../../../src/core/search/search.ts';
import type { EvaluationRequest, SearchState } from '../../../src/core/search/search-state.ts';
import { judgingSandbox } from '../pipeline/fake-sandbox.ts';
import { humanEvalProblem } from '../pipeline/fixtures.ts';

const problems: Problem[] = [0, 1, 2].map((n) => ({ ...humanEvalProblem, id: `HumanEval/${900 + n}`, number: 900 + n }));
const byId = new Map(problems.map((p) => [p.id, p]));

const RIGHT = '```python\ndef add(a, b):\n    return a + b  # right\n```';
const WRONG = '```python\ndef add(a, b):\n    return a - b\n```';

/**
 * llama writes right code on problem 900 and whenever it refines; qwen only refines right;
 * gemma is always wrong. So pipelines with a llama or qwen refiner pass everything.
 */
function models(): { model: (key: string) => LanguageModel; calls: () => number } {
  const made = new Map<string, ReturnType<typeof perProblemModel>>();
  const answer = (key: string) => (call: ScriptedCall) => {
    const refining = call.context?.nodeId.endsWith('refiner') ?? false;
    if (key === 'gemma3:1b') return WRONG;
    if (key === 'qwen2.5:1.5b') return refining ? RIGHT : WRONG;
    return refining || call.context?.problemId === 'HumanEval/900' ? RIGHT : WRONG;
  };
  return {
    model(key) {
      let m = made.get(key);
      if (!m) made.set(key, (m = perProblemModel(answer(key))));
      return m;
    },
    calls: () => [...made.values()].reduce((n, m) => n + m.calls.length, 0),
  };
}

const tokensOf = (t: Trajectory) =>
  t.steps.filter((s): s is ModelStep => s.kind !== 'execute').reduce((n, s) => n + s.usage.promptTokens + s.usage.completionTokens, 0);

describe('search driven by the pipeline interpreter', () => {
  it('runs two generations of real trajectories and resumes a reload without re-running finished ones', async () => {
    const config = studySearchConfig(
      problems.map((p) => p.id),
      { populationSize: 6, subsetSize: 3, budget: { maxGenerations: 2, maxWallMs: null, maxTokens: null } },
    );
    const ports = models();
    const sandbox = judgingSandbox((program) => program.includes('# right'));
    const evaluated: string[] = [];

    async function evaluate(state: SearchState, request: EvaluationRequest): Promise<SearchState> {
      const problem = byId.get(request.problemId) as Problem;
      const t = await runProblem(problem, request.pipeline, { model: ports.model, sandbox }, { mode: 'study', now: () => 0, repeat: request.evaluationIndex });
      evaluated.push(request.key);
      expect(t.pipelineId).toBe(request.genomeId);
      return recordEvaluation(state, {
        key: request.key,
        passed: t.passed,
        tokens: tokensOf(t),
        executions: t.steps.filter((s) => s.kind === 'execute').length,
      });
    }

    let state = initSearch(config, 99);
    // Half of generation 0, then a reload: only the JSON survives.
    for (const request of nextEvaluations(state).slice(0, 9)) state = await evaluate(state, request);
    state = JSON.parse(JSON.stringify(state)) as SearchState;
    while (state.status === 'evaluating') {
      for (const request of nextEvaluations(state)) state = await evaluate(state, request);
      state = advanceGeneration(JSON.parse(JSON.stringify(state)) as SearchState);
    }

    expect(state).toMatchObject({ status: 'done', stopReason: 'generations' });
    expect(evaluated).toHaveLength(2 * 6 * 3);
    expect(new Set(evaluated).size).toBe(evaluated.length);
    expect(state.history.map((h) => h.evaluations)).toEqual([18, 18]);
    expect(state.history.every((h) => h.tokens > 0)).toBe(true);
    expect(ports.calls()).toBeGreaterThanOrEqual(36);

    // Every first-generation genome has a stage, and every refiner here fixes the code unless it is gemma.
    for (const score of state.history[0]?.scores ?? []) {
      const p: RefinePipeline = genomeById(state, score.id).pipeline;
      const refinersFix = p.stages.some((s) => s.refiner.model !== 'gemma3:1b');
      if (refinersFix) expect(score.passRate).toBe(1);
    }
    const champion = state.champion;
    expect(champion).not.toBeNull();
    expect(champion?.fitness).toBe(Math.max(...state.history.map((h) => h.best)));
  });
});
