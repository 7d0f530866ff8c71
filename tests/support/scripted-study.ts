/**
 * A study whose outcome is known before it runs: eight HumanEval problems, each answered by the
 * fake OpenAI-compatible endpoint in a scripted way, and two arms (solo, self-refine). The same
 * script drives the command-line test (`feedback-lab run`), the browser end-to-end test and the
 * study-overhead bench, so all three can assert the same truth.
 *
 * Every reply is real Python, judged by the real sandbox: a right reply is the problem's prompt
 * plus its canonical solution in a ```python fence (it passes in `study` and `standard` mode);
 * a NameError reply calls a helper that was never written; a SyntaxError reply leaves a bracket
 * open; a wrong reply returns None. A refiner fixes a problem only when its message shows the
 * NameError or SyntaxError, i.e. only when the execution feedback reached it.
 *
 * ```ts
 * const server = await startScriptedServer({ tokensPerSecond: 2000 });
 * // feedback-lab run --study <scriptedStudyFile(2) written to disk> --endpoint server.url --model SCRIPTED_MODEL
 * // → llama-solo: 6/16 passed, llama-self-refine: 12/16 passed (SCRIPTED_TRUTH × 2 repeats)
 * ```
 */
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import { splitIntoTokens } from '../../src/core/llm/token-pieces.ts';
import { llamaSelfRefine, llamaSolo } from '../../src/core/pipeline/presets.ts';
import { encodeStudyLink } from '../../src/core/study/link.ts';
import { loadTestProblems } from './datasets.ts';
import { startFakeOpenAIServer, type ChatBehaviour, type FakeChatRequest, type FakeOpenAIServer, type FakeServerOptions } from './fake-openai-server.ts';

/** What the generator's first reply does when run. */
export type FirstReply = 'right' | 'name-error' | 'syntax-error' | 'wrong';

export interface ProblemScript {
  first: FirstReply;
  /** A refiner that sees the NameError / SyntaxError in its message replies with the right code. */
  refinerFixes: boolean;
  /** Replies for this problem start only after `slowFirstTokenMs`. */
  slow: boolean;
}

/** The eight problems and what happens to each. */
export const SCRIPT: Readonly<Record<string, ProblemScript>> = {
  'HumanEval/0': { first: 'right', refinerFixes: false, slow: false },
  'HumanEval/1': { first: 'right', refinerFixes: false, slow: true },
  'HumanEval/2': { first: 'name-error', refinerFixes: true, slow: false },
  'HumanEval/3': { first: 'syntax-error', refinerFixes: true, slow: false },
  // Never fixed: a wrong answer gives no NameError/SyntaxError to act on…
  'HumanEval/4': { first: 'wrong', refinerFixes: false, slow: false },
  // …and this refiner sees the NameError but repeats the broken code every time.
  'HumanEval/5': { first: 'name-error', refinerFixes: false, slow: false },
  'HumanEval/6': { first: 'right', refinerFixes: false, slow: false },
  'HumanEval/7': { first: 'syntax-error', refinerFixes: true, slow: true },
};

export const SCRIPTED_PROBLEM_IDS: readonly string[] = Object.keys(SCRIPT);

/** The model name the scripted server serves; pass it with `--model` (the arms' key is llama3.2:3b). */
export const SCRIPTED_MODEL = 'fake-model';

/** The arms, as presets: ids `llama-solo` and `llama-self-refine` (3 iterations, early stopping). */
export const SCRIPTED_ARMS = [llamaSolo, llamaSelfRefine] as const;

/** Problems passed per repeat in each arm, by arm id. */
export const SCRIPTED_TRUTH: Readonly<Record<string, number>> = truthFor(SCRIPT);

/** Passes per repeat: solo passes what is right at once; self-refine also what a refiner fixes. */
export function truthFor(script: Readonly<Record<string, ProblemScript>>): Record<string, number> {
  const scripts = Object.values(script);
  return {
    [llamaSolo.id]: scripts.filter((s) => s.first === 'right').length,
    [llamaSelfRefine.id]: scripts.filter((s) => s.first === 'right' || s.refinerFixes).length,
  };
}

/**
 * Chat requests one repeat of an arm sends for a problem: solo 1; self-refine 1 when right at
 * once, 2 when the first refinement fixes it, 1 + 3 iterations when it is never fixed.
 */
export function expectedModelCalls(armId: string, script: ProblemScript): number {
  if (armId === llamaSolo.id || script.first === 'right') return 1;
  return script.refinerFixes && script.first !== 'wrong' ? 2 : 1 + (llamaSelfRefine.stages[0]?.maxIterations ?? 0);
}

/** Steps the result file holds for one unit: every model call is followed by one execution. */
export function expectedSteps(armId: string, script: ProblemScript): number {
  return 2 * expectedModelCalls(armId, script);
}

/** The code of a reply; `problem.prompt` supplies the imports and helpers the study harness does not prepend. */
export function replyCode(problem: Problem, kind: FirstReply): string {
  switch (kind) {
    case 'right':
      return problem.prompt + problem.canonicalSolution;
    case 'name-error':
      return `${problem.prompt}    return helper_that_was_never_written()\n`;
    case 'syntax-error':
      return `${problem.prompt}    return [item for item in\n`;
    case 'wrong':
      return `${problem.prompt}    return None\n`;
    default: {
      const never: never = kind;
      throw new Error(`Unknown reply kind ${String(never)}`);
    }
  }
}

/**
 * The reply around the code. `runMs` > 0 makes the program spin that long before defining the
 * function, for benches where executions must take real time (the verdict does not change).
 */
export function replyText(problem: Problem, kind: FirstReply, runMs = 0): string {
  const spin = runMs > 0 ? `import time as _time\n_until = _time.perf_counter() + ${runMs / 1000}\nwhile _time.perf_counter() < _until:\n    pass\n` : '';
  return `Here is the function.\n\n\`\`\`python\n${spin}${replyCode(problem, kind)}\`\`\`\n`;
}

/** The section of a refiner's message that reports the execution, as messages.ts writes it. */
const FEEDBACK_HEADING = 'What happened when the tests ran:';

export interface ScriptedReplyOptions {
  /** First-token delay of the slow problems' replies (default 1500 ms). */
  slowFirstTokenMs?: number;
  /** Every reply's program spends this long running before its tests (default 0). */
  runMs?: number;
  /** Called with each reply, e.g. to add up scripted generation time. */
  onReply?: (reply: { problemId: string; role: 'generator' | 'refiner'; text: string; firstTokenDelayMs: number }) => void;
}

/**
 * The fake server's `reply` option for `script` over `problems`. The problem is recognised by
 * its prompt in the user message (the generator gets the raw prompt; the refiner gets it under
 * "Task:"); a message that matches no scripted problem, or several, is a bug in the test and
 * fails the request loudly.
 */
export function scriptedReply(
  problems: readonly Problem[],
  script: Readonly<Record<string, ProblemScript>> = SCRIPT,
  options: ScriptedReplyOptions = {},
): (request: FakeChatRequest) => ChatBehaviour {
  const scripted = problems.filter((p) => p.id in script);
  const missing = Object.keys(script).filter((id) => !scripted.some((p) => p.id === id));
  if (missing.length > 0) throw new Error(`The scripted study needs problems that were not given: ${missing.join(', ')}.`);
  return (request) => {
    const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
    const matches = scripted.filter((p) => user.includes(p.prompt));
    const [problem] = matches;
    if (matches.length !== 1 || !problem) {
      return { kind: 'status', status: 500, message: `scripted study: the message matches ${matches.length} scripted problems` };
    }
    const plan = script[problem.id] as ProblemScript;
    const feedbackAt = user.indexOf(FEEDBACK_HEADING);
    const role = feedbackAt >= 0 ? 'refiner' : 'generator';
    const sawError = feedbackAt >= 0 && /\b(NameError|SyntaxError)\b/.test(user.slice(feedbackAt));
    const kind: FirstReply = role === 'refiner' && plan.refinerFixes && sawError ? 'right' : plan.first;
    const text = replyText(problem, kind, options.runMs ?? 0);
    const firstTokenDelayMs = plan.slow ? (options.slowFirstTokenMs ?? 1500) : 0;
    options.onReply?.({ problemId: problem.id, role, text, firstTokenDelayMs });
    return { kind: 'reply', text, firstTokenDelayMs };
  };
}

export interface ScriptedServerOptions extends ScriptedReplyOptions {
  /** Streaming rate of every reply (default 2000 tokens/s: fast, but still streamed). */
  tokensPerSecond?: number;
  script?: Readonly<Record<string, ProblemScript>>;
  /** Answer Ollama's native /api/ps and /api/show too (see fake-openai-server.ts). */
  ollama?: FakeServerOptions['ollama'];
  /** Answer only requests that send this key (401 otherwise). */
  apiKey?: string;
}

/** How fast the scripted server answers: its streaming rate and the first-token delay of the slow problems. */
export interface ScriptedPace {
  tokensPerSecond: number;
  slowFirstTokenMs: number;
}

/**
 * A pace for the part of a test that only waits for a run to end: a reply takes a few
 * milliseconds, and the slow problems still start later than the others, so units still finish
 * out of order. Tests pace the server slowly only while they need a run caught in the middle.
 */
export const FAST_PACE: Readonly<ScriptedPace> = { tokensPerSecond: 5000, slowFirstTokenMs: 200 };

export interface ScriptedServer extends FakeOpenAIServer {
  /** The pace of replies that start from now on (replies already streaming keep theirs). */
  pace(change: Partial<ScriptedPace>): void;
  /** Back to the pace the server was started with. */
  resetPace(): void;
}

/** The fake endpoint answering the scripted study; it serves `SCRIPTED_MODEL` and the arms' key. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const problems = await loadTestProblems('humaneval');
  const initial: ScriptedPace = { tokensPerSecond: options.tokensPerSecond ?? 2000, slowFirstTokenMs: options.slowFirstTokenMs ?? 1500 };
  let pace = { ...initial };
  // scriptedReply reads slowFirstTokenMs per request, so a getter makes a change of pace apply to the next reply.
  const answer = scriptedReply(problems, options.script ?? SCRIPT, {
    ...options,
    get slowFirstTokenMs() {
      return pace.slowFirstTokenMs;
    },
  });
  const server = await startFakeOpenAIServer({
    reply: (request) => {
      const behaviour = answer(request);
      return behaviour.kind === 'reply' ? { ...behaviour, tokensPerSecond: pace.tokensPerSecond } : behaviour;
    },
    tokensPerSecond: initial.tokensPerSecond,
    models: [SCRIPTED_MODEL, 'llama3.2:3b'],
    ...(options.ollama ? { ollama: options.ollama } : {}),
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
  });
  return Object.assign(server, {
    pace(change: Partial<ScriptedPace>) {
      pace = { ...pace, ...change };
    },
    resetPace() {
      pace = { ...initial };
    },
  });
}

/** The study as a draft file for `feedback-lab run --study` (see cli/run/study-draft-file.ts). */
export function scriptedStudyFile(repeats: number, mode: 'study' | 'standard' = 'study'): Record<string, unknown> {
  return {
    name: 'Scripted solo vs self-refine',
    benchmark: 'humaneval',
    selection: { kind: 'ids', ids: [...SCRIPTED_PROBLEM_IDS] },
    arms: SCRIPTED_ARMS.map((p) => p.id),
    repeats,
    mode,
  };
}

/**
 * The same study as link parameters (without `?`), bound to `endpoint` with every key served as
 * `SCRIPTED_MODEL`: for the app (`/?<params>`) and for `feedback-lab run --study '?<params>'`.
 */
export async function scriptedStudyLink(endpoint: string, repeats: number, options: { autorun?: boolean } = {}): Promise<string> {
  return encodeStudyLink({
    name: 'Scripted solo vs self-refine',
    benchmark: 'humaneval',
    selection: { kind: 'ids', ids: [...SCRIPTED_PROBLEM_IDS] },
    arms: SCRIPTED_ARMS.map((pipeline) => ({ id: pipeline.id, label: pipeline.name, pipeline, forcedIterations: false })),
    repeats,
    mode: 'study',
    engine: 'openai',
    endpoint,
    modelNames: { 'llama3.2:3b': SCRIPTED_MODEL },
    autorun: options.autorun ?? false,
  });
}

/** Tokens the fake server streams for a reply text (its own token splitter). */
export function replyTokens(text: string): number {
  return splitIntoTokens(text).length;
}
