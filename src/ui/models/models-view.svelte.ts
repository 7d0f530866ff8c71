/**
 * The Models page's state: what this device offers, the catalogue with a verdict per model,
 * what is cached, and the one download that may run at a time.
 */
import {
  assessModel,
  chooseBuild,
  defaultMemoryBudgetMB,
  memoryBudgetProblem as budgetProblemOf,
  type CatalogEntry,
  type DeviceCapabilities,
  type ModelAssessment,
  type ModelBuild,
} from '../../core/llm/catalog.ts';
import { isAbortError } from '../../core/llm/abort.ts';
import type { WebLLMCatalog } from '../../llm/model-catalog.ts';
import { toAppConfig, type ModelFileSource } from '../../llm/webllm-app-config.ts';
import { deleteCachedModel, inspectModelCache, type CacheStorageLike, type CachedModel } from '../../llm/webllm-cache.ts';
import { explainWebLLMError, isLastingProblem, WebLLMEngineError, type ExplainedError } from '../../llm/webllm-errors.ts';
import type { LoadProgress } from '../../llm/webllm-progress.ts';
import type { WebLLMSession } from '../../llm/webllm-session.ts';
import { MODEL_SETTINGS_KEY, readSavedModelSettings, type SavedModelSettings } from '../../llm/saved-model-source.ts';
import { writeSetting, type SettingsStorage } from './saved-settings.ts';
import { holdTabWork } from '../shell/tab-work.ts';

export interface ModelRow {
  entry: CatalogEntry;
  /** The build this device should use, or the first one when none can run (for display). */
  build: ModelBuild | undefined;
  assessment: ModelAssessment | undefined;
  cached: CachedModel | undefined;
  loaded: boolean;
}

function sharedReasons(rows: readonly ModelRow[]): string[] {
  const runnable = rows.filter((row) => row.assessment?.build);
  const [first, ...rest] = runnable;
  if (!first?.assessment || rest.length === 0) return [];
  return first.assessment.reasons.filter((reason) => rest.every((row) => row.assessment?.reasons.includes(reason)));
}

/**
 * Whether a load report says weights are being fetched. WebLLM reports "Fetching param
 * cache[…]" only when shards are missing; a load from the cache goes from "Start to fetch
 * params" straight to "Loading model from cache[…]".
 */
function fetchesWeights(progress: LoadProgress): boolean {
  return progress.phase === 'downloading' && progress.text.startsWith('Fetching param cache');
}

export interface DownloadState {
  modelId: string;
  progress: LoadProgress | undefined;
  /** When the last report came (or the load started), on `performance.now()`'s clock. */
  lastNewsMs: number;
}


export interface ModelsViewDeps {
  catalog: WebLLMCatalog;
  session: WebLLMSession;
  probe: () => Promise<DeviceCapabilities>;
  /** This site's storage now; asked again whenever the cache is re-read, as downloads and deletes change it. */
  estimateStorage?: () => Promise<DeviceCapabilities['storage']>;
  /** Undefined where the browser has no Cache Storage (then nothing is listed as cached). */
  cacheStorage: CacheStorageLike | undefined;
  settings: SettingsStorage | undefined;
}

export class ModelsView {
  readonly catalog: WebLLMCatalog;
  caps = $state.raw<DeviceCapabilities | undefined>(undefined);
  probing = $state(false);
  cached = $state.raw<CachedModel[]>([]);
  loadedIds = $state.raw<readonly string[]>([]);
  download = $state.raw<DownloadState | undefined>(undefined);
  failure = $state.raw<{ modelId: string; explained: ExplainedError } | undefined>(undefined);
  /**
   * How long the last finished load took, to show what a swap costs on this device: only a load
   * from this browser's cache says that, so after one that downloaded weights there is none.
   */
  lastLoad = $state.raw<{ modelId: string; ms: number } | undefined>(undefined);
  weightsBaseUrl = $state('');
  librariesBaseUrl = $state('');
  /** The budget field as typed: null when emptied (use the estimate). */
  memoryBudgetInput = $state<number | null>(null);
  /** The field holds text the browser cannot read as a number (it then binds null, as if emptied). */
  memoryBudgetUnreadable = $state(false);
  /** Where the engine fetches model files from now: the fields above as last applied, not as being typed. */
  appliedSource = $state.raw<ModelFileSource>({});
  /** The budget saved last: what stays in use while the field holds one that cannot be. */
  #savedBudgetMB = $state<number | null>(null);

  /** The budget field's sentence while it holds a value that cannot be used (below the minimum, not a number). */
  memoryBudgetProblem: string | null = $derived(budgetProblemOf(this.memoryBudgetUnreadable ? Number.NaN : this.memoryBudgetInput));
  /** Half the system memory, when the browser reports it: what an empty budget field stands for. */
  estimatedBudgetMB: number | undefined = $derived(this.caps ? defaultMemoryBudgetMB(this.caps) : undefined);
  memoryBudgetMB: number | undefined = $derived(
    (this.memoryBudgetProblem === null ? this.memoryBudgetInput : this.#savedBudgetMB) ?? this.estimatedBudgetMB,
  );
  rows: ModelRow[] = $derived(this.#rows());
  /**
   * Reasons every runnable model shares (a software adapter, say), shown once above the table
   * instead of in every row.
   */
  sharedReasons: string[] = $derived(sharedReasons(this.rows));

  readonly #deps: ModelsViewDeps;

  constructor(deps: ModelsViewDeps) {
    this.#deps = deps;
    this.catalog = deps.catalog;
    const saved = readSavedModelSettings(deps.settings);
    this.weightsBaseUrl = saved.weightsBaseUrl;
    this.librariesBaseUrl = saved.librariesBaseUrl;
    this.memoryBudgetInput = saved.memoryBudgetMB;
    this.#savedBudgetMB = saved.memoryBudgetMB;
    this.appliedSource = this.source();
    deps.session.setSource(this.appliedSource);
    this.loadedIds = deps.session.host.loadedModelIds;
  }

  async start(): Promise<void> {
    this.probing = true;
    try {
      this.caps = await this.#deps.probe();
    } finally {
      this.probing = false;
    }
    this.#deps.session.setMemoryBudgetMB(this.memoryBudgetMB);
    await this.refreshCache();
  }

  source(): ModelFileSource {
    const source: ModelFileSource = {};
    if (this.weightsBaseUrl.trim()) source.weightsBaseUrl = this.weightsBaseUrl.trim();
    if (this.librariesBaseUrl.trim()) source.librariesBaseUrl = this.librariesBaseUrl.trim();
    return source;
  }

  /**
   * Saves the model-file location and memory budget, and hands them to the engine. A budget the
   * field cannot give (its problem shows there) is not saved: the last good one stays.
   */
  applySettings(): void {
    if (this.memoryBudgetProblem === null) this.#savedBudgetMB = this.memoryBudgetInput;
    writeSetting(this.#deps.settings, MODEL_SETTINGS_KEY, {
      weightsBaseUrl: this.weightsBaseUrl.trim(),
      librariesBaseUrl: this.librariesBaseUrl.trim(),
      memoryBudgetMB: this.#savedBudgetMB,
    } satisfies SavedModelSettings);
    this.appliedSource = this.source();
    this.#deps.session.setSource(this.appliedSource);
    this.#deps.session.setMemoryBudgetMB(this.memoryBudgetMB);
    void this.refreshCache();
  }

  async refreshCache(): Promise<void> {
    await this.#refreshStorage();
    if (!this.#deps.cacheStorage) return;
    try {
      this.cached = await inspectModelCache(this.#records(), this.#deps.cacheStorage);
    } catch {
      // An unreadable cache shows as "not cached"; downloading again repairs it.
      this.cached = [];
    }
  }

  /** Downloads (first time) and loads one build; the progress and any failure land on the view. */
  async downloadModel(modelId: string): Promise<boolean> {
    if (this.download) return false;
    this.failure = undefined;
    this.download = { modelId, progress: undefined, lastNewsMs: performance.now() };
    // A load replaces every loaded model, and a failed or cancelled one leaves none: from now on
    // no model may be marked loaded (Delete would unload it, Try it would ask it).
    this.loadedIds = [];
    // A download of a gigabyte or two takes minutes: the tab does not reload itself over it.
    const releaseTab = holdTabWork('a model download');
    const { host } = this.#deps.session;
    let downloaded = false;
    try {
      const result = await host.load([modelId], (progress) => {
        if (fetchesWeights(progress)) downloaded = true;
        if (this.download?.modelId === modelId) this.download = { modelId, progress, lastNewsMs: performance.now() };
      });
      this.lastLoad = downloaded ? undefined : { modelId, ms: result.ms };
      return true;
    } catch (error) {
      if (!isAbortError(error)) {
        this.failure = { modelId, explained: error instanceof WebLLMEngineError ? error.explained : explainWebLLMError(error) };
      }
      return false;
    } finally {
      releaseTab();
      this.download = undefined;
      this.loadedIds = host.loadedModelIds;
      await this.refreshCache();
    }
  }

  /**
   * Reads again which models the engine holds. A reply can change that behind the table's back:
   * one that went silent ends the worker, and a call can load a model on its own.
   */
  syncLoaded(): void {
    this.loadedIds = this.#deps.session.host.loadedModelIds;
  }

  /** Stops the running download at once; files already fetched stay cached. */
  cancelDownload(): void {
    this.#deps.session.host.cancel();
  }

  /**
   * Removes a model's files from this browser, unloading it first when loaded. Refused while a
   * download runs: the unload would wait behind that load and then drop the model it loaded.
   */
  async deleteModel(modelId: string): Promise<void> {
    if (this.download) return;
    const records = this.#records();
    const record = records.find((r) => r.model_id === modelId);
    if (!record || !this.#deps.cacheStorage) return;
    if (this.loadedIds.includes(modelId)) {
      await this.#deps.session.host.unload();
      this.loadedIds = this.#deps.session.host.loadedModelIds;
    }
    await deleteCachedModel(record, records, this.#deps.cacheStorage);
    await this.refreshCache();
  }

  /** The probe's storage figures go stale with every download: the panel and the quota check read these. */
  async #refreshStorage(): Promise<void> {
    const caps = this.caps;
    if (!caps || !this.#deps.estimateStorage) return;
    const storage = await this.#deps.estimateStorage();
    if (this.caps !== caps) return;
    const next = { ...caps };
    if (storage) next.storage = storage;
    else delete next.storage;
    this.caps = next;
  }

  /**
   * Whether "Try again" can get anywhere for the failed load of `modelId`: not when this browser
   * cannot run the build at all (no WebGPU, no shader-f16, GPU limits), only when the cause can pass
   * (a stalled or broken download, a crashed worker, a full disk since cleared).
   */
  canRetry(modelId: string): boolean {
    const failure = this.failure;
    if (!failure || failure.modelId !== modelId) return false;
    return !isLastingProblem(failure.explained.kind);
  }

  dismissFailure(): void {
    this.failure = undefined;
  }

  #records() {
    return toAppConfig(this.catalog.records, this.appliedSource).model_list;
  }

  #rows(): ModelRow[] {
    const caps = this.caps;
    const cachedById = new Map(this.cached.map((c) => [c.modelId, c]));
    return this.catalog.entries.map((entry) => {
      const build = caps ? chooseBuild(entry, caps) : undefined;
      const shown = build ?? entry.builds.q4f32_1 ?? entry.builds.q4f16_1;
      const cached = shown ? cachedById.get(shown.modelId) : undefined;
      const assessment = caps
        ? assessModel(entry, caps, {
            cached: cached?.complete ?? false,
            cachedBytes: cached?.bytes ?? 0,
            ...(this.memoryBudgetMB === undefined ? {} : { memoryBudgetMB: this.memoryBudgetMB }),
          })
        : undefined;
      return { entry, build: shown, assessment, cached, loaded: shown ? this.loadedIds.includes(shown.modelId) : false };
    });
  }
}
