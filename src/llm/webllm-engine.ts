/**
 * Page side of the WebLLM worker. The worker runs WebLLM's own `WebWorkerMLCEngineHandler`;
 * this host speaks that handler's message protocol (WebLLM's exported `WorkerRequest` /
 * `WorkerResponse` types, imported as types only). WebLLM's page-side client
 * (`CreateWebWorkerMLCEngine`) cannot be imported without bundling all of WebLLM a second time
 * (measured 6.03 MB for that import alone), so the few messages used here are sent by hand.
 *
 * Every request is stateless: `resetChat` goes before each one, so no history or KV cache
 * carries over from the previous call (the study sent two messages and nothing else).
 * Requests run one at a time; a load can be cancelled by terminating the worker. A load or a
 * generation that goes silent for too long is given up (webllm-stall.ts,
 * webllm-generation-stall.ts), ending the worker when it no longer answers. A load WebLLM starts
 * inside a chat request is held to the load's limits, not the generation's. A worker that
 * reports its GPU device lost is ended, so the next call loads the model into a fresh one.
 */
import type {
  AppConfig,
  ChatCompletionChunk,
  ChatOptions,
  ChatCompletionRequestStreaming,
  CompletionUsage,
  InitProgressReport,
  WorkerRequest,
  WorkerResponse,
} from '@mlc-ai/web-llm';
import type { ChatContext, ChatMessage, ChatReply, SamplingOptions } from '../core/ports.ts';
import { abortError, throwIfAborted } from '../core/llm/abort.ts';
import { measureUsage } from '../core/llm/usage.ts';
import { explainWebLLMError, WebLLMEngineError } from './webllm-errors.ts';
import { LoadMeter, type LoadPhase, type LoadProgress } from './webllm-progress.ts';
import {
  DEFAULT_GENERATION_STALL_LIMITS,
  generationStalledError,
  type GenerationStage,
  type GenerationStallLimits,
} from './webllm-generation-stall.ts';
import { DEFAULT_LOAD_STALL_LIMITS, loadStalledError, stallLimitMs, type LoadStallLimits } from './webllm-stall.ts';

/** The worker as the host sees it; tests pass a fake. */
export interface EngineWorker {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  /** Called once, right after creation. `onError` gets the browser's message for a dead worker. */
  listen(onMessage: (data: unknown) => void, onError: (message: string) => void): void;
}
export type EngineWorkerFactory = () => EngineWorker;

/** The real module worker. Vite bundles `webllm-worker.ts` (and WebLLM) into its own chunk. */
export function createModuleWorker(): EngineWorker {
  const worker = new Worker(new URL('./webllm-worker.ts', import.meta.url), { type: 'module', name: 'webllm' });
  return {
    postMessage: (message) => worker.postMessage(message),
    terminate: () => worker.terminate(),
    listen(onMessage, onError) {
      worker.onmessage = (event: MessageEvent) => onMessage(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        onError(`The model worker failed: ${event.message || 'it could not be started'}`);
      };
      worker.onmessageerror = () => onError('The model worker stopped: a message could not be read');
    },
  };
}

export interface LoadResult {
  modelIds: string[];
  ms: number;
}

export interface ChatCall {
  signal?: AbortSignal;
  onToken?: (delta: string) => void;
  context?: ChatContext;
  /** Progress of a load the worker starts on its own inside this call (see `#stream`). */
  onLoadProgress?: (progress: LoadProgress) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type RequestKind = WorkerRequest['kind'];
type RequestContent = WorkerRequest['content'];

export interface EngineHostOptions {
  createWorker: EngineWorkerFactory;
  appConfig: AppConfig;
  now?: () => number;
  newId?: () => string;
  /**
   * How long a load may go without any progress report before it is given up, by phase. Not a
   * total time: a 2 GB download may take an hour and is fine while it moves.
   */
  stallLimitsMs?: LoadStallLimits;
  /** How long a generation may stay silent (see webllm-generation-stall.ts). */
  generationLimitsMs?: GenerationStallLimits;
}

export class WebLLMEngineHost {
  readonly #createWorker: EngineWorkerFactory;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #stallLimits: LoadStallLimits;
  readonly #generationLimits: GenerationStallLimits;
  #appConfig: AppConfig;
  #worker: EngineWorker | undefined;
  #pending = new Map<string, Pending>();
  #onProgress: ((report: InitProgressReport) => void) | undefined;
  #loaded: string[] = [];
  /** The context the loaded models were given; undefined: each build's own (its record's overrides). */
  #loadedContext: number | undefined;
  /** Serialises engine work: WebLLM answers one request per model at a time anyway. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EngineHostOptions) {
    this.#createWorker = options.createWorker;
    this.#appConfig = options.appConfig;
    this.#now = options.now ?? (() => performance.now());
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#stallLimits = options.stallLimitsMs ?? DEFAULT_LOAD_STALL_LIMITS;
    this.#generationLimits = options.generationLimitsMs ?? DEFAULT_GENERATION_STALL_LIMITS;
  }

  /** Models the engine holds now, in load order. */
  get loadedModelIds(): readonly string[] {
    return this.#loaded;
  }

  /** The context window the loaded models were loaded with; undefined: each build's own. */
  get loadedContextWindowTokens(): number | undefined {
    return this.#loaded.length > 0 ? this.#loadedContext : undefined;
  }

  /** Where model files come from; takes effect at the next load. */
  setAppConfig(appConfig: AppConfig): void {
    this.#appConfig = appConfig;
    this.#worker?.postMessage({ kind: 'setAppConfig', uuid: this.#newId(), content: appConfig });
  }

  /**
   * Downloads (first time) and loads `modelIds` onto the GPU, replacing whatever was loaded.
   * Several ids stay resident together (WebLLM's `reload([a, b])`). `contextWindowTokens` replaces
   * each build's own context (its KV cache is sized by it); undefined keeps the build's.
   */
  load(modelIds: readonly string[], onProgress?: (progress: LoadProgress) => void, contextWindowTokens?: number): Promise<LoadResult> {
    return this.#exclusive(async () => {
      const meter = new LoadMeter(this.#now);
      const started = this.#now();
      this.#loaded = [];
      const chatOpts = contextOptions(modelIds, contextWindowTokens);
      const request = this.#request('reload', { modelId: [...modelIds], ...(chatOpts ? { chatOpts } : {}) });
      // Armed after the request, which starts the worker: a stall ends this load's worker only.
      const worker = this.#worker;
      let stallTimer: ReturnType<typeof setTimeout> | undefined;
      const armStallLimit = (phase: LoadPhase) => {
        clearTimeout(stallTimer);
        const limitMs = stallLimitMs(phase, this.#stallLimits);
        stallTimer = setTimeout(() => {
          if (this.#worker === worker) this.#stopWorker(loadStalledError(phase, limitMs, modelIds));
        }, limitMs);
      };
      this.#onProgress = (report) => {
        const progress = meter.update(report);
        armStallLimit(progress.phase);
        onProgress?.(progress);
      };
      armStallLimit('starting');
      try {
        await request;
      } catch (error) {
        // WebLLM fetches shards in four loops, and its reload rejects at the first that fails while
        // the other three go on downloading (gigabytes, on a large model) with no bar and no Cancel.
        // A failed load leaves no model loaded anyway: ending its worker stops them.
        if (this.#worker === worker) this.#stopWorker(error instanceof Error ? error : new WebLLMEngineError(explainWebLLMError(error)));
        throw error;
      } finally {
        clearTimeout(stallTimer);
        this.#onProgress = undefined;
      }
      this.#loaded = [...modelIds];
      this.#loadedContext = contextWindowTokens;
      return { modelIds: [...modelIds], ms: this.#now() - started };
    });
  }

  /** Stops a download or load at once by ending the worker; cached files stay. */
  cancel(): void {
    this.#stopWorker(abortError());
  }

  async unload(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#worker) await this.#request('unload', null);
      this.#loaded = [];
    });
  }

  dispose(): void {
    this.#stopWorker(new WebLLMEngineError(explainWebLLMError('The model worker stopped: the engine was closed')));
  }

  /**
   * One stateless streamed completion on a loaded model. Rejects at once with an AbortError when
   * `signal` aborts; the engine is interrupted and the stream closed before the next request runs
   * (or, when the engine does not stop, its worker ended). Rejects with a `generation-stalled`
   * error when the worker stays silent longer than the limits allow.
   */
  chat(modelId: string, messages: ChatMessage[], options: SamplingOptions, call: ChatCall = {}): Promise<ChatReply> {
    const { signal } = call;
    throwIfAborted(signal);
    return untilAborted(
      this.#exclusive(() => this.#stream(modelId, messages, options, call)),
      signal,
    );
  }

  async #stream(modelId: string, messages: ChatMessage[], options: SamplingOptions, call: ChatCall): Promise<ChatReply> {
    throwIfAborted(call.signal);
    if (!this.#loaded.includes(modelId)) {
      throw new WebLLMEngineError(explainWebLLMError(`ModelNotLoaded: ${modelId} is not loaded; load it before chatting.`));
    }
    /*
     * WebLLM's worker loads the models again by itself, inside a chat request, when it finds
     * other models than the request names (`reloadIfUnmatched`: after its engine lost them). That
     * load reports progress like any other; while it does, the request is held to the load's
     * limits (silence between reports, by phase), and the first-chunk limit starts only once the
     * model is loaded, so a download of minutes is not cut as a silent prompt.
     */
    const meter = new LoadMeter(this.#now);
    let reloading: { phase: LoadPhase; limitMs: number } | undefined;
    let restartLimit: ((ms: number) => void) | undefined;
    const onProgress = (report: InitProgressReport): void => {
      const progress = meter.update(report);
      const limitMs = stallLimitMs(progress.phase, this.#stallLimits);
      reloading = { phase: progress.phase, limitMs };
      restartLimit?.(limitMs);
      call.onLoadProgress?.(progress);
    };
    this.#onProgress = onProgress;
    try {
      return await this.#generate(modelId, messages, options, call, {
        armed: (restart) => (restartLimit = restart),
        takeReload: () => {
          const reload = reloading;
          reloading = undefined;
          restartLimit = undefined;
          return reload;
        },
      });
    } finally {
      if (this.#onProgress === onProgress) this.#onProgress = undefined;
    }
  }

  async #generate(
    modelId: string,
    messages: ChatMessage[],
    options: SamplingOptions,
    call: ChatCall,
    reload: {
      /** Hands over the way to restart the limit of the request being waited for. */
      armed: (restart: (ms: number) => void) => void;
      /** The load the worker began during the request just waited for, if any; forgets it. */
      takeReload: () => { phase: LoadPhase; limitMs: number } | undefined;
    },
  ): Promise<ChatReply> {
    const { signal, onToken } = call;
    const limits = this.#generationLimits;
    const startedMs = this.#now();
    // Every message of this call goes to this worker or nobody: after a cancel, a fresh worker
    // has no such stream and would only be started for nothing.
    const worker = this.#ensureWorker();
    let stage: GenerationStage = 'prompt';
    /** Why the engine was told to stop: the caller gave up, or the worker stayed silent too long. */
    let stopping: 'aborted' | 'silent' | undefined;
    let interruptAnswered = false;
    /** Where the generation was, and which limit ran out, when it went silent. */
    let silence: { stage: GenerationStage; limitMs: number } = { stage, limitMs: 0 };
    /** The error the worker was ended with, once this call has ended it. */
    let ended: Error | undefined;
    /**
     * The worker's answer to one request, waited for as long as the generation may stay silent.
     * When that runs out or the caller aborts, the engine is told to stop and gets `stopGrace` to
     * answer after all; a worker that lets that pass too is ended, which frees this host's queue
     * (a hung generation also holds WebLLM's own lock on the model, so nothing after it could run).
     */
    const answer = async (kind: RequestKind, content: RequestContent): Promise<unknown> => {
      const pending = this.#request(kind, content, worker);
      if (stopping === undefined) {
        const limitMs = stage === 'prompt' ? limits.firstChunk : limits.betweenChunks;
        let first: Settled<unknown>;
        let loading: ReturnType<typeof reload.takeReload>;
        try {
          first = await settleWithin(pending, limitMs, signal, reload.armed);
        } finally {
          loading = reload.takeReload();
        }
        if (first.settled) return first.value;
        if (!first.aborted && loading) {
          // The load stalled, not the generation: ended as a stalled load is, since the engine cannot stop one.
          const error = loadStalledError(loading.phase, loading.limitMs, this.#loaded);
          ended = error;
          if (this.#worker === worker) this.#stopWorker(error);
          pending.catch(() => undefined);
          throw error;
        }
        stopping = first.aborted ? 'aborted' : 'silent';
        this.#request('interruptGenerate', null, worker).then(
          () => (interruptAnswered = true),
          () => undefined,
        );
        if (stopping === 'silent') silence = { stage, limitMs };
      }
      const late = await settleWithin(pending, limits.stopGrace, undefined);
      if (late.settled) return late.value;
      const reason =
        stopping === 'aborted'
          ? abortError()
          : generationStalledError(silence.stage, silence.limitMs, interruptAnswered ? 'gpu-stuck' : 'worker-silent', modelId);
      ended = reason;
      if (this.#worker === worker) this.#stopWorker(reason);
      pending.catch(() => undefined);
      throw reason;
    };

    await answer('resetChat', { keepStats: false, modelId });
    const streamId = this.#newId();
    let text = '';
    let finishReason = 'stop';
    let usage: CompletionUsage | undefined;
    let firstTokenMs: number | undefined;
    let streamOpen = false;
    let finished = false;
    if (stopping === undefined) {
      // The chat options go along so that a worker reloading the models on its own keeps the context.
      const chatOpts = contextOptions(this.#loaded, this.#loadedContext);
      await answer('chatCompletionStreamInit', {
        request: toRequest(modelId, messages, options),
        selectedModelId: modelId,
        streamId,
        modelId: [...this.#loaded],
        ...(chatOpts ? { chatOpts } : {}),
      });
      streamOpen = true;
    }
    while (stopping === undefined) {
      const chunk = (await answer('completionStreamNextChunk', { streamId })) as ChatCompletionChunk | null | undefined;
      if (!chunk || typeof chunk !== 'object') {
        finished = true;
        break;
      }
      // The prompt has been read once anything comes back: from now on the gap between chunks counts.
      stage = 'reply';
      const choice = chunk.choices[0];
      const delta = choice?.delta.content;
      if (delta) {
        firstTokenMs ??= this.#now();
        text += delta;
        onToken?.(delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    // Closes the stream in the worker, so its generator does not outlive the call.
    if (streamOpen && !finished) {
      await answer('completionStreamReturn', { streamId }).catch((error: unknown) => {
        // The worker's own complaint about a stream it has already let go changes nothing.
        if (error === ended) throw error;
      });
    }
    if (stopping === 'aborted') throw abortError();
    if (stopping === 'silent') throw generationStalledError(silence.stage, silence.limitMs, 'stopped', modelId);
    const measured = measureUsage(
      { startedMs, firstTokenMs, endedMs: this.#now() },
      { promptTokens: usage?.prompt_tokens ?? 0, completionTokens: usage?.completion_tokens ?? 0 },
    );
    // WebLLM times decoding inside the worker, free of message overhead: prefer its figure.
    const engineRate = usage?.extra.decode_tokens_per_s;
    if (engineRate !== undefined && Number.isFinite(engineRate) && engineRate > 0) measured.decodeTokensPerSecond = engineRate;
    if (!usage) measured.tokensEstimated = true;
    return { text, usage: measured, finishReason };
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task, task);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #ensureWorker(): EngineWorker {
    if (this.#worker) return this.#worker;
    const worker = this.#createWorker();
    this.#worker = worker;
    worker.listen(
      (data) => this.#receive(worker, data),
      (message) => {
        if (this.#worker === worker) this.#stopWorker(new WebLLMEngineError(explainWebLLMError(message)));
      },
    );
    worker.postMessage({ kind: 'setAppConfig', uuid: this.#newId(), content: this.#appConfig });
    return worker;
  }

  #receive(worker: EngineWorker, data: unknown): void {
    if (worker !== this.#worker || !data || typeof data !== 'object') return;
    const message = data as WorkerResponse;
    if (message.kind === 'initProgressCallback') {
      this.#onProgress?.(message.content);
      return;
    }
    if (message.kind !== 'return' && message.kind !== 'throw') return;
    const pending = this.#pending.get(message.uuid);
    if (!pending) return;
    this.#pending.delete(message.uuid);
    if (message.kind === 'return') {
      pending.resolve(message.content);
      return;
    }
    const error = new WebLLMEngineError(explainWebLLMError(message.content));
    pending.reject(error);
    // A lost GPU device: WebLLM has unloaded its models, yet its worker would go on naming them
    // loaded and fail every request. Ending the worker forgets them, so the next call loads afresh.
    if (error.explained.kind === 'out-of-memory') this.#stopWorker(error);
  }

  #request(kind: RequestKind, content: RequestContent, worker = this.#ensureWorker()): Promise<unknown> {
    if (worker !== this.#worker) return Promise.reject(abortError());
    const uuid = this.#newId();
    return new Promise((resolve, reject) => {
      this.#pending.set(uuid, { resolve, reject });
      worker.postMessage({ kind, uuid, content } as WorkerRequest);
    });
  }

  #stopWorker(reason: Error): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#loaded = [];
    this.#onProgress = undefined;
    worker?.terminate();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) entry.reject(reason);
  }
}

/** Settles like `work`, except that it rejects with an AbortError as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

type Settled<T> = { settled: true; value: T } | { settled: false; aborted: boolean };

/**
 * Whether `work` settles within `ms` (and before `signal` aborts). A rejection passes through;
 * `work` keeps running either way, so it can be waited for again.
 */
function settleWithin<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
  /** Receives a function that starts the wait over with another limit. */
  armed?: (restart: (ms: number) => void) => void,
): Promise<Settled<T>> {
  return new Promise<Settled<T>>((resolve, reject) => {
    if (signal?.aborted) {
      resolve({ settled: false, aborted: true });
      return;
    }
    let finished = false;
    const done = () => {
      finished = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      resolve({ settled: false, aborted: true });
    };
    const expire = () => {
      done();
      resolve({ settled: false, aborted: false });
    };
    let timer = setTimeout(expire, ms);
    armed?.((next) => {
      if (finished) return;
      clearTimeout(timer);
      timer = setTimeout(expire, next);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve({ settled: true, value });
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

/** WebLLM's per-model chat options that set the context window, or none to keep each build's. */
function contextOptions(modelIds: readonly string[], contextWindowTokens: number | undefined): ChatOptions[] | undefined {
  if (contextWindowTokens === undefined) return undefined;
  return modelIds.map(() => ({ context_window_size: contextWindowTokens }));
}

function toRequest(modelId: string, messages: ChatMessage[], options: SamplingOptions): ChatCompletionRequestStreaming {
  const request: ChatCompletionRequestStreaming = {
    model: modelId,
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
    stream: true,
    stream_options: { include_usage: true },
    temperature: options.temperature,
    max_tokens: options.max_tokens,
  };
  if (options.top_p !== undefined) request.top_p = options.top_p;
  if (options.seed !== undefined) request.seed = options.seed;
  if (options.stop !== undefined) request.stop = options.stop;
  return request;
}
