/**
 * The seams between the experiment logic (`core/`) and the world. Core depends only on these
 * interfaces; `sandbox/`, `llm/` and `store/` implement them.
 */
import type { RunResult } from './harness/outcome.ts';
import type { Step } from './pipeline/trajectory.ts';
import type { CutShortRecord, StoredSearchRecord, ValidationRequest } from './search/search-record.ts';
import type { SearchSetup } from './search/search-setup.ts';
import type { SearchState } from './search/search-state.ts';
import type { StudyConfig } from './study/config.ts';
import type { FinishedUnit } from './study/unit-record.ts';

export interface SandboxLimits {
  /** Wall-clock limit for one program. */
  timeoutMs: number;
  /** stdout/stderr beyond this many characters are dropped and the run fails with OutputLimit. */
  maxOutputChars: number;
}

/**
 * How a program is started, after the harness it stands for:
 * - `script`: as `python program.py` with nothing on its standard input (the study's harness ran a
 *   subprocess): `__name__ == '__main__'`, so a main guard's block runs; `input()` raises EOFError.
 * - `exec`: as openai/human-eval's `check_correctness` does, `exec(program, {})` with a standard
 *   input that cannot be read: `__name__` is `'builtins'`, so a main guard's block never runs, and
 *   reading standard input raises OSError.
 */
export type RunAs = 'script' | 'exec';

/**
 * How a caller runs one program through `Sandbox.run`, and what it may hear before the run ends: a
 * pool with fewer workers than programs in flight queues them, and that wait is the machine's, not
 * the program's (the study's runner gave each program its own subprocess). Both callbacks are
 * optional to give and to call: a sandbox that never waits may call neither, and a caller that
 * hears nothing times the whole call.
 */
export interface SandboxRunCall {
  /** `script` when absent (harness/run-as.ts gives each harness mode its own). */
  runAs?: RunAs;
  /** The program waits for a free worker. Called at most once, before `onStart`. */
  onQueued?: () => void;
  /** A worker begins running the program. Called at most once, before `run` resolves. */
  onStart?: () => void;
}

export interface Sandbox {
  /**
   * Runs one program in a clean interpreter. Resolves for anything the program does (passes,
   * raises, exits, hangs, floods, kills its interpreter); rejects only when the sandbox itself
   * is broken (Pyodide cannot load at all). One program never sees another's state. A wrapper
   * passes `call` on to the sandbox it wraps, or its callers charge the queue to the program.
   */
  run(program: string, limits: SandboxLimits, call?: SandboxRunCall): Promise<RunResult>;
  /** Frees workers. Runs in flight resolve as `crashed` / `worker-lost`. */
  close(): Promise<void>;
}

/** One chat message. The study sends exactly two: the node's role prompt and one user message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface SamplingOptions {
  temperature: number;
  top_p?: number;
  max_tokens: number;
  /** Honoured where the engine supports it; the study used none. */
  seed?: number;
  stop?: string[];
}

/** Usage reported at the end of every reply, measured by the engine adapter. */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** Milliseconds from the request to the first streamed token (the whole call when not streaming). */
  timeToFirstTokenMs: number;
  /** Completion tokens per second after the first token. */
  decodeTokensPerSecond: number;
  totalMs: number;
  /**
   * True when the engine reported no token counts and the adapter estimated them (for an
   * OpenAI-compatible server that ignores `stream_options.include_usage`: one token per streamed
   * text or reasoning delta, and 0 prompt tokens). Absent when the counts are the engine's own.
   */
  tokensEstimated?: boolean;
  /**
   * How many of `completionTokens` were reasoning that the server sent apart from the reply
   * (`reasoning_content` from a reasoning parser): the reasoning is not kept, `text` does not hold
   * it, and timings count it as generation. The server's count when it gives one, else one per
   * streamed reasoning delta. Absent when there was none.
   */
  reasoningTokens?: number;
}

export interface ChatReply {
  text: string;
  usage: ChatUsage;
  /**
   * Why generation stopped, as the engine says it (`stop`, `length`, `abort`…), or `unknown`
   * when an endpoint ended the reply without saying.
   */
  finishReason: string;
}

/** Where a request comes from inside a pipeline: lets the replay engine find the recorded reply. */
export interface ChatContext {
  problemId: string;
  /** Node id within the pipeline (`generator`, `refiner-1`…). */
  nodeId: string;
  /** 0 for the first call of that node on that problem, then 1, 2… */
  iteration: number;
  /** Repeat index of the study arm, when replaying one of several repeats. */
  repeat?: number;
}

/** A chat call as `LanguageModel.chat` will receive it: the messages and the sampling options. */
export interface ModelRequest {
  messages: ChatMessage[];
  options: SamplingOptions;
}

export interface LanguageModel {
  /** Stable id recorded in results, e.g. `webllm:Llama-3.2-3B-Instruct-q4f16_1-MLC`. */
  readonly id: string;
  /**
   * One stateless chat completion: no history survives between calls. `onToken` receives each
   * streamed text delta. Rejects with an Error whose message is a plain explanation on engine or
   * network failure, and with an AbortError when `signal` aborts.
   *
   * `onAnswering` hears that the model has begun to answer: its first reasoning (a thinking
   * model's `reasoning_content`), or its first text, whichever comes first; response headers and
   * keep-alive comments are not an answer. Calling it is optional, and the first `onToken` says
   * the same. The per-problem time cap does not end a call before either (a server that never
   * answers is broken, not slow: core/pipeline/step-runner.ts), so a call must end by itself when
   * no answer begins for long (the endpoint's first-token limit, WebLLM's first-chunk limit).
   *
   * `onReasoning` hears each piece of reasoning a server streams apart from the reply: the
   * model is at work though no text comes yet (a thinking model can reason for minutes).
   */
  chat(
    messages: ChatMessage[],
    options: SamplingOptions,
    call?: { signal?: AbortSignal; onToken?: (delta: string) => void; onAnswering?: () => void; onReasoning?: () => void; context?: ChatContext },
  ): Promise<ChatReply>;
  /**
   * Optional: gets the model ready to answer (downloads its weights on first use, loads or swaps
   * it onto the GPU). The pipeline interpreter awaits it before a call's clock and the problem's
   * time cap start, so a download or a swap is not charged to the problem that happened to need
   * it (the study's cap timed pipelines whose models were already on its machine). `chat` must
   * work without it. Rejects like `chat`. `request` is the call about to be made, when known, so a
   * wrapper that may answer it without the model (the search's call cache) can skip the load.
   */
  prepare?(signal?: AbortSignal, request?: ModelRequest): Promise<void>;
}

/**
 * Lifecycle of a study as the store records it, so a reloaded page knows what it finds. `failed`:
 * stopped by an error (an endpoint gone, a broken sandbox or store), not by the user; stored
 * studies from before it was added say `cancelled` for both.
 */
export type StudyStatus = 'running' | 'paused' | 'cancelled' | 'failed' | 'done';

/** One persisted step and the unit (`arm/repeat/problemId`) it belongs to. */
export interface StoredStep {
  unitId: string;
  step: Step;
}

/** Everything the store holds about one study: enough to resume it or to write its result file. */
export interface StoredStudy {
  config: StudyConfig;
  status: StudyStatus;
  /** Every step written, grouped by unit and in index order within a unit. */
  steps: StoredStep[];
  /** Every unit marked finished (or errored). */
  finished: FinishedUnit[];
}

/**
 * Where a running study writes as it goes, so a reload or a crash loses at most the steps in
 * flight. Implemented in memory (core/study/memory-store.ts) and over IndexedDB (store/).
 *
 * Contract:
 * - Every method resolves once the write is durable (for IndexedDB: the transaction completed);
 *   the runner awaits a step's write before it marks the unit finished.
 * - `appendStep` is idempotent by (studyId, unitId, step.index): writing a step whose index is
 *   already stored keeps the stored one and resolves, so a replayed write is never doubled.
 * - `finishUnit` stores or replaces the unit's record (a retried errored unit may finish later).
 * - `dropStepsFrom` removes a unit's steps from an index on, with the unit's errored record if it
 *   has one (its step count would no longer hold), in one durable write. It rejects, changing
 *   nothing, for a unit with a finished record: a finished unit is never changed.
 * - Writes for a study that was never `putStudy`'d reject: that is a bug in the caller.
 */
export interface StudyStore {
  /**
   * Stores a new study with status `running`. For an id already stored it resolves without
   * change when the configs are equal (resuming), and rejects when they differ.
   */
  putStudy(config: StudyConfig): Promise<void>;
  appendStep(studyId: string, unitId: string, step: Step): Promise<void>;
  finishUnit(studyId: string, unit: FinishedUnit): Promise<void>;
  /**
   * For a unit whose recorded steps no longer fit the pipeline from `fromIndex` on (the app was
   * updated since they were recorded): the runner keeps the steps before and runs live from there.
   */
  dropStepsFrom(studyId: string, unitId: string, fromIndex: number): Promise<void>;
  setStatus(studyId: string, status: StudyStatus): Promise<void>;
  /** The whole study, or null when there is none with this id. */
  loadStudy(studyId: string): Promise<StoredStudy | null>;
}

/** Lifecycle of a search run as the store records it (the same words as a study's). */
export type SearchStatus = StudyStatus;

/** Everything the store holds about one search run: enough to resume it or to export it. */
export interface StoredSearch {
  setup: SearchSetup;
  status: SearchStatus;
  /** The latest state snapshot; null until the runner wrote the first one. */
  state: SearchState | null;
  /** Every finished evaluation, of every generation and of validation. */
  evaluations: StoredSearchRecord[];
  /** The last champion re-validation asked for, if any. */
  validation: ValidationRequest | null;
}

/**
 * Where a running search writes as it goes. Implemented in memory (core/search/memory-search-store.ts)
 * and over IndexedDB (store/search-store.ts).
 *
 * Contract:
 * - Every method resolves once the write is durable; the runner awaits an evaluation's write
 *   before it counts the evaluation, so a reload never runs a finished evaluation again.
 * - `putEvaluation` is idempotent by (searchId, record.key): a key already stored keeps the
 *   stored record.
 * - `saveState` replaces the snapshot; the runner writes one whenever a generation advances.
 * - Writes for a search that was never `putSearch`'d reject: that is a bug in the caller.
 */
export interface SearchStore {
  /**
   * Stores a new search (status `running`, no snapshot yet). For an id already stored it
   * resolves without change when the setups are equal (resuming), and rejects when they differ.
   */
  putSearch(setup: SearchSetup): Promise<void>;
  saveState(searchId: string, state: SearchState): Promise<void>;
  putEvaluation(searchId: string, record: StoredSearchRecord): Promise<void>;
  /**
   * What an evaluation still running has spent so far, under the key its cut-short record would
   * have (`cut<n>|<evaluation>`), replacing what was stored under that key before; `clearSpendSoFar`
   * forgets it once the evaluation's own record is stored. A tab that closes mid-evaluation leaves
   * it behind, and `loadSearch` returns it among the evaluations as a cut-short record marked
   * `interrupted` unless a record of that key, or a verdict of that evaluation, is stored
   * (`interruptedSpends`). Optional: a store without them loses what such an evaluation spent.
   */
  putSpendSoFar?(searchId: string, record: CutShortRecord): Promise<void>;
  clearSpendSoFar?(searchId: string, key: string): Promise<void>;
  setStatus(searchId: string, status: SearchStatus): Promise<void>;
  setValidation(searchId: string, request: ValidationRequest): Promise<void>;
  /** The whole search, or null when there is none with this id. */
  loadSearch(searchId: string): Promise<StoredSearch | null>;
}

/**
 * Replies of deterministic model calls (temperature 0), by a digest of the exact request (see
 * core/search/call-cache.ts). A cache is an optimisation: `get` may miss at any time, and a
 * failed `put` loses nothing but time.
 */
export interface CallCache {
  get(digest: string): Promise<ChatReply | undefined>;
  /** A digest stored twice keeps the first reply. */
  put(digest: string, reply: ChatReply): Promise<void>;
}
