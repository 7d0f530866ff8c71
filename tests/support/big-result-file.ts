/**
 * Valid result files of any size, for size tests and bench/results-scale.ts: a study of up to 8
 * arms × repeats × the problems given, run through the real pipeline interpreter with a scripted
 * model (replies of a chosen size, pseudo-Python from a seeded RNG) and a scripted sandbox (a
 * seeded mix of passes, assertion failures, NameErrors and timeouts), then assembled with
 * `buildResultFile` as the app does. Nothing is written as JSON by hand, so what the importer,
 * the store and the analysis see is what a real study of that size would give them.
 *
 * Every trajectory has at most 4 steps: the arms are solos (generate, execute) and refine loops
 * of one iteration (generate, execute, refine, execute), one of them with forced iterations.
 */
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import type { RunResult } from '../../src/core/harness/outcome.ts';
import { runProblem } from '../../src/core/pipeline/interpret.ts';
import { forcedIterationsVariant, refineLoop, soloPipeline } from '../../src/core/pipeline/presets.ts';
import type { ChatMessage, LanguageModel, Sandbox } from '../../src/core/ports.ts';
import { createRng, type Rng } from '../../src/core/random.ts';
import { buildResultFile } from '../../src/core/results/result-file-build.ts';
import type { ResultEnvironment, ResultFile, ResultUnit } from '../../src/core/results/result-file.ts';
import type { StudyArm, StudyConfig } from '../../src/core/study/config.ts';
import { createStudyConfig } from '../../src/core/study/create-config.ts';

export interface BigStudyOptions {
  /** The problems the study runs (all of them are selected, in this order). */
  problems: readonly Problem[];
  /** 1 to 8 arms; default 8. */
  arms?: number;
  repeats: number;
  /** Reply length in characters, drawn evenly from [min, max]; default [800, 2400]. */
  replyChars?: readonly [number, number];
  seed?: number;
  /** Study id; shards of one study share it. Default `big-study`. */
  id?: string;
  /** Only units whose position (arm, repeat, problem order) passes this are run: a shard. */
  only?: (position: number) => boolean;
}

const MODELS = {
  'llama3.2:3b': 'Llama-3.2-3B-Instruct-q4f16_1-MLC',
  'qwen2.5:1.5b': 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
  'gemma3:1b': 'gemma3-1b-it-q4f16_1-MLC',
  'qwen2.5-coder:3b': 'Qwen2.5-Coder-3B-Instruct-q4f16_1-MLC',
} as const;

function bigArms(): StudyArm[] {
  const arm = (id: string, pipeline: StudyArm['pipeline'], forcedIterations = false): StudyArm => ({ id, label: pipeline.name, pipeline, forcedIterations });
  return [
    arm('llama-solo', soloPipeline('llama3.2:3b', 'llama-solo', 'llama solo')),
    arm('llama-refine', refineLoop('llama3.2:3b', 'llama3.2:3b', { id: 'llama-refine', name: 'llama self-refine', iterations: 1 })),
    arm('qwen-llama', refineLoop('qwen2.5:1.5b', 'llama3.2:3b', { id: 'qwen-llama', name: 'qwen → llama', iterations: 1 })),
    arm('coder-solo', soloPipeline('qwen2.5-coder:3b', 'coder-solo', 'coder solo')),
    arm('coder-refine', refineLoop('qwen2.5-coder:3b', 'qwen2.5-coder:3b', { id: 'coder-refine', name: 'coder self-refine', iterations: 1 })),
    arm('gemma-solo', soloPipeline('gemma3:1b', 'gemma-solo', 'gemma solo')),
    arm('gemma-refine', refineLoop('gemma3:1b', 'gemma3:1b', { id: 'gemma-refine', name: 'gemma self-refine', iterations: 1 })),
    arm(
      'llama-forced',
      forcedIterationsVariant(refineLoop('llama3.2:3b', 'llama3.2:3b', { id: 'llama-refine-1', name: 'llama self-refine', iterations: 1 }), 1),
      true,
    ),
  ];
}

/** The study's config, as `createStudyConfig` resolves it when a study starts. */
export function bigStudyConfig(options: Pick<BigStudyOptions, 'problems' | 'arms' | 'repeats' | 'id'>): StudyConfig {
  const first = options.problems[0];
  if (!first) throw new Error('A big study needs at least one problem.');
  const arms = bigArms().slice(0, options.arms ?? 8);
  return createStudyConfig(
    {
      name: 'Big study',
      benchmark: first.benchmark,
      selection: { kind: 'all' },
      arms,
      repeats: options.repeats,
      mode: 'study',
      models: Object.fromEntries(Object.entries(MODELS).map(([key, id]) => [key, { engine: 'webllm', id, quantization: 'q4f16_1' }])),
    },
    {
      id: options.id ?? 'big-study',
      created: '2026-05-01T10:00:00.000Z',
      problems: options.problems,
      datasetSha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
    },
  );
}

export function bigEnvironment(overrides: Partial<ResultEnvironment> = {}): ResultEnvironment {
  return {
    appVersion: '0.1.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0',
    gpu: { vendor: 'nvidia', architecture: 'ampere', description: '', isFallbackAdapter: false, features: ['shader-f16'] },
    webllmVersion: '0.2.86',
    pyodideVersion: '314.0.7',
    crossOriginIsolated: true,
    recordedAt: '2026-05-01T12:00:00.000Z',
    ...overrides,
  };
}

/** A whole study (or the shard `only` selects) as a validated-shape ResultFile. */
export async function bigResultFile(options: BigStudyOptions): Promise<ResultFile> {
  const config = bigStudyConfig(options);
  const rng = createRng(options.seed ?? 1);
  const [minChars, maxChars] = options.replyChars ?? [800, 2400];
  const model: LanguageModel = {
    id: 'scripted',
    chat: async (messages: ChatMessage[]) => {
      const text = fencedReply(rng, minChars + rng.int(maxChars - minChars + 1), messages);
      return { text, finishReason: 'stop', usage: { promptTokens: 300 + rng.int(400), completionTokens: 200 + rng.int(500), timeToFirstTokenMs: 200 + rng.int(300), decodeTokensPerSecond: 20 + rng.int(20), totalMs: 4000 + rng.int(8000) } };
    },
  };
  const sandbox: Sandbox = { run: async () => scriptedRun(rng), close: async () => undefined };
  const byId = new Map(options.problems.map((p) => [p.id, p]));
  const units: ResultUnit[] = [];
  let position = -1;
  let clock = 0;
  for (const arm of config.arms) {
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      for (const problemId of config.problemIds) {
        position++;
        if (options.only && !options.only(position)) continue;
        const trajectory = await runProblem(byId.get(problemId)!, arm.pipeline, { model: () => model, sandbox }, {
          mode: config.mode,
          repeat,
          forcedIterations: arm.forcedIterations,
          now: () => (clock += 137),
        });
        units.push({ armId: arm.id, repeat, problemId, status: 'finished', trajectory });
      }
    }
  }
  return buildResultFile(config, units, bigEnvironment());
}

// Lines a small model might write: gzip finds repeats in real replies too, so a reply is drawn
// from a few hundred such lines with random names and numbers woven in.
const SYLLABLES = ['res', 'it', 'cou', 'val', 'tot', 'ind', 'lef', 'rig', 'wor', 'tex', 'num', 'pa', 'se', 'be', 'que', 'sta', 'max', 'min', 'acc', 'buf'];
const WORDS = Array.from({ length: 400 }, (_, i) => `${SYLLABLES[i % 20]}${SYLLABLES[Math.floor(i / 20)]}_${i % 7}`);
const LINE_SHAPES = [
  (a: string, b: string, n: number) => `    ${a} = ${b} + ${n}`,
  (a: string, b: string) => `    for ${a} in range(len(${b})):`,
  (a: string, b: string) => `        if ${a} > ${b}:`,
  (a: string, b: string) => `            ${a}.append(${b})`,
  (a: string) => `    return ${a}`,
  (a: string, b: string, n: number) => `    ${a} = [x for x in ${b} if x % ${n} == 0]`,
  (a: string, b: string) => `    # keep ${a} sorted so that ${b} can be found by bisection`,
  (a: string, b: string, n: number) => `    while ${a} < ${n} and ${b}:`,
  (a: string, b: string) => `        ${a}, ${b} = ${b}, ${a}`,
  (a: string) => `    ${a} = {}`,
];

function fencedReply(rng: Rng, chars: number, messages: readonly ChatMessage[]): string {
  const name = /def (\w+)/.exec(messages.at(-1)?.content ?? '')?.[1] ?? 'solve';
  const lines = ['Here is the function:', '', '```python', `def ${name}(${WORDS[rng.int(WORDS.length)]}):`];
  let length = lines.join('\n').length;
  while (length < chars - 60) {
    const shape = LINE_SHAPES[rng.int(LINE_SHAPES.length)]!;
    const line = shape(WORDS[rng.int(WORDS.length)]!, WORDS[rng.int(WORDS.length)]!, rng.int(1000));
    lines.push(line);
    length += line.length + 1;
  }
  lines.push('```', '', 'This loops once over the input.');
  return lines.join('\n');
}

function scriptedRun(rng: Rng): RunResult {
  const roll = rng.next();
  const durationMs = 20 + rng.int(200);
  if (roll < 0.45) return { status: 'passed', durationMs, stdout: '' };
  if (roll < 0.95) {
    const errorType = roll < 0.85 ? 'AssertionError' : 'NameError';
    const message = errorType === 'NameError' ? "name 'helper' is not defined" : '';
    const line = 10 + rng.int(40);
    return {
      status: 'error',
      durationMs,
      stdout: '',
      errorType,
      message,
      traceback: `Traceback (most recent call last):\n  File "<exec>", line ${line}, in <module>\n    assert candidate(${rng.int(100)}) == ${rng.int(100)}\n${errorType}${message ? `: ${message}` : ''}\n`,
    };
  }
  return { status: 'timeout', durationMs: 10_000, limitMs: 10_000, stdout: '' };
}
