/**
 * WebLLM models as `LanguageModel`s, sharing one engine worker.
 *
 * A pipeline whose generator and refiner are different models needs both. When WebLLM's memory
 * estimates of the two fit the budget they are loaded together (`reload([a, b])`) and stay;
 * otherwise the engine swaps, loading whichever the next request needs. Every swap is timed,
 * because on small GPUs swapping can cost more than the generation itself.
 */
import type { ChatMessage, ChatReply, LanguageModel, SamplingOptions } from '../core/ports.ts';
import { fitsTogether, type ModelBuild } from '../core/llm/catalog.ts';
import { throwIfAborted } from '../core/llm/abort.ts';
import { untilAborted, type ChatCall, type WebLLMEngineHost } from './webllm-engine.ts';
import type { LoadProgress } from './webllm-progress.ts';

export interface SwapStats {
  /** Loads that replaced models already on the GPU. */
  swaps: number;
  totalMs: number;
  lastMs: number | undefined;
}

export interface ResidencyOptions {
  /** WebLLM's build facts for a model id (memory estimate). */
  buildOf: (modelId: string) => ModelBuild | undefined;
  /** GPU memory WebLLM may use; undefined means never keep two models at once. */
  memoryBudgetMB: number | undefined;
  onProgress?: (modelIds: readonly string[], progress: LoadProgress) => void;
}

export class WebLLMModels {
  readonly #host: WebLLMEngineHost;
  readonly #options: ResidencyOptions;
  #planned: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #stats: SwapStats = { swaps: 0, totalMs: 0, lastMs: undefined };

  constructor(host: WebLLMEngineHost, options: ResidencyOptions) {
    this.#host = host;
    this.#options = options;
  }

  get swapStats(): SwapStats {
    return { ...this.#stats };
  }

  /** Declares the models a run will use together (generator, refiner…). */
  plan(modelIds: readonly string[]): void {
    this.#planned = [...new Set(modelIds)];
  }

  /**
   * Whether the planned models can stay loaded together under the budget. WebLLM's memory
   * estimates hold for each build's own context; a larger one needs more KV cache, so then not.
   */
  keepsPlanResident(contextWindowTokens?: number): boolean {
    const builds = this.#planned.map((id) => this.#options.buildOf(id));
    if (builds.length < 2 || builds.some((build) => build === undefined)) return false;
    const known = builds as ModelBuild[];
    if (contextWindowTokens !== undefined && known.some((b) => b.contextWindow === undefined || contextWindowTokens > b.contextWindow)) return false;
    return fitsTogether(known, this.#options.memoryBudgetMB);
  }

  /**
   * Makes sure `modelId` is on the GPU with the context window asked for (undefined: the build's
   * own), loading its planned partner too when both fit. A model loaded with another context is
   * loaded again: a study's context must be the one its calls ran with.
   */
  async ensureLoaded(modelId: string, contextWindowTokens?: number): Promise<void> {
    const loaded = this.#host.loadedModelIds.includes(modelId);
    if (loaded && this.#context(modelId, this.#host.loadedContextWindowTokens) === this.#context(modelId, contextWindowTokens)) return;
    const together = this.#planned.includes(modelId) && this.keepsPlanResident(contextWindowTokens);
    const ids = together ? this.#planned : [modelId];
    const replacing = this.#host.loadedModelIds.length > 0;
    // A context every build has anyway is not sent: the load is then the one WebLLM's records describe.
    const explicit = ids.every((id) => this.#options.buildOf(id)?.contextWindow === contextWindowTokens) ? undefined : contextWindowTokens;
    const result = await this.#host.load(ids, (progress) => this.#options.onProgress?.(ids, progress), explicit);
    if (replacing) {
      this.#stats = { swaps: this.#stats.swaps + 1, totalMs: this.#stats.totalMs + result.ms, lastMs: result.ms };
    }
  }

  /**
   * The `LanguageModel` for one WebLLM build. `contextWindowTokens` is the context its calls run
   * with (a study's `sampling.contextWindowTokens`); undefined keeps the build's own.
   */
  model(modelId: string, load: { contextWindowTokens?: number } = {}): LanguageModel {
    const { contextWindowTokens } = load;
    return {
      id: `webllm:${modelId}`,
      chat: (messages: ChatMessage[], options: SamplingOptions, call: ChatCall = {}): Promise<ChatReply> => {
        throwIfAborted(call.signal);
        // Load and chat as one step, so a concurrent request cannot swap the model out between.
        const run = this.#exclusive(async () => {
          throwIfAborted(call.signal);
          await this.ensureLoaded(modelId, contextWindowTokens);
          // A load the worker begins inside the request (it lost the models) shows as any load does.
          const onLoadProgress = (progress: LoadProgress) => this.#options.onProgress?.(this.#host.loadedModelIds, progress);
          return this.#host.chat(modelId, messages, options, { ...call, onLoadProgress });
        });
        return untilAborted(run, call.signal);
      },
      // A study calls this before a problem's time cap starts: a first download or a swap then
      // costs the study time, not a problem its verdict. The chat above still loads if needed.
      prepare: (signal?: AbortSignal): Promise<void> => {
        throwIfAborted(signal);
        const run = this.#exclusive(async () => {
          throwIfAborted(signal);
          await this.ensureLoaded(modelId, contextWindowTokens);
        });
        return untilAborted(run, signal);
      },
    };
  }

  /** The context a build runs with when loaded with `contextWindowTokens` (undefined: its record's). */
  #context(modelId: string, contextWindowTokens: number | undefined): number | undefined {
    return contextWindowTokens ?? this.#options.buildOf(modelId)?.contextWindow;
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task, task);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
