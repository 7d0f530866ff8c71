/**
 * Where a desk's models can run, as this tab knows it: the GPU (probed once), the endpoint
 * settings saved on the Models page (read into the form on every visit, so a change there shows
 * here), and what binding a run's models needs from the tab (the form's API key, this tab's one
 * WebLLM engine). The Study and Search desks each hold one over their own form.
 */
import { hasShaderF16, type DeviceCapabilities } from '../../core/llm/catalog.ts';
import { probeCapabilities } from '../../llm/capabilities.ts';
import type { WebLLMCatalog } from '../../llm/model-catalog.ts';
import { EndpointSettings } from '../models/endpoint-settings.svelte.ts';
import { browserStorage } from '../models/saved-settings.ts';
import { webGpuRefusal } from '../models/webgpu-summary.ts';
import type { StudyModelDeps } from '../study/study-models.ts';
import { sameEndpoint } from '../../llm/endpoint-url.ts';
import { weightsToDownloadHere } from '../../llm/weights-to-download.ts';
import type { ModelEngineForm } from './model-engine-form.svelte.ts';
import { defaultEngine, readPickedEngine, writePickedEngine, type EngineDefault } from './default-engine.ts';

export class ModelEngines {
  readonly catalog: WebLLMCatalog;
  caps = $state.raw<DeviceCapabilities | undefined>(undefined);
  /** What binding models needs from this tab; a replayed study adds its replies. */
  readonly modelDeps: Omit<StudyModelDeps, 'replay'>;

  readonly #form: ModelEngineForm;
  readonly #formHeld: () => boolean;
  readonly #engineChosen: () => boolean;
  /** What the form was last given from the saved settings. */
  #shown = { endpoint: '', apiKey: '' };
  #savedModel = $state('');
  /** The engine the user last picked on either form, as this browser remembers it. */
  #picked = $state<'webllm' | 'openai' | null>(null);
  /** The user chose an engine on this form since the tab opened: the GPU's answer must not change it. */
  #touched = false;
  #probing: Promise<void> | null = null;

  /**
   * `formHeld`: a run or a link owns the form now, so neither settings nor the GPU may change it.
   * `engineChosen`: the form's engine is the user's (a draft restored after a reload), so the GPU must not change it.
   */
  constructor(form: ModelEngineForm, catalog: WebLLMCatalog, formHeld: () => boolean, engineChosen: () => boolean = () => false) {
    this.#form = form;
    this.catalog = catalog;
    this.#formHeld = formHeld;
    this.#engineChosen = engineChosen;
    this.modelDeps = {
      apiKeyFor: (root) => form.apiKeyFor(root),
      webllm: async () => {
        // Without WebGPU, WebLLM would fetch its files and fail unit after unit: refuse before anything is stored.
        await this.probe().catch(() => undefined);
        const refusal = this.caps ? webGpuRefusal(this.caps) : null;
        if (refusal) throw new Error(refusal);
        const { sharedWebLLMSession } = await import('../../llm/webllm-session.ts');
        return sharedWebLLMSession(catalog);
      },
      weightsToDownload: async (modelIds) => {
        // Where WebLLM cannot run at all, the start's own refusal says so better than a download would.
        await this.probe().catch(() => undefined);
        if (!this.caps || webGpuRefusal(this.caps)) return [];
        return weightsToDownloadHere(catalog, modelIds);
      },
    };
  }

  /** The Models page's endpoint settings may have changed since the last visit. */
  readSettings(): void {
    const saved = new EndpointSettings(browserStorage());
    const form = this.#form;
    form.settingsKey = { key: saved.apiKey, endpoint: saved.baseUrl };
    if (this.#formHeld()) return;
    // A field that still shows what was read last follows the Models page; one edited here keeps its text.
    if (form.endpoint === this.#shown.endpoint) form.endpoint = saved.baseUrl;
    // The remembered key is its endpoint's: not offered for another (a link's, kept in the draft across a reload).
    if (form.apiKey === this.#shown.apiKey) form.apiKey = sameEndpoint(form.endpoint, saved.baseUrl) ? saved.apiKey : '';
    this.#shown = { endpoint: saved.baseUrl, apiKey: saved.apiKey };
    form.defaultEndpointModel = saved.model;
    form.endpointServes = { endpoint: saved.baseUrl, models: saved.served };
    this.#savedModel = saved.model;
    this.#picked = readPickedEngine(browserStorage());
    // A remembered pick needs no GPU answer: a fresh form shows it at once (the probe may take seconds).
    if (this.#picked && !this.caps && !this.#engineChosen() && !this.#touched) form.engine = this.#picked;
  }

  /**
   * The user picked an engine on the form (any radio button): it stays, and WebLLM or an endpoint
   * is remembered as the default for fresh forms, this desk's and the other's.
   */
  pick(engine: string): void {
    this.#touched = true;
    if (engine !== 'webllm' && engine !== 'openai') return;
    this.#picked = engine;
    writePickedEngine(browserStorage(), engine);
  }

  /** The engine a fresh form starts on, and why. */
  get usual(): EngineDefault {
    return defaultEngine({ caps: this.caps ?? null, endpointSaved: this.#savedModel !== '', picked: this.#picked });
  }

  /** The sentence beside the engine choice while the form shows the default the browser chose; empty otherwise. */
  get defaultNote(): string {
    // A link or a run chose the engine: the browser's default is not why it shows.
    if (this.#formHeld()) return '';
    const usual = this.usual;
    return this.#form.engine === usual.engine ? usual.why : '';
  }

  /**
   * Whether the form's endpoint is the Models page's setting as last read, not one typed here: a
   * draft kept across a reload must not freeze it, or a change saved there later would be ignored
   * here (while the API key, never kept, followed it).
   */
  get endpointFollowsSettings(): boolean {
    return this.#form.endpoint === this.#shown.endpoint;
  }

  /** Probes the GPU once; safe to call on every visit. */
  probe(): Promise<void> {
    this.#probing ??= probeCapabilities().then((caps) => {
      this.caps = caps;
      this.#form.shaderF16 = hasShaderF16(caps);
      if (!this.#formHeld() && !this.#engineChosen() && !this.#touched) this.#form.engine = this.usual.engine;
    });
    return this.#probing;
  }

  /** Puts the engine fields back as a fresh tab shows them: the Models page's endpoint and key, the engine the GPU suggests. */
  restoreDefaults(): void {
    this.#form.endpoint = this.#shown.endpoint;
    this.#form.apiKey = this.#shown.apiKey;
    this.#form.modelNames = {};
    this.#form.engine = this.usual.engine;
    this.#touched = false;
  }
}
