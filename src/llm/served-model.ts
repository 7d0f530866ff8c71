/**
 * What an endpoint's server says about a model it serves. The OpenAI-compatible API has no field
 * for the context a model runs with, and Ollama's `/v1` ignores any asked for: it runs the
 * server's own setting and cuts longer prompts silently. Ollama's native API does say what it
 * loaded: `GET /api/ps` lists each loaded model with its `context_length`, `size` and
 * `size_vram`, and `POST /api/show` gives its quantisation. Other servers (llama.cpp, LM Studio,
 * vLLM, hosted APIs) have no such route; the record then says so instead of guessing.
 *
 * Asked once per model, after its first reply of the run: Ollama lists a model only while it is
 * loaded (five idle minutes by default), and a reply proves it was.
 */
import type { LanguageModel } from '../core/ports.ts';
import type { ResultServedModel } from '../core/results/result-file.ts';
import { apiRoot } from './endpoint-url.ts';
import { BodyTooLargeError, readTextWithin } from './reply-size.ts';

/**
 * Bytes of an `/api/ps` or `/api/show` answer read at most. `/api/show` carries the model's
 * template, parameters and licence (tens of kilobytes); a server that streams without end for the
 * five seconds of the question could otherwise fill the tab first.
 */
export const SERVED_MODEL_BYTE_LIMIT = 4 * 1024 * 1024;

export interface ServedModelProbeOptions {
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
  /** Per request (default 5 s): the study does not wait for this, but a file write may. */
  timeoutMs?: number;
  now?: () => Date;
}

/** The server root Ollama's native API hangs from: the API root without its `/v1`. */
export function serverRoot(root: string): string {
  return apiRoot(root).replace(/\/v1$/, '');
}

type Answer = { ok: true; body: unknown } | { ok: false; why: string };

/** Asks `endpoint`'s server about `model`. Never throws: what could not be learnt is said in `unknownBecause`. */
export async function probeServedModel(endpoint: string, model: string, options: ServedModelProbeOptions = {}): Promise<ResultServedModel> {
  const root = apiRoot(endpoint);
  const base = serverRoot(root);
  const report: ResultServedModel = {
    endpoint: root,
    model,
    server: null,
    contextTokens: null,
    sizeBytes: null,
    gpuBytes: null,
    quantization: null,
    parameterSize: null,
    unknownBecause: null,
    askedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const ps = await ask(`${base}/api/ps`, undefined, options);
  if (!ps.ok) return { ...report, unknownBecause: `the server did not describe the model: ${ps.why}` };
  const listed = loadedModels(ps);
  if (listed === null) {
    return { ...report, unknownBecause: 'the server did not describe the model: its /api/ps answer is not Ollama’s (no list of loaded models)' };
  }
  report.server = 'ollama';
  const running = listed.find((entry) => sameModel(entry, model)) as Record<string, unknown> | undefined;
  const reasons: string[] = [];
  if (running) {
    report.contextTokens = positiveInt(running.context_length);
    report.sizeBytes = bytes(running.size);
    report.gpuBytes = bytes(running.size_vram);
    if (report.contextTokens === null) reasons.push('this Ollama does not report the context a model runs with (newer versions list it in /api/ps)');
  } else {
    // The sentences that quote this reason already say the context is unknown (served-model-text.ts).
    reasons.push(`Ollama did not list ${model} as loaded when asked (it unloads a model after some idle minutes)`);
  }
  const show = await ask(`${base}/api/show`, { model }, options);
  const details = show.ok ? detailsOf(show.body) : detailsOf(running);
  report.quantization = details.quantization;
  report.parameterSize = details.parameterSize;
  if (report.quantization === null) reasons.push(show.ok ? 'Ollama did not give the quantisation' : `Ollama did not describe the model: ${show.why}`);
  report.unknownBecause = reasons.length > 0 ? reasons.join('; ') : null;
  return report;
}

/** The models an Ollama's `/api/ps` lists as loaded; null for an answer that is not Ollama's (or none). */
export function loadedModels(ps: Answer): unknown[] | null {
  const models = ps.ok ? (ps.body as { models?: unknown } | null)?.models : undefined;
  return Array.isArray(models) ? models : null;
}

/** Ollama names a model without a tag `…:latest`. */
export function sameModel(entry: unknown, model: string): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const { name, model: id } = entry as { name?: unknown; model?: unknown };
  const wanted = model.includes(':') ? [model] : [model, `${model}:latest`];
  return wanted.some((w) => w === name || w === id);
}

function detailsOf(body: unknown): { quantization: string | null; parameterSize: string | null } {
  const details = (body as { details?: unknown } | null | undefined)?.details as Record<string, unknown> | undefined;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
  return { quantization: text(details?.quantization_level), parameterSize: text(details?.parameter_size) };
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function bytes(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** One question to Ollama's native API, GET without a body, POST with one; never throws. `signal` ends it early too. */
export async function ask(url: string, body: unknown, options: ServedModelProbeOptions & { signal?: AbortSignal | undefined }): Promise<Answer> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 5_000;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const callerAbort = () => controller.abort();
  options.signal?.addEventListener('abort', callerAbort, { once: true });
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const key = options.apiKey?.trim();
  if (key) headers.Authorization = `Bearer ${key}`;
  const route = new URL(url).pathname;
  try {
    const response = await fetchImpl(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      signal: controller.signal,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 404 && body === undefined) {
      void response.body?.cancel().catch(() => {});
      return { ok: false, why: `it has no ${route} (it is not Ollama; OpenAI-compatible servers do not say what context a model runs with)` };
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => {});
      return { ok: false, why: `${route} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
    }
    let text: string;
    try {
      text = await readTextWithin(response.body, SERVED_MODEL_BYTE_LIMIT);
    } catch (thrown) {
      if (thrown instanceof BodyTooLargeError) return { ok: false, why: `${route} answered with more than ${SERVED_MODEL_BYTE_LIMIT / (1024 * 1024)} MB` };
      throw thrown;
    }
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, why: `${route} did not answer with JSON` };
    }
  } catch {
    if (controller.signal.aborted) return { ok: false, why: `${route} did not answer within ${Math.round(timeoutMs / 1000)} s` };
    return { ok: false, why: `${route} could not be reached (a refused connection, or CORS in a browser)` };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', callerAbort);
  }
}

/**
 * Notes what each endpoint model's server says about it, once, after its first reply. The
 * study's calls are never held up by it: the question goes out beside them.
 */
export class ServedModelLog {
  readonly #probe: (endpoint: string, model: string, apiKey: string | undefined) => Promise<ResultServedModel>;
  readonly #reports = new Map<string, ResultServedModel>();
  readonly #asked = new Set<string>();
  readonly #pending = new Set<Promise<void>>();
  readonly #onReport: ((report: ResultServedModel) => void) | undefined;

  constructor(
    options: {
      probe?: (endpoint: string, model: string, apiKey: string | undefined) => Promise<ResultServedModel>;
      onReport?: (report: ResultServedModel) => void;
    } = {},
  ) {
    this.#probe = options.probe ?? ((endpoint, model, apiKey) => probeServedModel(endpoint, model, apiKey ? { apiKey } : {}));
    this.#onReport = options.onReport;
  }

  /** Every report so far, in the order the models first answered. */
  reports(): ResultServedModel[] {
    return [...this.#reports.values()];
  }

  /** Waits for the questions still out (each is bounded by its timeout). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** `model`, served by `endpoint` under the name `name`, with its server asked about it after its first reply. */
  watch(model: LanguageModel, endpoint: string, name: string, apiKey?: string): LanguageModel {
    const key = `${apiRoot(endpoint)}\u0000${name}`;
    const chat: LanguageModel['chat'] = async (messages, sampling, call) => {
      const reply = await model.chat(messages, sampling, call);
      if (!this.#asked.has(key)) {
        this.#asked.add(key);
        const asking = this.#probe(endpoint, name, apiKey).then(
          (report) => {
            this.#reports.set(key, report);
            this.#onReport?.(report);
          },
          () => undefined,
        );
        this.#pending.add(asking);
        void asking.finally(() => this.#pending.delete(asking));
      }
      return reply;
    };
    return { ...model, chat };
  }
}
