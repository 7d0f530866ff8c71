/**
 * Model calls through the call cache. At temperature 0 the same request gets the same reply, and
 * a search makes the same request often (elites are evaluated again every generation, clones
 * share nodes), so such a call is answered from the cache, or from the identical call already in
 * flight, instead of by the model. Calls above 0 are draws and always go to the model.
 *
 * A reply's tokens are counted once, by the evaluation whose call the model answered, and only
 * when a record of that evaluation is stored. So a reply made for an evaluation (`CallOwner`)
 * enters the persisted cache only once such a record is stored (`commit`): its verdict, or, for an
 * evaluation cancelled or stopped by a failing model, the record of what it spent (search-record.ts,
 * CutShortRecord). Until then it answers this run's other calls from memory. When no record could
 * be stored (a closed tab, a failed write) the replies are forgotten (`discard`): the rerun after a
 * resume asks the model again and counts the tokens then. Either way a cached reply's cost is in
 * exactly one stored record, so a resumed search ends with the totals of one run straight through.
 */
import { abortError } from '../llm/abort.ts';
import type { CallCache, ChatMessage, ChatReply, LanguageModel, ModelRequest, SamplingOptions } from '../ports.ts';
import { cacheKey, cacheKeyDigest } from './call-cache.ts';

export interface CallAnswer {
  reply: ChatReply;
  /** True when the model was not asked: the reply came from the cache or a twin call in flight. */
  cached: boolean;
}

type CallOptions = Parameters<LanguageModel['chat']>[2];

/** The calls one evaluation had answered by the model, whose replies wait for it to finish. */
export interface CallOwner {
  readonly digests: string[];
}

export class CachedCalls {
  readonly #cache: CallCache | null;
  readonly #inFlight = new Map<string, Promise<ChatReply>>();
  /** Replies of evaluations still running: this run's calls may use them, the cache not yet. */
  readonly #pending = new Map<string, ChatReply>();

  /** Without a cache every call goes to the model. */
  constructor(cache: CallCache | null) {
    this.#cache = cache;
  }

  /**
   * Gets the model ready (its first download, a load or a swap: `LanguageModel.prepare`) for a
   * call that will go to it, so the interpreter can keep that time off the problem's cap. A call
   * the cache or a twin in flight will answer needs no model, and a search answered from a
   * persisted cache must not download one: then nothing is loaded. Without the request it cannot
   * tell, and prepares.
   */
  async prepare(modelIdentity: string, model: LanguageModel, signal?: AbortSignal, request?: ModelRequest): Promise<void> {
    if (!model.prepare) return;
    if (request && !(await this.#willAskModel(modelIdentity, request))) return;
    await model.prepare(signal, request);
  }

  /** Whether `chat` would send this request to the model, as far as can be known now. */
  async #willAskModel(modelIdentity: string, request: ModelRequest): Promise<boolean> {
    const cache = this.#cache;
    const key = cache ? cacheKey(modelIdentity, request.messages, request.options) : null;
    if (!cache || key === null) return true;
    const digest = await cacheKeyDigest(key);
    if (this.#inFlight.has(digest) || this.#pending.has(digest)) return false;
    const stored = await cache.get(digest).catch(() => undefined);
    return !stored;
  }

  /**
   * One chat call. `modelIdentity` names what answers it (engine, endpoint and model build), not
   * the study's model key, which may stand for different builds on different machines.
   */
  async chat(
    modelIdentity: string,
    model: LanguageModel,
    messages: ChatMessage[],
    sampling: SamplingOptions,
    call?: CallOptions,
    owner?: CallOwner,
  ): Promise<CallAnswer> {
    const cache = this.#cache;
    const key = cache ? cacheKey(modelIdentity, messages, sampling) : null;
    if (!cache || key === null) return { reply: await model.chat(messages, sampling, call), cached: false };
    const digest = await cacheKeyDigest(key);
    const twin = this.#inFlight.get(digest);
    if (twin) {
      try {
        return { reply: await untilAborted(twin, call?.signal), cached: true };
      } catch (error) {
        if (call?.signal?.aborted) throw error;
        // The twin failed on its own account (its caller aborted, the engine erred): ask ourselves.
      }
    }
    const held = this.#pending.get(digest);
    if (held) return { reply: held, cached: true };
    // A cache that cannot be read is only slower.
    const stored = await cache.get(digest).catch(() => undefined);
    if (stored) return { reply: stored, cached: true };
    const running = model.chat(messages, sampling, call);
    this.#inFlight.set(digest, running);
    try {
      const reply = await running;
      // A reply cut short by an abort is not what the model says to this request.
      if (reply.finishReason !== 'abort') {
        if (owner) {
          this.#pending.set(digest, reply);
          owner.digests.push(digest);
        } else {
          await cache.put(digest, reply).catch(() => undefined);
        }
      }
      return { reply, cached: false };
    } finally {
      if (this.#inFlight.get(digest) === running) this.#inFlight.delete(digest);
    }
  }

  /** A new owner for the calls of one evaluation (all its attempts). */
  owner(): CallOwner {
    return { digests: [] };
  }

  /** The owner's evaluation finished and its record is stored: its replies join the cache. */
  async commit(owner: CallOwner): Promise<void> {
    const cache = this.#cache;
    for (const digest of owner.digests.splice(0)) {
      const reply = this.#pending.get(digest);
      if (!reply) continue;
      // A cache that cannot be written is only slower.
      if (cache) await cache.put(digest, reply).catch(() => undefined);
      this.#pending.delete(digest);
    }
  }

  /** The owner's evaluation will not be stored: its replies are forgotten, so a rerun pays for them again. */
  discard(owner: CallOwner): void {
    for (const digest of owner.digests.splice(0)) this.#pending.delete(digest);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
