/**
 * Loading a model on an Ollama server before a study's call, so the load is not charged to the
 * problem. Ollama loads a model inside the first request that names it, and a machine that holds
 * one model at a time unloads one to load the other at every switch of a cross-model pipeline:
 * 10–40 s before the first token, inside the problem's time cap. A single-model arm pays for
 * one load, a cross-model arm for one per switch, so the cap failed cross-model problems for
 * their server's memory, not their pipeline: the comparison the study is about, biased.
 *
 * The study runner awaits a model's `prepare` before the cap's clock starts (ports.ts), as it
 * does for WebLLM's downloads and swaps. This gives an endpoint model one: when the server
 * answers Ollama's `GET /api/ps` and does not list the model as loaded, `POST /api/generate`
 * with the model and no prompt loads it (Ollama answers once it is loaded). A server that does
 * not answer `/api/ps` as Ollama does (llama.cpp, vLLM, LM Studio, hosted APIs, which do not
 * swap models per request) is asked once per run, and never again. Nothing here throws: a load
 * that fails leaves the call to meet, and report, whatever went wrong.
 *
 * With several problems in flight, another call may still swap the model out between this load
 * and the call; the load is then charged as before, and the record shows it in the step's time
 * to first token.
 */
import type { LanguageModel } from '../core/ports.ts';
import { apiRoot } from './endpoint-url.ts';
import { ask, loadedModels, sameModel, serverRoot } from './served-model.ts';

export interface OllamaLoaderOptions {
  fetch?: typeof globalThis.fetch;
  /** How long `/api/ps` may take to answer (default 5 s). */
  askTimeoutMs?: number;
  /** How long a load may take (default 10 minutes: a large model from a slow disk). */
  loadTimeoutMs?: number;
}

export class OllamaLoader {
  readonly #options: OllamaLoaderOptions;
  /** Per server root: whether it answered `/api/ps` as Ollama does. Unknown until first asked. */
  readonly #isOllama = new Map<string, Promise<boolean>>();

  constructor(options: OllamaLoaderOptions = {}) {
    this.#options = options;
  }

  /** `model`, served by `endpoint` under `name`, with a `prepare` that loads it first on an Ollama that has it unloaded. */
  wrap(model: LanguageModel, endpoint: string, name: string, apiKey?: string): LanguageModel {
    const inner = model.prepare?.bind(model);
    return {
      ...model,
      prepare: async (signal, request) => {
        await inner?.(signal, request);
        await this.ensureLoaded(endpoint, name, apiKey, signal);
      },
    };
  }

  /** Loads `name` on `endpoint`'s server when it is an Ollama that does not list it as loaded. Never throws. */
  async ensureLoaded(endpoint: string, name: string, apiKey?: string, signal?: AbortSignal): Promise<void> {
    const base = serverRoot(apiRoot(endpoint));
    const known = this.#isOllama.get(base);
    if (known && !(await known)) return;
    const asked = { ...(apiKey ? { apiKey } : {}), ...(this.#options.fetch ? { fetch: this.#options.fetch } : {}), timeoutMs: this.#options.askTimeoutMs ?? 5_000, signal };
    const listing = ask(`${base}/api/ps`, undefined, asked);
    if (!known) {
      // Only the first question decides what the server is: a later one that fails (a busy moment)
      // does not change it. Unless a pause cut it short: that says nothing about the server, and
      // the run, resumed, would never load a model there again; the next prepare asks again.
      const answer: Promise<boolean> = listing.then((ps) => {
        if (!ps.ok && signal?.aborted && this.#isOllama.get(base) === answer) this.#isOllama.delete(base);
        return loadedModels(ps) !== null;
      });
      this.#isOllama.set(base, answer);
    }
    const loaded = loadedModels(await listing);
    if (loaded === null || loaded.some((entry) => sameModel(entry, name)) || signal?.aborted) return;
    await ask(`${base}/api/generate`, { model: name }, { ...asked, timeoutMs: this.#options.loadTimeoutMs ?? 600_000 });
  }
}
