/**
 * Model calls wait their turn per engine. One WebLLM engine is one GPU: two requests at once
 * would only slow each other (or be refused), so a study with several problems in flight sends
 * it one request at a time, first come first served, while the other problems' code runs in the
 * sandbox pool. An OpenAI-compatible server may serve several at once (vLLM batches), so its
 * capacity is the caller's choice.
 */
import { abortError, throwIfAborted } from '../llm/abort.ts';
import type { LanguageModel } from '../ports.ts';
import type { ModelBinding } from './config.ts';

/** First-in, first-out turns on one engine, at most `capacity` at a time. */
export class EngineQueue {
  readonly capacity: number;
  #active = 0;
  readonly #waiting: { grant: () => void }[] = [];

  constructor(capacity = 1) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`An engine queue needs a capacity of at least 1, got ${capacity}.`);
    this.capacity = capacity;
  }

  /** Calls holding a turn now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a turn. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with a release function once it is this caller's turn. Calling release more than
   * once is harmless. Aborting while waiting leaves the queue and rejects with an AbortError.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    throwIfAborted(signal);
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#active++;
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(entry);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(abortError());
      };
      if (this.#active < this.capacity) {
        entry.grant();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#waiting.shift()?.grant();
    };
  }
}

/** The same model, its calls taking turns in `queue`: for callers outside the interpreter. */
export function queuedModel(model: LanguageModel, queue: EngineQueue): LanguageModel {
  return {
    id: model.id,
    async chat(messages, options, call) {
      const release = await queue.acquire(call?.signal);
      try {
        return await model.chat(messages, options, call);
      } finally {
        release();
      }
    },
  };
}

/**
 * Which engine serves a model binding: every WebLLM model shares the page's one GPU, an endpoint
 * is one server per base URL, and replayed models share one queue so that paced replay behaves
 * like the engine it stands for.
 */
export function engineKey(binding: ModelBinding): string {
  switch (binding.engine) {
    case 'webllm':
      return 'webllm';
    case 'replay':
      return 'replay';
    case 'openai':
      return `openai ${binding.baseUrl ?? ''}`;
    default: {
      const never: never = binding.engine;
      throw new Error(`Unknown engine ${String(never)}.`);
    }
  }
}

/** One queue per engine for a study's model bindings; `turn` fits the interpreter's `modelTurn` port. */
export class EngineQueues {
  readonly #models: Record<string, ModelBinding>;
  readonly #capacity: (engine: string, binding: ModelBinding) => number;
  readonly #queues = new Map<string, EngineQueue>();

  constructor(models: Record<string, ModelBinding>, capacity: (engine: string, binding: ModelBinding) => number = () => 1) {
    this.#models = models;
    this.#capacity = capacity;
  }

  queueFor(modelKey: string): EngineQueue {
    const binding = this.#models[modelKey];
    if (!binding) throw new Error(`The study binds no model to the key "${modelKey}".`);
    const key = engineKey(binding);
    let queue = this.#queues.get(key);
    if (!queue) this.#queues.set(key, (queue = new EngineQueue(this.#capacity(key, binding))));
    return queue;
  }

  turn = (modelKey: string, signal: AbortSignal | undefined): Promise<() => void> => this.queueFor(modelKey).acquire(signal);
}
