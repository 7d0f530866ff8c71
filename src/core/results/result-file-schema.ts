/**
 * The result file's schema, as zod: import validates with it, and scripts/write-results-schema.ts
 * turns the same object into docs/results-format.schema.json, so the documented schema cannot
 * drift from the code. The `Same` checks at the bottom fail the build if it drifts from the
 * TypeScript types (trajectory.ts, outcome.ts, result-file.ts).
 *
 * Objects are strict: an unknown field is an error, not silently dropped, so a misspelt or
 * foreign field is noticed and what import returns holds only the fields documented here.
 * Only this module and result-file-import.ts load zod; the UI loads them lazily.
 */
// A namespace import lets the bundler drop what is unused; `import { z }` drags in every locale (~450 KB).
import * as z from 'zod';
import { ERROR_CATEGORIES, type Outcome } from '../harness/outcome.ts';
import type { ExecuteStep, ModelStep, Step, Trajectory } from '../pipeline/trajectory.ts';
import { RESULT_FILE_FORMAT, RESULT_FILE_VERSION, type ResultEnvironment, type ResultFile, type ResultServedModel, type ResultUnit } from './result-file.ts';
import { studyConfigSchema, type Same } from './study-config-schema.ts';

const ms = z.number().min(0);
const count = z.int().min(0);
const harnessMode = z.enum(['standard', 'study']);

// One list of categories: the harness's own, so a new category cannot be missing from files.
const errorCategory = z.enum(ERROR_CATEGORIES);

export const outcomeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('passed'), durationMs: ms }),
    z.strictObject({
      kind: z.literal('failed'),
      durationMs: ms,
      category: errorCategory,
      errorType: z.string().describe('Python exception class name, or `Crash` for a dead interpreter.'),
      message: z.string(),
      traceback: z.string().describe('Trimmed to the candidate’s own lines.'),
      fullTraceback: z.string().optional().describe('Study mode only (since version 3): the traceback before trimming, which study-mode feedback is cut from.'),
      failingAssert: z.string().nullable(),
      studyErrorType: z.string().nullable().describe('The study’s own classification; null where it logged "None".'),
    }),
    z.strictObject({ kind: z.literal('timed-out'), durationMs: ms, limitMs: ms, studyErrorType: z.null() }),
  ])
  .meta({ id: 'Outcome', description: 'How one execution ended, as the harness judged it.' });

const stepCommon = {
  index: count.describe('Position in the trajectory, from 0.'),
  nodeId: z.string().describe('generator, stage1.refiner, stage1.executor, final.executor, planner…'),
  stage: z.int().min(1).nullable().describe('1-based stage of a refine pipeline; null outside a stage.'),
  iteration: count,
  startedAt: z.number(),
  endedAt: z.number(),
};

const chatMessage = z
  .strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })
  .meta({ id: 'ChatMessage', description: 'One chat message as sent. Untrusted text: render it as text.' });

const chatUsage = z
  .strictObject({
  promptTokens: count,
  completionTokens: count,
  timeToFirstTokenMs: ms,
  decodeTokensPerSecond: z.number().min(0),
  totalMs: ms,
  tokensEstimated: z.boolean().optional().describe('Counts estimated by the adapter, not reported by the engine.'),
  reasoningTokens: count
    .optional()
    .describe('Since version 3: how many of completionTokens were reasoning the server sent apart from the reply (reasoning_content); not kept.'),
  })
  .meta({ id: 'ChatUsage', description: 'Tokens and timings of one model call.' });

const modelStep = z
  .strictObject({
  ...stepCommon,
  kind: z.enum(['generate', 'analyze', 'refine', 'plan', 'critique', 'revise']),
  modelKey: z.string(),
  modelId: z.string(),
  temperature: z.number().min(0),
  maxTokens: z.int().min(1),
  promptId: z.string().nullable(),
  messages: z.array(chatMessage).describe('Exactly what was sent.'),
  reply: z.string().describe('The model’s reply, verbatim. Untrusted text: render it as text.'),
  finishReason: z.string().describe('Why generation stopped, as the engine said it (stop, length…); unknown when the server did not say.'),
  code: z.string().nullable().describe('Code extracted from the reply; null for prose steps.'),
  extraction: z
    .enum(['fenced-block', 'unterminated-fence', 'whole-reply', 'from-first-def', 'fallback', 'study-fenced-block', 'study-whole-reply', 'study-from-first-def', 'study-fallback'])
    .nullable()
    .describe('The rule that found `code`; `study-…` rules (since version 3) are the study’s own, used in study mode.'),
  thinkingRemoved: z.literal(true).optional().describe('Since version 3: thinking blocks were removed from the reply before extraction.'),
  usage: chatUsage,
  })
  .meta({ id: 'ModelStep', description: 'One model call: exactly what was sent and what came back.' });

const executeStep = z
  .strictObject({
  ...stepCommon,
  kind: z.literal('execute'),
  attempt: count.describe('Which version of the code this judges: 0 for the first generation.'),
  final: z.boolean(),
  code: z.string().describe('The candidate as run (before the harness added tests). Untrusted text.'),
  mode: harnessMode,
  limits: z.strictObject({ timeoutMs: z.int().min(1), maxOutputChars: z.int().min(1) }),
  outcome: outcomeSchema,
  })
  .meta({ id: 'ExecuteStep', description: 'One execution of a candidate against the tests.' });

export const stepSchema = z
  .discriminatedUnion('kind', [modelStep, executeStep])
  .meta({ id: 'Step', description: 'One model call or one execution.' });

const trajectory = z
  .strictObject({
  problemId: z.string(),
  pipelineId: z.string(),
  repeat: z.int().min(0).nullable(),
  mode: harnessMode,
  steps: z.array(stepSchema),
  verdict: outcomeSchema.nullable().describe('The deciding execution’s outcome.'),
  passed: z.boolean(),
  finalCode: z.string().nullable(),
  stopReason: z.enum(['early-stop', 'completed', 'time-cap']),
  })
  .meta({ id: 'Trajectory', description: 'A finished unit: every step and how it ended.' });

const unitKey = {
  armId: z.string().describe('An id in config.arms.'),
  repeat: z.int().min(0).describe('0-based, below config.repeats.'),
  problemId: z.string().describe('An id in config.problemIds.'),
};

export const unitSchema = z
  .discriminatedUnion('status', [
    z.strictObject({ ...unitKey, status: z.literal('finished'), trajectory }),
    z.strictObject({
      ...unitKey,
      status: z.literal('errored'),
      message: z.string().describe('Why the model could not answer (engine or network).'),
      attempts: z.int().min(1),
      steps: z.array(stepSchema),
    }),
    z.strictObject({ ...unitKey, status: z.literal('unfinished'), steps: z.array(stepSchema) }),
  ])
  .meta({ id: 'Unit', description: 'One problem through one arm in one repeat.' });

const servedModelSchema = z
  .strictObject({
    endpoint: z.string(),
    model: z.string(),
    server: z.literal('ollama').nullable(),
    contextTokens: z.int().min(1).nullable().describe('The context the loaded model ran with (Ollama /api/ps context_length).'),
    sizeBytes: z.number().min(0).nullable(),
    gpuBytes: z.number().min(0).nullable(),
    quantization: z.string().nullable(),
    parameterSize: z.string().nullable(),
    unknownBecause: z.string().nullable().describe('Why a figure is unknown, in plain words.'),
    askedAt: z.string().describe('ISO 8601.'),
  })
  .meta({ id: 'ServedModel', description: 'One endpoint model as its server described it.' });

export const environmentSchema = z
  .strictObject({
    appVersion: z.string(),
    userAgent: z.string(),
    gpu: z
      .strictObject({
        vendor: z.string(),
        architecture: z.string(),
        description: z.string(),
        isFallbackAdapter: z.boolean(),
        features: z.array(z.string()),
      })
      .nullable(),
    webllmVersion: z.string().nullable(),
    pyodideVersion: z.string().nullable(),
    crossOriginIsolated: z.boolean(),
    recordedAt: z.string().describe('ISO 8601.'),
    servedModels: z.array(servedModelSchema).optional().describe('What each endpoint said about the models it served (since version 2).'),
  })
  .meta({ id: 'Environment', description: 'Where (a shard of) the study ran.' });

export const resultFileSchema = z
  .strictObject({
    format: z.literal(RESULT_FILE_FORMAT),
    version: z.literal(RESULT_FILE_VERSION),
    appVersion: z.string().describe('The Feedback Lab version that wrote this file.'),
    configHash: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the canonical JSON of config.'),
    config: studyConfigSchema,
    environments: z.array(environmentSchema).min(1),
    units: z.array(unitSchema),
  })
  .meta({
    title: 'Feedback Lab result file',
    description: 'One study: its config as run, where it ran, and every step of every unit. See docs/results-format.md.',
  });

type Expect<T extends true> = T;
export type ResultFileSchemaChecks = [
  Expect<Same<z.infer<typeof outcomeSchema>, Outcome>>,
  Expect<Same<z.infer<typeof modelStep>, ModelStep>>,
  Expect<Same<z.infer<typeof executeStep>, ExecuteStep>>,
  Expect<Same<z.infer<typeof stepSchema>, Step>>,
  Expect<Same<z.infer<typeof trajectory>, Trajectory>>,
  Expect<Same<z.infer<typeof unitSchema>, ResultUnit>>,
  Expect<Same<z.infer<typeof servedModelSchema>, ResultServedModel>>,
  Expect<Same<z.infer<typeof environmentSchema>, ResultEnvironment>>,
  Expect<Same<z.infer<typeof resultFileSchema>, ResultFile>>,
];
