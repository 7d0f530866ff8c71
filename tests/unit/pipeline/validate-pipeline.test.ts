import { describe, expect, it } from 'vitest';
import { maxModelCalls, nodeCount, type RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import {
  pipelineFromJson,
  pipelineToJson,
  validatePipeline,
} from '../../../src/core/pipeline/validate-pipeline.ts';
import { validatePromptSet } from '../../../src/core/prompts/prompt-set.ts';

const node = (model = 'llama3.2:3b', id = 'generator.plain') => ({ model, prompt: { id }, temperature: 0.3 });
const refiner = (model = 'llama3.2:3b') => ({ model, prompt: { id: 'refiner.fix' }, temperature: 0.2 });

const selfRefine = {
  kind: 'refine',
  id: 'llama-self-refine',
  name: 'llama self-refine',
  generator: node(),
  stages: [{ innovation: 1, maxIterations: 3, analyzer: null, refiner: refiner() }],
};

function errorsOf(value: unknown): string[] {
  const result = validatePipeline(value);
  if (result.ok) throw new Error('expected the pipeline to be rejected');
  return result.errors;
}

describe('validatePipeline', () => {
  it('accepts a hand-written self-refine pipeline and fills in the defaults', () => {
    const result = validatePipeline(selfRefine);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const pipeline = result.pipeline as RefinePipeline;
    expect(pipeline.earlyStopping).toBe(true);
    expect(pipeline.generator.maxTokens).toBe(512);
    expect(pipeline.stages[0]?.refiner.maxTokens).toBe(512);
  });

  it('accepts a solo pipeline (no stages)', () => {
    expect(validatePipeline({ ...selfRefine, id: 'solo', stages: [] }).ok).toBe(true);
  });

  it('names the field path of every problem at once', () => {
    const errors = errorsOf({
      ...selfRefine,
      generator: { model: '', prompt: { id: 'generator.plain' }, temperature: 'hot' },
      stages: [{ innovation: 1, maxIterations: 4, analyzer: null, refiner: { ...refiner(), maxTokens: 0 } }],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^generator\.model: /),
        expect.stringMatching(/^generator\.temperature: expected a number from 0 to 2, found "hot"/),
        expect.stringMatching(/^stages\[0\]\.maxIterations: expected a whole number from 1 to 3, found 4/),
        expect.stringMatching(/^stages\[0\]\.refiner\.maxTokens: /),
      ]),
    );
  });

  it('refuses "__proto__" as a model key (it would set an object’s prototype, not name a model), and takes "constructor"', () => {
    expect(errorsOf({ ...selfRefine, generator: node('__proto__') })).toEqual(['generator.model: "__proto__" cannot be a model key; give the model another name.']);
    expect(validatePipeline({ ...selfRefine, generator: node('constructor') }).ok).toBe(true);
  });

  it('rejects more than three stages', () => {
    const stage = (innovation: number) => ({ innovation, maxIterations: 1, analyzer: null, refiner: refiner() });
    const errors = errorsOf({ ...selfRefine, stages: [stage(1), stage(2), stage(3), stage(4)] });
    expect(errors.join('\n')).toMatch(/stages: 4 stages; the study's limit is 3/);
  });

  it("rejects more than eight nodes, counted as the study's code counts them (executors included)", () => {
    const analyzer = { model: 'llama3.2:3b', prompt: { id: 'analyzer.diagnose' }, temperature: 0.4 };
    const stage = (innovation: number, withAnalyzer: boolean) => ({
      innovation,
      maxIterations: 1,
      analyzer: withAnalyzer ? analyzer : null,
      refiner: refiner(),
    });
    const eight = validatePipeline({ ...selfRefine, stages: [stage(1, true), stage(2, false), stage(3, false)] });
    expect(eight.ok).toBe(true);
    if (eight.ok) expect(nodeCount(eight.pipeline)).toBe(8);
    const errors = errorsOf({ ...selfRefine, stages: [stage(1, true), stage(2, true), stage(3, false)] });
    expect(errors.join('\n')).toMatch(/9 nodes .* limit is 8/);
  });

  it('rejects duplicate innovation numbers', () => {
    const stage = { innovation: 5, maxIterations: 1, analyzer: null, refiner: refiner() };
    expect(errorsOf({ ...selfRefine, stages: [stage, stage] }).join('\n')).toMatch(
      /stages\[1\]\.innovation: 5 is already used by stages\[0\]/,
    );
  });

  it('catches a misspelt field instead of silently using a default', () => {
    const errors = errorsOf({ ...selfRefine, generator: { ...node(), temprature: 0.9 } });
    expect(errors.join('\n')).toMatch(/generator\.temprature: unknown field/);
  });

  it('rejects unknown prompt ids and prompts of another role', () => {
    expect(errorsOf({ ...selfRefine, generator: node('llama3.2:3b', 'generator.nope') }).join('\n')).toMatch(
      /generator\.prompt\.id: no prompt "generator\.nope"/,
    );
    expect(errorsOf({ ...selfRefine, generator: node('llama3.2:3b', 'refiner.fix') }).join('\n')).toMatch(
      /generator\.prompt\.id: "refiner\.fix" is a refiner prompt, but this node is a generator/,
    );
  });

  it('resolves prompt ids against a loaded prompt set', () => {
    const set = validatePromptSet({
      format: 'feedback-lab/prompt-set',
      version: 1,
      prompts: [{ id: 'my.generator', role: 'generator', text: 'Write Python.' }],
    });
    if (!set.ok) throw new Error(set.errors.join(' '));
    const pipeline = { ...selfRefine, generator: node('llama3.2:3b', 'my.generator') };
    expect(validatePipeline(pipeline).ok).toBe(false);
    expect(validatePipeline(pipeline, { promptSet: set.promptSet }).ok).toBe(true);
  });

  it('accepts an inline prompt text, and requires exactly one of id or text', () => {
    expect(validatePipeline({ ...selfRefine, generator: { ...node(), prompt: { text: 'Write Python.' } } }).ok).toBe(true);
    expect(
      errorsOf({ ...selfRefine, generator: { ...node(), prompt: { id: 'generator.plain', text: 'x' } } }).join('\n'),
    ).toMatch(/generator\.prompt: give exactly one of/);
  });

  it('checks the text-only and resample controls', () => {
    const textOnly = {
      kind: 'text-only',
      id: 't',
      name: 't',
      planner: { model: 'qwen2.5:3b', prompt: { id: 'planner.plan-then-code' }, temperature: 0.3 },
      critic: { model: 'qwen2.5:3b', prompt: { id: 'critic.read-only-review' }, temperature: 0.3 },
      reviser: { model: 'qwen2.5:3b', prompt: { id: 'reviser.apply-review' }, temperature: 0.2 },
      rounds: 2,
    };
    expect(validatePipeline(textOnly).ok).toBe(true);
    expect(errorsOf({ ...textOnly, rounds: 0 }).join('\n')).toMatch(/^rounds: /m);
    expect(validatePipeline({ kind: 'resample', id: 'r', name: 'r', generator: node(), k: 4 }).ok).toBe(true);
    expect(errorsOf({ kind: 'resample', id: 'r', name: 'r', generator: node(), k: 1.5 }).join('\n')).toMatch(/^k: /m);
    expect(errorsOf({ kind: 'chain', id: 'c', name: 'c' }).join('\n')).toMatch(/^kind: expected "refine", "text-only" or "resample"/);
  });

  it('rejects things that are not pipelines with a sentence', () => {
    expect(errorsOf(null)).toEqual(['A pipeline must be a JSON object, found null.']);
    const parsed = pipelineFromJson('{ not json');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toMatch(/^This is not valid JSON/);
  });
});

describe('pipeline JSON', () => {
  it('round-trips through pipelineToJson and pipelineFromJson', () => {
    const first = validatePipeline({
      ...selfRefine,
      description: 'the study baseline',
      earlyStopping: false,
      stages: [
        {
          innovation: 1,
          maxIterations: 2,
          analyzer: { model: 'gemma3:1b', prompt: { text: 'Diagnose.' }, temperature: 0.45, maxTokens: 256 },
          refiner: refiner('qwen2.5:1.5b'),
        },
      ],
    });
    if (!first.ok) throw new Error(first.errors.join(' '));
    const json = pipelineToJson(first.pipeline);
    const again = pipelineFromJson(json);
    expect(again).toEqual({ ok: true, pipeline: first.pipeline });
    if (again.ok) expect(pipelineToJson(again.pipeline)).toBe(json);
  });
});

describe('budgets', () => {
  it('counts self-refine with three iterations as four model calls at most', () => {
    const result = validatePipeline(selfRefine);
    if (!result.ok) throw new Error(result.errors.join(' '));
    expect(maxModelCalls(result.pipeline)).toBe(4);
    expect(nodeCount(result.pipeline)).toBe(3);
  });
});
