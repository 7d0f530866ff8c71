/**
 * A world for driving searches in unit tests: six copies of a tiny HumanEval-shaped problem, a
 * model per pool key whose reply depends on the model and the node (so the pipeline decides
 * whether a problem passes), and a sandbox that passes exactly the right code.
 *
 * - llama writes right code whenever it refines, and as a generator on even problems;
 * - qwen writes right code only when it refines;
 * - gemma is always wrong.
 */
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import { perProblemModel, type ScriptedCall, type ScriptedModel } from '../../../src/core/llm/scripted-model.ts';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { createSearchSetup, type SearchDraft, type SearchSetup } from '../../../src/core/search/search-setup.ts';
import type { ModelBinding } from '../../../src/core/study/config.ts';
import { judgingSandbox, type FakeSandbox } from '../pipeline/fake-sandbox.ts';
import { humanEvalProblem } from '../pipeline/fixtures.ts';

/** Each with its own prompt: a model's reply is a function of the messages, and the cache relies on that. */
export const PROBLEMS: Problem[] = [0, 1, 2, 3, 4, 5].map((n) => ({
  ...humanEvalProblem,
  id: `HumanEval/${900 + n}`,
  number: 900 + n,
  prompt: humanEvalProblem.prompt.replace('Return the sum', `Problem ${900 + n}: return the sum`),
}));

const RIGHT = '```python\ndef add(a, b):\n    return a + b  # right\n```';
const WRONG = '```python\ndef add(a, b):\n    return a - b\n```';

export const BINDINGS: Record<string, ModelBinding> = {
  'gemma3:1b': { engine: 'openai', id: 'gemma-fake', baseUrl: 'http://fake.invalid/v1' },
  'qwen2.5:1.5b': { engine: 'openai', id: 'qwen-fake', baseUrl: 'http://fake.invalid/v1' },
  'llama3.2:3b': { engine: 'openai', id: 'llama-fake', baseUrl: 'http://fake.invalid/v1' },
};

export function answerFor(key: string, call: ScriptedCall): string {
  const nodeId = call.context?.nodeId ?? '';
  if (nodeId.endsWith('analyzer')) return 'The code subtracts where it should add.';
  const refining = nodeId.endsWith('refiner');
  const problem = Number((call.context?.problemId ?? '').split('/')[1]);
  if (key === 'gemma3:1b') return WRONG;
  if (key === 'qwen2.5:1.5b') return refining ? RIGHT : WRONG;
  return refining || problem % 2 === 0 ? RIGHT : WRONG;
}

export interface FakeWorld {
  model: (key: string) => LanguageModel;
  sandbox: FakeSandbox;
  /** Chat calls that reached a model. */
  calls: () => number;
  /** Makes the next `n` calls of every model fail with an engine error. */
  failNext: (n: number) => void;
}

export function fakeWorld(): FakeWorld {
  const made = new Map<string, ScriptedModel>();
  let failures = 0;
  return {
    model(key) {
      let m = made.get(key);
      if (!m) {
        m = perProblemModel((call) => {
          if (failures > 0) {
            failures--;
            return new Error('The endpoint answered 503: model is loading.');
          }
          return answerFor(key, call);
        });
        made.set(key, m);
      }
      return m;
    },
    sandbox: judgingSandbox((program) => program.includes('# right')),
    calls: () => [...made.values()].reduce((n, m) => n + m.calls.length, 0),
    failNext: (n) => {
      failures = n;
    },
  };
}

export function searchSetup(overrides: Partial<SearchDraft['config']> = {}, options: { id?: string; cacheCalls?: boolean; seed?: number } = {}): SearchSetup {
  return createSearchSetup(
    {
      name: 'Unit search',
      benchmark: 'humaneval',
      selection: { kind: 'all' },
      mode: 'study',
      models: BINDINGS,
      config: {
        populationSize: 6,
        subsetSize: 3,
        budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null },
        ...overrides,
      },
      seed: options.seed ?? 7,
      ...(options.cacheCalls !== undefined ? { cacheCalls: options.cacheCalls } : {}),
    },
    { id: options.id ?? 'search-unit', created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: '0'.repeat(64) },
  );
}
