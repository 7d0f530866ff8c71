import { describe, expect, it } from 'vitest';
import { llamaSelfRefine, qwenToLlama } from '../../../src/core/pipeline/presets.ts';
import { BUILTIN_PROMPTS } from '../../../src/core/prompts/prompt-set.ts';
import { validateStudyConfig, type StudyConfig } from '../../../src/core/study/config.ts';

function config(): StudyConfig {
  return {
    id: 'study-1',
    name: 'Self-refine against cross-model',
    created: '2026-05-01T10:00:00.000Z',
    benchmark: 'humaneval',
    datasetSha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
    selection: { kind: 'first', n: 2 },
    problemIds: ['HumanEval/0', 'HumanEval/1'],
    arms: [
      { id: 'self', label: 'self-refine', pipeline: llamaSelfRefine, forcedIterations: false },
      { id: 'cross', label: 'cross-model', pipeline: qwenToLlama, forcedIterations: true },
    ],
    repeats: 5,
    mode: 'study',
    limits: { timeoutMs: 10_000, problemTimeCapMs: 120_000, maxOutputChars: 1_000_000, slowTaskFloors: true },
    models: {
      'llama3.2:3b': { engine: 'webllm', id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC', quantization: 'q4f16_1' },
      'qwen2.5:1.5b': { engine: 'openai', id: 'qwen2.5:1.5b', baseUrl: 'http://localhost:11434/v1' },
    },
    sampling: { contextWindowTokens: 4096, topP: null },
    seeds: { sampling: null },
    prompts: BUILTIN_PROMPTS.prompts.filter((p) => ['generator.plain', 'refiner.fix'].includes(p.id)),
  };
}

const errorsOf = (value: unknown) => {
  const result = validateStudyConfig(value);
  return result.ok ? [] : result.errors;
};

describe('validateStudyConfig', () => {
  it('accepts a complete study and survives a JSON round trip', () => {
    const result = validateStudyConfig(JSON.parse(JSON.stringify(config())));
    expect(result).toEqual({ ok: true, config: config() });
  });

  it('names the field of each problem', () => {
    const bad = config() as unknown as Record<string, unknown>;
    bad.repeats = 0;
    bad.mode = 'fast';
    (bad.arms as { pipeline: { generator: { temperature: unknown } } }[])[1]!.pipeline = {
      ...qwenToLlama,
      generator: { ...qwenToLlama.generator, temperature: 'hot' },
    };
    expect(errorsOf(bad)).toEqual([
      'arms[1].pipeline.generator.temperature: expected a number from 0 to 2, found "hot".',
      'repeats: expected a whole number from 1 to 100, found 0.',
      'mode: expected "study" or "standard", found "fast".',
    ]);
  });

  it('refuses an endpoint URL with credentials and an api key field', () => {
    const bad = config();
    bad.models['qwen2.5:1.5b'] = { engine: 'openai', id: 'q', baseUrl: 'https://me:secret@example.com/v1' };
    (bad.models['llama3.2:3b'] as unknown as Record<string, unknown>).apiKey = 'sk-123';
    const errors = errorsOf(bad).join(' ');
    expect(errors).toContain('models["qwen2.5:1.5b"].baseUrl: the URL holds a user name or password');
    expect(errors).toContain('models["llama3.2:3b"].apiKey: unknown field');
  });

  it('requires a binding for every model an arm uses and the text of every prompt id', () => {
    const bad = config();
    delete bad.models['qwen2.5:1.5b'];
    bad.prompts = bad.prompts.filter((p) => p.id !== 'refiner.fix');
    expect(errorsOf(bad)).toEqual([
      'arms[0].pipeline: stage1.refiner uses the prompt "refiner.fix", whose text is not among the study\'s prompts.',
      'arms[1].pipeline: stage1.refiner uses the prompt "refiner.fix", whose text is not among the study\'s prompts.',
    ]);
    const noModel = config();
    delete noModel.models['qwen2.5:1.5b'];
    expect(errorsOf(noModel)).toEqual(['models: no binding for the model key "qwen2.5:1.5b" that an arm uses.']);
    // A key every object inherits is still unbound until the study binds it.
    const inherited = config();
    const arm = inherited.arms[0]!;
    if (arm.pipeline.kind !== 'refine') throw new Error('expected a refine pipeline');
    inherited.arms[0] = { ...arm, pipeline: { ...arm.pipeline, generator: { ...arm.pipeline.generator, model: 'constructor' } } };
    expect(errorsOf(inherited)).toContain('models: no binding for the model key "constructor" that an arm uses.');
  });

  it('rejects duplicate arm ids and problem ids in a non-canonical spelling', () => {
    const bad = config();
    bad.arms[1] = { ...bad.arms[1]!, id: 'self' };
    bad.problemIds = ['HumanEval/0', 'Mbpp/3'];
    expect(errorsOf(bad)).toEqual([
      'problemIds[1]: "Mbpp/3" is not a HumanEval problem id.',
      'arms[1].id: "self" is already the id of arms[0]; arm ids must be unique.',
    ]);
  });

  it('rejects what is not an object', () => {
    expect(errorsOf('study')).toEqual(['A study config must be a JSON object, found "study".']);
  });
});
