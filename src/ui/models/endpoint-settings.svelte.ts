/**
 * An OpenAI-compatible endpoint (Ollama, llama-server, LM Studio, vLLM, a hosted API) as an
 * alternative to in-browser models. The API key lives in memory only, unless the user asks
 * this browser to remember it.
 */
import type { LanguageModel } from '../../core/ports.ts';
import { EndpointStatusError } from '../../llm/endpoint-errors.ts';
import { isKeyOfAnotherEndpoint, sameEndpoint, spaceInAddress } from '../../llm/endpoint-url.ts';
import { createOpenAICompatibleModel, listModels } from '../../llm/openai-compatible.ts';
import { readSetting, writeSetting, type SettingsStorage } from './saved-settings.ts';

const SETTINGS_KEY = 'feedback-lab.endpoint';

interface SavedEndpoint {
  baseUrl: string;
  model: string;
  /**
   * What the server listed at the last connection test that answered. The Study and Search pages
   * send a model key the server serves under that very name (Ollama's tags are the study's keys),
   * and only the others as `model`. Absent in settings saved before this was kept.
   */
  served?: string[];
  /** Present only when the user ticked "remember". */
  apiKey?: string;
}

export type ConnectionStatus = 'idle' | 'checking' | 'connected' | 'failed';

export class EndpointSettings {
  baseUrl = $state('http://localhost:11434');
  apiKey = $state('');
  rememberKey = $state(false);
  model = $state('');
  models = $state.raw<string[]>([]);
  status = $state<ConnectionStatus>('idle');
  message = $state('');
  /** The models the saved server listed when it last answered (see SavedEndpoint.served). */
  served: readonly string[] = [];
  /**
   * The address `served` was listed by (the saved one, then each test that answers): saved beside
   * another address, the list would claim that server serves them.
   */
  servedBy = $state('');
  /** The address the last connection test asked (trimmed); empty before the first. */
  testedAddress = $state('');
  /**
   * The server at the tested address answered but lists no model to choose (no `/v1/models`, a
   * 404, or an empty list): the model name is typed instead of picked.
   */
  unlisted = $state(false);
  /**
   * The address was edited after a test: its answer (the models listed, "Connected", or the
   * failure) belongs to the address asked before, not to this one.
   */
  addressChanged: boolean = $derived(
    (this.status === 'connected' || this.status === 'failed') &&
      // The very address tested is unchanged even when it is no URL (`localhost:11434`, as Ollama
      // writes it): sameEndpoint is false for those, and the panel hid why the test failed behind
      // "The address changed since the test of localhost:11434 failed" (audit R186-4).
      this.baseUrl.trim() !== this.testedAddress &&
      !sameEndpoint(this.baseUrl, this.testedAddress),
  );
  /**
   * The model to send to the address in the field: only one chosen at that very address. A model
   * of server A stayed usable after B's address was typed (and B's test failed), and Try it sent
   * A's model to B.
   */
  usableModel: string = $derived(sameEndpoint(this.baseUrl, this.servedBy) ? this.model : '');
  /**
   * The model chosen before this page load, at the address it was chosen for, while no list has
   * been asked for yet: after a reload the panel showed no model at all, though Try it and the
   * Presenter went on using it.
   */
  rememberedModel: string = $derived(this.models.length === 0 && this.status !== 'checking' ? this.usableModel : '');

  readonly #storage: SettingsStorage | undefined;
  /** The key this browser remembers and the address it was saved with: the key is for that endpoint only. */
  #remembered: { key: string; endpoint: string } | null = null;

  constructor(storage: SettingsStorage | undefined) {
    this.#storage = storage;
    const saved = readSetting<SavedEndpoint>(storage, SETTINGS_KEY, { baseUrl: this.baseUrl, model: '' });
    this.baseUrl = saved.baseUrl;
    this.model = saved.model;
    this.served = Array.isArray(saved.served) ? saved.served.filter((id): id is string => typeof id === 'string') : [];
    this.servedBy = saved.baseUrl;
    if (saved.apiKey !== undefined) {
      this.apiKey = saved.apiKey;
      this.rememberKey = true;
      this.#remembered = { key: saved.apiKey, endpoint: saved.baseUrl };
    }
  }

  /**
   * Points the settings at an address someone else chose (a presenter link): a remembered key
   * saved for another endpoint leaves the field, so it is neither shown as in use nor sent there.
   */
  pointAt(baseUrl: string): void {
    this.baseUrl = baseUrl;
    if (isKeyOfAnotherEndpoint(this.apiKey, baseUrl, this.#remembered)) this.apiKey = '';
  }

  /** The key to send to the current address: never the remembered key of another endpoint. */
  keyToSend(): string | undefined {
    return !this.apiKey || isKeyOfAnotherEndpoint(this.apiKey, this.baseUrl, this.#remembered) ? undefined : this.apiKey;
  }

  /** Keeps the address and model; the key only when "remember" is ticked. */
  save(): void {
    // An address typed but not tested (then "remember" ticked) has no list yet, and no model: the one chosen was another server's.
    const here = sameEndpoint(this.baseUrl, this.servedBy);
    const saved: SavedEndpoint = { baseUrl: this.baseUrl.trim(), model: here ? this.model : '', served: here ? [...this.served] : [] };
    if (this.rememberKey && this.apiKey) saved.apiKey = this.apiKey;
    writeSetting(this.#storage, SETTINGS_KEY, saved);
    this.#remembered = saved.apiKey === undefined ? null : { key: saved.apiKey, endpoint: saved.baseUrl };
  }

  /**
   * Asks the server for its models (`GET /v1/models`): the connection test. The Models page keeps
   * what answered. `keep: false` is another page's check (the presenter's, whose key field is kept
   * in memory only): nothing is saved over the Models page's endpoint and remembered key, and that
   * key goes only to the endpoint it was saved for.
   */
  async connect(options: { keep?: boolean } = {}): Promise<void> {
    const keep = options.keep ?? true;
    const address = this.baseUrl.trim();
    this.status = 'checking';
    this.message = '';
    this.testedAddress = address;
    this.unlisted = false;
    // Named here, as the study and search forms name it, not left to fail as a network error.
    const spaced = spaceInAddress(address);
    if (spaced) {
      this.models = [];
      this.status = 'failed';
      this.message = spaced;
      return;
    }
    try {
      const ids = await this.#listedModels(address, (keep ? this.apiKey : this.keyToSend()) || undefined);
      if (ids && ids.length > 0) {
        if (!ids.includes(this.model)) this.model = ids[0] ?? '';
      } else if (keep && !sameEndpoint(address, this.servedBy)) {
        // Nothing listed to check it against, and the model was chosen at another address: that
        // server's, not this one's. Elsewhere (the presenter) the model field is always in view,
        // filled by its user or a link: it stays.
        this.model = '';
      }
      this.models = ids ?? [];
      this.served = ids ?? [];
      this.servedBy = address;
      this.unlisted = !ids || ids.length === 0;
      this.status = 'connected';
      this.message = connectedMessage(address, ids);
      if (keep) this.save();
    } catch (error) {
      // The list belonged to the server that answered before; offering it beside this failure
      // would let a model of one server be saved with the address of another.
      this.models = [];
      this.status = 'failed';
      this.message = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * The models the server lists, or null when it has no list to give (a 404 at /models: some
   * servers serve chat completions only). Such a server still answered; its model is typed.
   */
  async #listedModels(address: string, apiKey: string | undefined): Promise<string[] | null> {
    try {
      return await listModels(address, apiKey);
    } catch (error) {
      if (error instanceof EndpointStatusError && error.status === 404) return null;
      throw error;
    }
  }

  /** Undefined until an address and a model are known, and while the model is another address's. */
  languageModel(): LanguageModel | undefined {
    if (!this.baseUrl.trim() || !this.usableModel.trim()) return undefined;
    return createOpenAICompatibleModel({
      baseUrl: this.baseUrl.trim(),
      model: this.usableModel.trim(),
      ...(this.apiKey ? { apiKey: this.apiKey } : {}),
    });
  }
}

/** What a test that reached the server says: how many models, or what to do when there are none to pick. */
function connectedMessage(address: string, ids: readonly string[] | null): string {
  const where = URL.canParse(address) ? new URL(address).origin : address;
  if (ids === null) {
    return (
      `The server at ${where} answered, but gives no model list (404 at /models). Type the name of a model it serves in the Model field; ` +
      'the first request tells whether the server has it. If that request says 404 too, check the name first (the message says whether the server knows the model), then the base URL: the server root or its /v1 path (e.g. http://localhost:11434/v1).'
    );
  }
  if (ids.length === 0) {
    return (
      'Connected, but the server lists no models. Add one to the server (for Ollama: ollama pull qwen2.5-coder:3b) and test again, ' +
      'or type the name of a model it serves in the Model field.'
    );
  }
  return `Connected: ${ids.length} model${ids.length === 1 ? '' : 's'}.`;
}
