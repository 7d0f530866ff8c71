import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maxModelCalls, type LlmNode, type Pipeline, type RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { SEARCH_POOL, STUDY_MODELS, webllmIdFor } from '../../../src/core/pipeline/model-keys.ts';
import {
  CHAMPION_SOURCES,
  forcedIterationsVariant,
  llamaSelfRefine,
  pairingMatrix,
  presetById,
  PRESETS,
} from '../../../src/core/pipeline/presets.ts';
import { pipelineFromJson, pipelineToJson, validatePipeline } from '../../../src/core/pipeline/validate-pipeline.ts';
import { resolvePrompt } from '../../../src/core/prompts/prompt-set.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The study's released results: STUDY_RESULTS_DIR, else ../shared/feedback-over-form-results. */
function readReleasedChampion(file: string): ReleasedGenome {
  const dir = path.resolve(REPO_ROOT, process.env['STUDY_RESULTS_DIR'] ?? path.join('..', 'shared', 'feedback-over-form-results'));
  const full = path.join(dir, 'neat_runs', file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new Error(
      `Study results missing: cannot read ${full} (${(error as Error).message}). ` +
        'Put the study’s released results/ folder there, or set STUDY_RESULTS_DIR to it.',
    );
  }
  return (JSON.parse(text) as { genome: ReleasedGenome }).genome;
}

interface ReleasedNode {
  model: string;
  temperature: number;
}
interface ReleasedGenome {
  generator: ReleasedNode;
  stages: { innovation: number; max_iterations: number; analyzer: ReleasedNode | null; refiner: ReleasedNode }[];
}

const modelAndT = (n: LlmNode | ReleasedNode | null) => (n ? { model: n.model, temperature: n.temperature } : null);

describe('presets', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s validates and survives a JSON round trip', (_id, preset) => {
    const result = validatePipeline(preset);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(pipelineFromJson(pipelineToJson(preset))).toEqual({ ok: true, pipeline: preset });
  });

  it('have unique ids', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("use the study's sampling for the hand-built pipelines", () => {
    const solo = presetById('llama-solo') as RefinePipeline;
    expect(solo.stages).toEqual([]);
    expect(solo.generator).toMatchObject({ model: 'llama3.2:3b', temperature: 0.3, maxTokens: 512 });
    for (const id of ['llama-self-refine', 'qwen-to-llama', 'coder-self-refine']) {
      const p = presetById(id) as RefinePipeline;
      expect(p.generator.temperature).toBe(0.3);
      expect(p.stages).toHaveLength(1);
      expect(p.stages[0]).toMatchObject({ maxIterations: 3, analyzer: null, refiner: { temperature: 0.2 } });
      expect(p.earlyStopping).toBe(true);
    }
    expect((presetById('qwen-to-llama') as RefinePipeline).generator.model).toBe('qwen2.5:1.5b');
    expect((presetById('coder-solo') as RefinePipeline).generator.model).toBe('qwen2.5-coder:3b');
  });

  it.each(Object.entries(CHAMPION_SOURCES))(
    '%s matches the released genome %s in models, temperatures, iterations and analyzers',
    (presetId, file) => {
      const released = readReleasedChampion(file);
      const preset = presetById(presetId) as RefinePipeline;
      expect(preset.kind).toBe('refine');
      expect(modelAndT(preset.generator)).toEqual(modelAndT(released.generator));
      expect(
        preset.stages.map((s) => ({
          innovation: s.innovation,
          maxIterations: s.maxIterations,
          analyzer: modelAndT(s.analyzer),
          refiner: modelAndT(s.refiner),
        })),
      ).toEqual(
        released.stages.map((s) => ({
          innovation: s.innovation,
          maxIterations: s.max_iterations,
          analyzer: modelAndT(s.analyzer),
          refiner: modelAndT(s.refiner),
        })),
      );
      // Our own sentences, not the study's: prompts resolve in our pool.
      expect(resolvePrompt(preset.generator.prompt).source).toBe('builtin');
    },
  );

  it('forced variants keep the pipeline but run every stage 3 times without early stopping', () => {
    const forced = forcedIterationsVariant(llamaSelfRefine);
    expect(forced.earlyStopping).toBe(false);
    expect(forced.stages.map((s) => s.maxIterations)).toEqual([3]);
    expect(forced.generator).toEqual(llamaSelfRefine.generator);
    expect(presetById('neat-v3-champion-forced3')).toBeDefined();
  });

  it('names a forced variant with its iteration count, singular for one', () => {
    expect(forcedIterationsVariant(llamaSelfRefine, 1).name).toBe(`${llamaSelfRefine.name} (forced 1 iteration)`);
    expect(forcedIterationsVariant(llamaSelfRefine, 1).description).toContain('every stage runs 1 iteration and');
    expect(forcedIterationsVariant(llamaSelfRefine).name).toBe(`${llamaSelfRefine.name} (forced 3 iterations)`);
  });

  it('resample spends the same call budget as self-refine with 3 iterations', () => {
    const resample = presetById('llama3.2:3b-resample-4') as Pipeline;
    expect(resample.kind).toBe('resample');
    expect(maxModelCalls(resample)).toBe(maxModelCalls(llamaSelfRefine));
    expect(maxModelCalls(resample)).toBe(4);
  });

  it('include a text-only control on qwen2.5:3b', () => {
    const textOnly = PRESETS.find((p) => p.kind === 'text-only');
    expect(textOnly).toMatchObject({ planner: { model: 'qwen2.5:3b' }, critic: { model: 'qwen2.5:3b' }, reviser: { model: 'qwen2.5:3b' } });
  });
});

describe('pairing matrix', () => {
  it('pairs every generator with every refiner of the search pool, each valid', () => {
    const matrix = pairingMatrix();
    expect(matrix).toHaveLength(SEARCH_POOL.length ** 2);
    const pairs = matrix.map((p) => `${p.generator.model} > ${p.stages[0]?.refiner.model}`);
    expect(new Set(pairs).size).toBe(9);
    expect(pairs).toContain('gemma3:1b > llama3.2:3b');
    for (const p of matrix) expect(validatePipeline(p).ok).toBe(true);
    expect(new Set(matrix.map((p) => p.id)).size).toBe(9);
  });
});

describe('model keys', () => {
  it('map the study names to the WebLLM builds', () => {
    expect(STUDY_MODELS.map((m) => [m.key, webllmIdFor(m.key, true)])).toEqual([
      ['gemma3:1b', 'gemma3-1b-it-q4f16_1-MLC'],
      ['qwen2.5:1.5b', 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC'],
      ['llama3.2:3b', 'Llama-3.2-3B-Instruct-q4f16_1-MLC'],
      ['qwen2.5-coder:3b', 'Qwen2.5-Coder-3B-Instruct-q4f16_1-MLC'],
      ['qwen2.5:3b', 'Qwen2.5-3B-Instruct-q4f16_1-MLC'],
    ]);
    expect(webllmIdFor('llama3.2:3b', false)).toBe('Llama-3.2-3B-Instruct-q4f32_1-MLC');
    expect(webllmIdFor('gemma3:1b', false)).toBeNull();
    expect(webllmIdFor('SmolLM2-1.7B-Instruct-q4f16_1-MLC', true)).toBe('SmolLM2-1.7B-Instruct-q4f16_1-MLC');
  });
});
