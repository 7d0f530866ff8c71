import type { WorkerRequest } from '@mlc-ai/web-llm';
import { WebLLMEngineHost, type EngineWorker } from '../../../src/llm/webllm-engine.ts';
import type { LoadStallLimits } from '../../../src/llm/webllm-stall.ts';
import type { GenerationStallLimits } from '../../../src/llm/webllm-generation-stall.ts';

/**
 * Plays WebLLM's `WebWorkerMLCEngineHandler` on the other side of the message channel: answers
 * `return` / `throw` by uuid, posts `initProgressCallback` reports during a reload, and streams a
 * scripted reply chunk by chunk, stopping early after `interruptGenerate`.
 */
export class FakeHandlerWorker implements EngineWorker {
  sent: WorkerRequest[] = [];
  terminated = false;
  reloadError: string | undefined;
  /** When set, a reload waits for `finishReload()`. */
  holdReload = false;
  /**
   * When set, the next `chatCompletionStreamInit` loads the models first, as WebLLM's
   * `reloadIfUnmatched` does when its engine lost them: it reports a start, then waits for
   * `report()`s and `finishReload()`.
   */
  reloadInChat = false;
  reply = ['def ', 'add(a, b):', '\n    return a + b'];
  /**
   * The chunk (0-based) at which the GPU hangs: its request is held. `stops` answers it with the
   * end of the reply once interrupted, as WebLLM does after its current step; `stuck` never does.
   */
  hang: { atChunk: number; onInterrupt: 'stops' | 'stuck' } | undefined;
  /** Each chunk arrives this many ms after it is asked for (a slow GPU). */
  chunkDelayMs = 0;
  /** When set, the next `chatCompletionStreamInit` fails with it (WebLLM's words for a model it dropped). */
  chatError: string | undefined;
  /** Answers nothing from now on, as a worker that died without an error event. */
  dead = false;
  #onMessage: (data: unknown) => void = () => undefined;
  #onError: (message: string) => void = () => undefined;
  #streamPosition = 0;
  #interrupted = false;
  #heldReload: string | undefined;
  #heldChunk: string | undefined;

  listen(onMessage: (data: unknown) => void, onError: (message: string) => void): void {
    this.#onMessage = onMessage;
    this.#onError = onError;
  }
  terminate(): void {
    this.terminated = true;
  }
  kinds(): string[] {
    return this.sent.map((m) => m.kind);
  }
  crash(message: string): void {
    this.#onError(message);
  }
  /** Posts one load report, as WebLLM does after each shard or batch of shaders. */
  report(text: string, progress: number): void {
    this.#post({ kind: 'initProgressCallback', uuid: '', content: { progress, timeElapsed: 0, text } });
  }
  finishReload(): void {
    if (this.#heldReload) this.#return(this.#heldReload, null);
    this.#heldReload = undefined;
  }

  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
    queueMicrotask(() => this.#handle(message));
  }

  #post(data: unknown) {
    if (!this.terminated) this.#onMessage(data);
  }
  #return(uuid: string, content: unknown) {
    this.#post({ kind: 'return', uuid, content });
  }

  #handle({ kind, uuid }: WorkerRequest): void {
    if (this.dead) return;
    switch (kind) {
      case 'setAppConfig':
        return;
      case 'reload':
        this.#post({ kind: 'initProgressCallback', uuid: '', content: { progress: 0, timeElapsed: 0, text: 'Start to fetch params' } });
        this.#post({
          kind: 'initProgressCallback',
          uuid: '',
          content: { progress: 0.25, timeElapsed: 2, text: 'Fetching param cache[10/40]: 512MB fetched. 25% completed, 2 secs elapsed.' },
        });
        if (this.reloadError) return this.#post({ kind: 'throw', uuid, content: this.reloadError });
        if (this.holdReload) {
          this.#heldReload = uuid;
          return;
        }
        return this.#return(uuid, null);
      case 'chatCompletionStreamInit':
        this.#streamPosition = 0;
        this.#interrupted = false;
        if (this.chatError) return this.#post({ kind: 'throw', uuid, content: this.chatError });
        if (this.reloadInChat) {
          this.reloadInChat = false;
          this.#post({ kind: 'initProgressCallback', uuid: '', content: { progress: 0, timeElapsed: 0, text: 'Start to fetch params' } });
          this.#heldReload = uuid;
          return;
        }
        return this.#return(uuid, null);
      case 'resetChat':
        this.#streamPosition = 0;
        this.#interrupted = false;
        return this.#return(uuid, null);
      case 'interruptGenerate':
        this.#interrupted = true;
        this.#return(uuid, null);
        if (this.#heldChunk && this.hang?.onInterrupt === 'stops') {
          const held = this.#heldChunk;
          this.#heldChunk = undefined;
          this.#return(held, this.#nextChunk());
        }
        return;
      case 'completionStreamReturn':
      case 'unload':
        return this.#return(uuid, null);
      case 'completionStreamNextChunk':
        if (this.hang && this.#streamPosition === this.hang.atChunk && !this.#interrupted) {
          this.#heldChunk = uuid;
          return;
        }
        if (this.chunkDelayMs > 0) {
          setTimeout(() => this.#return(uuid, this.#nextChunk()), this.chunkDelayMs);
          return;
        }
        return this.#return(uuid, this.#nextChunk());
      default:
        return this.#post({ kind: 'throw', uuid, content: `Error: unexpected ${kind}` });
    }
  }

  #nextChunk(): unknown {
    const at = this.#streamPosition++;
    const piece = this.#interrupted ? undefined : this.reply[at];
    if (piece !== undefined) return { choices: [{ delta: { content: piece }, finish_reason: null, index: 0 }] };
    const end = this.#interrupted ? at : this.reply.length;
    if (at === end) return { choices: [{ delta: {}, finish_reason: this.#interrupted ? 'abort' : 'stop', index: 0 }] };
    if (at === end + 1) {
      return {
        choices: [],
        usage: {
          prompt_tokens: 40,
          completion_tokens: 9,
          total_tokens: 49,
          extra: { decode_tokens_per_s: 12.5, prefill_tokens_per_s: 300, time_to_first_token_s: 0.2, e2e_latency_s: 1 },
        },
      };
    }
    return undefined;
  }
}

export function hostWith(...workers: FakeHandlerWorker[]) {
  return hostWithStallLimits(undefined, ...workers);
}

export function hostWithStallLimits(stallLimitsMs: LoadStallLimits | undefined, ...workers: FakeHandlerWorker[]) {
  return hostWithLimits({ ...(stallLimitsMs ? { stallLimitsMs } : {}) }, ...workers);
}

export function hostWithLimits(
  limits: { stallLimitsMs?: LoadStallLimits; generationLimitsMs?: GenerationStallLimits },
  ...workers: FakeHandlerWorker[]
) {
  const queue = [...workers];
  let id = 0;
  return new WebLLMEngineHost({
    createWorker: () => {
      const next = queue.shift();
      if (!next) throw new Error('no more fake workers');
      return next;
    },
    appConfig: { model_list: [] },
    newId: () => `id-${++id}`,
    ...limits,
  });
}

