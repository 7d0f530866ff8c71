/**
 * The LanguageModel behind each model key of a study, from its bindings: an OpenAI-compatible
 * endpoint (with the API key this tab knows for it, which is never written into the study), a
 * WebLLM build on this tab's one engine, or replies replayed from a result file.
 */
import type { LanguageModel } from '../../core/ports.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import { EndpointStatusError, EndpointUnreachableError } from '../../llm/endpoint-errors.ts';
import { apiRoot } from '../../llm/endpoint-url.ts';
import { OllamaLoader } from '../../llm/ollama-load.ts';
import { createOpenAICompatibleModel, listModels, type EndpointAnswered } from '../../llm/openai-compatible.ts';
import type { ServedModelLog } from '../../llm/served-model.ts';
import type { WebLLMSession } from '../../llm/webllm-session.ts';
import type { PendingDownload } from '../../llm/weights-to-download.ts';

export interface StudyModelDeps {
  /** The API key to send to an endpoint, if the user gave one for it. */
  apiKeyFor: (root: string) => string | undefined;
  /** This tab's WebLLM engine, loaded only when a study binds a key to it. */
  webllm: () => Promise<WebLLMSession>;
  /** Replay models by model key, when the study replays a file. */
  replay?: ReadonlyMap<string, LanguageModel>;
  /** Asks each endpoint what it ran a model with, after the model's first reply (served-model.ts). */
  servedModels?: ServedModelLog;
  /** The in-browser builds of these ids that are not downloaded yet (an autorun link asks before it starts). */
  weightsToDownload?: (modelIds: readonly string[]) => Promise<readonly PendingDownload[]>;
}

/** How long the check that an endpoint answers at all may take before the study starts anyway. */
const REACHABLE_CHECK_MS = 10_000;

/**
 * Refuses an endpoint nothing answers at (not running, a wrong port, CORS), with the engine's own
 * explanation. Without this a study started on the default Ollama address with no server behind
 * it ran for a minute, marking units errored after their retries, before it said why. A 401 (a key
 * wanted, none or a wrong one given) is refused too, saying where the key goes: the study ran and
 * errored unit after unit, and the card's "Check the API key" did not say where (audit R225-4).
 * Any other HTTP answer counts as reachable (a server that does not list models is left to the
 * first request to explain; a 403 may be Ollama refusing this page's origin), and so does a slow one.
 */
async function assertReachable(root: string, apiKey: string | undefined): Promise<void> {
  try {
    await listModels(root, apiKey, { timeoutMs: REACHABLE_CHECK_MS });
  } catch (error) {
    if (error instanceof EndpointUnreachableError) throw error;
    if (error instanceof EndpointStatusError && error.status === 401) {
      throw new EndpointStatusError(
        401,
        `${error.fact} Nothing was started: type its key into API key in the form above (it is kept for this endpoint), or on the Models page, then start or resume again.`,
        error.fact,
      );
    }
  }
}

/**
 * Resolves every binding up front, so a study that cannot get its models fails before it starts.
 * In-browser models are loaded with the study's context window (`sampling.contextWindowTokens`),
 * so the value recorded is the one used; a search has none and keeps each build's own. An
 * endpoint's context is set on its server: no request field carries it.
 */
export async function studyModels(
  config: Pick<StudyConfig, 'models'> & { sampling?: Pick<StudyConfig['sampling'], 'contextWindowTokens'> },
  deps: StudyModelDeps,
): Promise<(key: string) => LanguageModel> {
  const models = new Map<string, LanguageModel>();
  const bindings = Object.entries(config.models);
  const roots = new Set(bindings.flatMap(([, b]) => (b.engine === 'openai' && b.baseUrl ? [apiRoot(b.baseUrl)] : [])));
  for (const root of roots) await assertReachable(root, deps.apiKeyFor(root));
  const webllmIds = bindings.filter(([, b]) => b.engine === 'webllm').map(([, b]) => b.id);
  const session = webllmIds.length > 0 ? await deps.webllm() : null;
  // Declaring the builds used together lets the engine keep a generator and a refiner loaded when both fit.
  session?.models.plan(webllmIds);
  // One mark per server for this run: once any model there answers, a failure to reach it is told as the server having stopped.
  const answeredAt = new Map<string, EndpointAnswered>();
  // An Ollama loads (or swaps in) a model before the call, not inside the problem's time cap (ollama-load.ts).
  const ollama = new OllamaLoader();

  for (const [key, binding] of bindings) {
    switch (binding.engine) {
      case 'openai': {
        if (!binding.baseUrl) throw new Error(`The model key "${key}" is bound to an endpoint, but the study names no endpoint URL.`);
        const root = apiRoot(binding.baseUrl);
        const apiKey = deps.apiKeyFor(root);
        const answered = answeredAt.get(root) ?? { value: false };
        answeredAt.set(root, answered);
        const model = createOpenAICompatibleModel({ baseUrl: root, model: binding.id, answered, ...(apiKey ? { apiKey } : {}) });
        const watched = deps.servedModels ? deps.servedModels.watch(model, root, binding.id, apiKey) : model;
        models.set(key, ollama.wrap(watched, root, binding.id, apiKey));
        break;
      }
      case 'webllm':
        if (!session) throw new Error('WebLLM did not start.');
        models.set(key, session.models.model(binding.id, config.sampling ? { contextWindowTokens: config.sampling.contextWindowTokens } : {}));
        break;
      case 'replay': {
        const replayed = deps.replay?.get(key);
        if (!replayed) {
          throw new Error('This study replays a result file. Choose that file under “Replay a result file”, then start or resume it again.');
        }
        models.set(key, replayed);
        break;
      }
      default: {
        const never: never = binding.engine;
        throw new Error(`Unknown engine ${String(never)}.`);
      }
    }
  }
  return (key) => {
    const model = models.get(key);
    if (!model) throw new Error(`The study has no model bound to the key "${key}".`);
    return model;
  };
}
