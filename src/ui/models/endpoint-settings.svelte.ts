/**
 * An OpenAI-compatible endpoint (Ollama, llama-server, LM Studio, vLLM, a hosted API) as an
 * alternative to in-browser models. The API key lives in memory only, unless the user asks
 * this browser to remember it.
 */
import type { LanguageModel } from '../../core/ports.ts';
import { isKeyOfAnotherEndpoint, sameEndpoint } from '../../llm/endpoint-url.ts';
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
  /**
   * The address was edited after a successful test: the models listed, the "Connected" message
   * and the chosen model belong to the server asked before, not to this one.
   */
  addressChanged: boolean = $derived(this.status === 'connected' && !sameEndpoint(this.baseUrl, this.servedBy));
  /**
   * The model chosen before this page load, at the address it was chosen for, while no list has
   * been asked for yet: after a reload the panel showed no model at all, though Try it and the
   * Presenter went on using it.
   */
  rememberedModel: string = $derived(
    this.models.length === 0 && this.status !== 'checking' && sameEndpoint(this.baseUrl, this.servedBy) ? this.model : '',
  );

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
    // An address typed but not tested (then "remember" ticked) has no list yet.
    const served = sameEndpoint(this.baseUrl, this.servedBy) ? [...this.served] : [];
    const saved: SavedEndpoint = { baseUrl: this.baseUrl.trim(), model: this.model, served };
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
    this.status = 'checking';
    this.message = '';
    try {
      const address = this.baseUrl.trim();
      const ids = await listModels(address, (keep ? this.apiKey : this.keyToSend()) || undefined);
      this.models = ids;
      this.served = ids;
      this.servedBy = address;
      if (!ids.includes(this.model)) this.model = ids[0] ?? '';
      this.status = 'connected';
      this.message = ids.length === 0 ? 'Connected, but the server lists no models.' : `Connected: ${ids.length} model${ids.length === 1 ? '' : 's'}.`;
      if (keep) this.save();
    } catch (error) {
      // The list belonged to the server that answered before; offering it beside this failure
      // would let a model of one server be saved with the address of another.
      this.models = [];
      this.status = 'failed';
      this.message = error instanceof Error ? error.message : String(error);
    }
  }

  /** Undefined until an address and a model are known, and while the model is another server's. */
  languageModel(): LanguageModel | undefined {
    if (!this.baseUrl.trim() || !this.model || this.addressChanged) return undefined;
    return createOpenAICompatibleModel({
      baseUrl: this.baseUrl.trim(),
      model: this.model,
      ...(this.apiKey ? { apiKey: this.apiKey } : {}),
    });
  }
}
