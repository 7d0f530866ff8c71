/**
 * The shape of a study config inside a result file, as a zod schema: it checks types and field
 * names, and it is what the published JSON Schema says about `config`. The rules that need
 * more than one field at once (prompt ids that must exist among the study's prompts, model keys
 * that must be bound, canonical problem ids) are the study's own validator's job
 * (`validateStudyConfig`), which import runs after this one.
 *
 * The `Same` checks at the bottom make the build fail if this schema and the TypeScript types
 * in genome.ts, selection.ts, prompt-set.ts and config.ts drift apart.
 */
import * as z from 'zod';
import type { SelectionSpec } from '../benchmarks/selection.ts';
import type { LlmNode, Pipeline, Stage } from '../pipeline/genome.ts';
import type { RolePrompt } from '../prompts/prompt-set.ts';
import type { ModelBinding, StudyArm, StudyConfig } from '../study/config.ts';

const nodeRole = z.enum(['generator', 'analyzer', 'refiner', 'planner', 'critic', 'reviser']);

export const selectionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('first'), n: z.int().min(1) }),
    z.strictObject({ kind: z.literal('random'), n: z.int().min(1), seed: z.int() }),
    z.strictObject({ kind: z.literal('ids'), ids: z.array(z.string()) }),
    z.strictObject({ kind: z.literal('mbpp-test-split') }),
  ])
  .meta({ id: 'Selection', description: 'Which problems were asked for; `problemIds` holds what that gave.' });

const promptRef = z
  .union([z.strictObject({ id: z.string() }), z.strictObject({ text: z.string() })])
  .meta({ id: 'PromptRef', description: 'A prompt id (its text is in `config.prompts`) or the prompt text itself.' });

const llmNode = z
  .strictObject({
    model: z.string().describe('A model key, bound to an engine and model in `config.models`.'),
    prompt: promptRef,
    temperature: z.number().min(0),
    maxTokens: z.int().min(1),
  })
  .meta({ id: 'LlmNode', description: 'One language-model call site of a pipeline.' });

const stage = z
  .strictObject({
    innovation: z.int().describe('NEAT innovation number; crossover aligns stages by it.'),
    maxIterations: z.literal([1, 2, 3]),
    analyzer: llmNode.nullable(),
    refiner: llmNode,
  })
  .meta({ id: 'Stage', description: 'Execute, then optionally analyze, then refine; up to maxIterations times.' });

const pipelineHeader = {
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
};

export const pipelineSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('refine'),
      ...pipelineHeader,
      generator: llmNode,
      stages: z.array(stage),
      earlyStopping: z.boolean(),
    }),
    z.strictObject({
      kind: z.literal('text-only'),
      ...pipelineHeader,
      planner: llmNode,
      critic: llmNode,
      reviser: llmNode,
      rounds: z.int().min(1),
    }),
    z.strictObject({ kind: z.literal('resample'), ...pipelineHeader, generator: llmNode, k: z.int().min(1) }),
  ])
  .meta({ id: 'Pipeline', description: 'The whole pipeline genome of an arm (see src/core/pipeline/genome.ts).' });

const modelBinding = z
  .strictObject({
    engine: z.enum(['webllm', 'openai', 'replay']),
    id: z.string().describe('WebLLM model id, endpoint model name, or the replayed model id.'),
    baseUrl: z.string().optional().describe('OpenAI-compatible endpoint; never holds credentials.'),
    quantization: z.string().optional().describe('q4f16_1, Q4_K_M…, when known.'),
  })
  .meta({ id: 'ModelBinding', description: 'What a model key was bound to for this study.' });

const rolePrompt = z
  .strictObject({ id: z.string(), role: nodeRole, text: z.string() })
  .meta({ id: 'RolePrompt', description: 'A role prompt’s text, as sent.' });

const arm = z
  .strictObject({
    id: z.string().describe('Unique within the study; units name their arm by it.'),
    label: z.string(),
    pipeline: pipelineSchema,
    forcedIterations: z.boolean().describe('Every iteration ran after a pass too (iteration tables).'),
  })
  .meta({ id: 'StudyArm', description: 'One configuration under test.' });

export const studyConfigSchema = z
  .strictObject({
    id: z.string().describe('Unique per study run; shards of one study share it.'),
    name: z.string(),
    created: z.string().describe('ISO 8601 time the study was created.'),
    benchmark: z.enum(['humaneval', 'mbpp']),
    datasetSha256: z.string().describe('SHA-256 of the dataset file the problems came from.'),
    selection: selectionSchema,
    problemIds: z.array(z.string()).describe('Canonical ids (HumanEval/0, Mbpp/2), in the order they ran.'),
    arms: z.array(arm),
    repeats: z.int().min(1),
    mode: z.enum(['standard', 'study']).describe('Harness layout: standard (official harnesses) or study (the paper’s).'),
    limits: z.strictObject({
      timeoutMs: z.int().min(1),
      problemTimeCapMs: z.int().min(1),
      maxOutputChars: z.int().min(1),
      slowTaskFloors: z.boolean(),
    }),
    models: z.record(z.string(), modelBinding).describe('Every model key an arm uses, bound to an engine and model.'),
    sampling: z.strictObject({ contextWindowTokens: z.int().min(1), topP: z.number().nullable() }),
    seeds: z.strictObject({ sampling: z.int().nullable() }),
    prompts: z.array(rolePrompt).describe('The text of every prompt id the arms use, as sent.'),
  })
  .meta({ id: 'StudyConfig', description: 'The study exactly as run (see src/core/study/config.ts).' });

/** True when A and B are assignable both ways: the schema's output type is the hand-written type. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;

export type StudyConfigSchemaChecks = [
  Expect<Same<z.infer<typeof selectionSchema>, SelectionSpec>>,
  Expect<Same<z.infer<typeof llmNode>, LlmNode>>,
  Expect<Same<z.infer<typeof stage>, Stage>>,
  Expect<Same<z.infer<typeof pipelineSchema>, Pipeline>>,
  Expect<Same<z.infer<typeof modelBinding>, ModelBinding>>,
  Expect<Same<z.infer<typeof rolePrompt>, RolePrompt>>,
  Expect<Same<z.infer<typeof arm>, StudyArm>>,
  Expect<Same<z.infer<typeof studyConfigSchema>, StudyConfig>>,
];
