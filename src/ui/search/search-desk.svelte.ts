/**
 * Everything the Search page holds, once per tab: the form, the searches stored in this browser,
 * the search on show (running here or read back from the store), and the sandbox pool. It
 * outlives the page component, so leaving the page and coming back finds a search still running.
 *
 * A started search puts its id in the address (`#/search?sid=…`). Opening that address again —
 * a reload — shows the search and, when it was interrupted (the store says running while no tab
 * holds its lock), resumes it at once: finished evaluations are read back, never run again. Not
 * when this tab sent it an API key the reload forgot (tab-run.ts): that waits for the key and Resume.
 * Nor when another tab holds it: its panel then says so and follows it, as the list's card does.
 */
import { startAwakeClock } from '../../core/awake-clock.ts';
import { sameDatasetFile, type LoadedDataset } from '../../core/benchmarks/datasets.ts';
import { BENCHMARK_NAMES } from '../../core/benchmarks/task-id.ts';
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { StoredSearch } from '../../core/ports.ts';
import type { SearchPorts } from '../../core/search/run-search.ts';
import { withBudget } from '../../core/search/search.ts';
import type { SearchBudget } from '../../core/search/search-config.ts';
import type { ValidationRequest } from '../../core/search/search-record.ts';
import { createSearchSetup, type SearchSetup } from '../../core/search/search-setup.ts';
import { currentState } from '../../core/search/stored-search.ts';
import { installedCatalog } from '../../llm/webllm-installed.ts';
import { appDatasets } from '../datasets/benchmark-dataset.svelte.ts';
import { browserSandboxFactory } from '../sandbox/browser-sandbox-factory.ts';
import { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { tabStorage } from '../shared/form-draft.ts';
import { FormDraftKeeper } from '../shared/form-draft-keeper.svelte.ts';
import { FormProblems, NO_REFUSAL, plainRefusal, startRefusal, type StartRefusal } from '../shared/form-problems.ts';
import { failureMessage } from '../shared/run-failure.ts';
import { failureAdvice } from './search-failure.ts';
import { ModelEngines } from '../shared/model-engines.svelte.ts';
import { MAX_WORKERS, WorkersField } from '../shared/workers-field.svelte.ts';
import { searchLocks } from '../shared/run-locks.ts';
import { keyedEndpoints, keyLostSentence, lostKeys, tabRunRecord } from '../shared/tab-run.ts';
import { studyModels } from '../study/study-models.ts';
import { SearchForm } from './search-form.svelte.ts';
import { applySearchDraft, SearchDraftStore, searchDraftOf, type SearchFormDraft } from './search-form-draft.ts';
import { SearchLibrary } from './search-library.svelte.ts';
import { appSearchStores } from './search-store-connection.ts';
import { SearchView } from './search-view.svelte.ts';

const DEFAULT_WORKERS = Math.min(2, MAX_WORKERS);
/** How often the page looks whether another tab has taken up the search on show (only the locks: cheap). */
const TAKEN_UP_CHECK_MS = 3000;
/** The search this tab runs and the endpoints it sent a key to, for a reload of the tab (tab-run.ts). */
const RUNNING_IN_TAB_KEY = 'feedback-lab:search-running-in-tab';

export function newSearchId(now: Date = new Date()): string {
  const random = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `search-${now.getTime().toString(36)}-${random}`;
}

/**
 * Said when this tab would start a search another tab holds (a Resume pressed just as that tab took
 * it up). It must stay true after that tab closes: the card below, and the panel when the search
 * is on show, then turn to "interrupted" with Resume, and nothing resumes by itself; the sentence
 * itself then gives way to LET_GO_IN_ANOTHER_TAB (or LET_GO_ON_PANEL).
 */
export const RUNNING_IN_ANOTHER_TAB =
  'This search was already running in another tab, so this tab left it to that one: it goes on there. Its card below follows it, and offers Resume if that tab is closed before the search ends.';

/**
 * Said instead, once that tab has let go of the search (the list, read again every few seconds, no
 * longer finds it held): "it goes on there" stayed up, beside the Resume that card or panel now
 * offered, after the search ended there or that tab was closed.
 */
export const LET_GO_IN_ANOTHER_TAB =
  'The other tab is no longer running this search: it ended there, or that tab was closed. Its card below says how it stands, and offers Resume if it was left unfinished.';

/** The same, on the panel of the search on show, where a Resume search or Carry on was refused. */
export const LET_GO_ON_PANEL =
  'The other tab is no longer running this search: it ended there, or that tab was closed. This panel shows how it stands, with Resume search if it was left unfinished.';

export type StartingWork = { kind: 'new' } | { kind: 'resume' | 'extend'; searchId: string } | { kind: 'validation' };

export class SearchDesk {
  readonly form = new SearchForm();
  readonly library: SearchLibrary;
  // A restored draft's engine is the user's: the GPU probe must not change it.
  readonly engines = new ModelEngines(this.form, installedCatalog, () => this.busy, () => this.keeper.restored);
  view = $state.raw<SearchView | null>(null);
  #refusal = $state.raw<StartRefusal>(NO_REFUSAL);
  /** The search RUNNING_IN_ANOTHER_TAB was said of, whose lock the list follows. */
  #leftTo = $state<string | null>(null);
  /** Why the last start, resume or opened address could not happen, and whether it was the form's fields. */
  get refusal(): StartRefusal {
    const leftTo = this.#leftTo;
    if (leftTo !== null && this.#refusal.lines[0] === RUNNING_IN_ANOTHER_TAB && !this.library.elsewhere.has(leftTo)) {
      return plainRefusal([LET_GO_IN_ANOTHER_TAB]);
    }
    return this.#refusal;
  }
  set refusal(refusal: StartRefusal) {
    this.#refusal = refusal;
  }
  /** The refusal's sentences, one per problem; set, they are a refusal that is not the form's fields. */
  get errors(): readonly string[] {
    return this.refusal.lines;
  }
  set errors(lines: readonly string[]) {
    this.refusal = plainRefusal(lines);
  }
  notice = $state<string | null>(null);
  /**
   * What this tab is starting, until it runs: a new search, a stored one resumed or carried on
   * (the one on show: its panel says so, and offers no second Resume), or a validation.
   */
  startingWork = $state.raw<StartingWork | null>(null);
  get starting(): boolean {
    return this.startingWork !== null;
  }
  /** The form's Python workers field: kept here, as the draft keeps it apart from the search's own fields. */
  readonly workersField = new WorkersField(DEFAULT_WORKERS);

  /** The Python workers a run starts with. */
  get workers(): number {
    return this.workersField.count;
  }
  set workers(count: number) {
    this.workersField.count = count;
  }

  /** Everything the form cannot start with: its own fields' problems, and the Python workers field's. */
  problems(): string[] {
    const workers = this.workersField.problem;
    return [...this.form.problems(), ...(workers ? [workers] : [])];
  }

  readonly #sandboxes = new SandboxHolder(browserSandboxFactory);
  /** The form's draft in this tab's sessionStorage: a reload gives the form back. */
  readonly keeper: FormDraftKeeper<SearchFormDraft>;
  #handledAddress: string | null = null;
  /** Searches whose lock this tab holds (running, validating, or just finishing). */
  readonly #held = new Set<string>();
  /** The search this tab runs, as a reload of the tab finds it. */
  readonly #thisTab = tabRunRecord(tabStorage(), RUNNING_IN_TAB_KEY);
  #takenUpCheck: ReturnType<typeof setInterval> | null = null;

  constructor() {
    this.library = new SearchLibrary({
      stores: appSearchStores,
      runningHere: () => this.#runningHere(),
      pausedHere: () => new Set(this.view?.phase === 'paused' ? [this.view.setup.id] : []),
      onRefresh: () => void this.#followShown(),
    });
    this.form.datasetProblems = () => appDatasets[this.form.benchmark].loaded?.problems ?? null;
    this.keeper = new FormDraftKeeper(new SearchDraftStore(tabStorage()), {
      snapshot: () => searchDraftOf(this.form, { workers: this.workers }),
      apply: (draft) => {
        applySearchDraft(this.form, draft);
        this.workers = draft.workers;
      },
      settledByTab: ['engine', 'endpoint', 'workers'],
    });
    this.keeper.restore();
    // The desk lives as long as the tab: so does the watch.
    this.keeper.watch();
    this.engines.readSettings();
  }

  /** Puts the form back as a fresh tab shows it and forgets its draft; the page asks first when that discards edits. */
  resetForm(): void {
    applySearchDraft(this.form, searchDraftOf(new SearchForm(), { workers: DEFAULT_WORKERS }));
    this.workers = DEFAULT_WORKERS;
    this.engines.restoreDefaults();
    this.keeper.forget();
    this.errors = [];
  }

  get busy(): boolean {
    return this.starting || this.view?.busy === true;
  }

  /** Reads the endpoint settings and the stored searches, and probes the GPU once; safe to call on every visit. */
  visit(): Promise<void> {
    this.engines.readSettings();
    this.library.watchOthers(true);
    void this.library.refresh();
    this.#takenUpCheck ??= setInterval(() => void this.#checkTakenUp(), TAKEN_UP_CHECK_MS);
    return this.engines.probe();
  }

  /** Frees the Python workers unless a search still needs them. */
  leave(): void {
    if (!this.busy) void this.#sandboxes.close();
    this.library.watchOthers(false);
    if (this.#takenUpCheck !== null) clearInterval(this.#takenUpCheck);
    this.#takenUpCheck = null;
  }

  /**
   * The list is read again only while another tab runs something, so a search on show that another
   * tab takes up later (its own Resume, Carry on or validation) would still offer Resume here: look
   * at the locks, and once one is held, read the list, which puts the panel into following it.
   */
  async #checkTakenUp(): Promise<void> {
    const view = this.view;
    if (!view || view.busy || view.heldElsewhere || this.starting) return;
    const held = await searchLocks.heldAnywhere();
    if (held.has(view.setup.id) && !this.#runningHere().has(view.setup.id)) await this.library.refresh();
  }

  /** `sid=` shows that search, and resumes it when a reload interrupted it. Runs once per address. */
  async openAddress(query: URLSearchParams | undefined): Promise<void> {
    const sid = query?.get('sid');
    if (!sid || this.#handledAddress === sid) return;
    this.#handledAddress = sid;
    if (this.view?.busy) {
      // Back or a bookmark to another search while one runs here: showing that one would take
      // the running search's Pause and Stop off the page and let a second search start beside it.
      if (this.view.setup.id !== sid) {
        this.errors = ['A search is running in this tab: stop it, or wait for it to finish, before opening another.'];
        this.#putInAddress(this.view.setup.id);
      }
      return;
    }
    await this.visit();
    const { store } = await appSearchStores();
    const stored = await store.loadSearch(sid);
    if (!stored) {
      this.errors = ['The search in this address is not stored in this browser (was it deleted, or started in another browser?).'];
      return;
    }
    this.#showStored(stored);
    if (stored.status !== 'running') return;
    // A page closed a moment ago may still hold the lock: wait a little for it.
    for (let attempt = 0; attempt < 10; attempt++) {
      await this.library.refresh();
      if (!this.library.elsewhere.has(sid)) {
        // The tab that let go may have stopped it, or seen it finish, meanwhile: only a search
        // still called running was interrupted. The panel follows what it left (#followShown).
        if (this.library.listings.find((listing) => listing.id === sid)?.status !== 'running') return;
        const keyLost = this.#keyLost(stored);
        if (keyLost) {
          // Its Resume search button is the way on, with the key typed again. The record stays: the
          // address would resume it by itself on the next reload too.
          this.errors = [keyLost];
          return;
        }
        this.notice = 'This search was interrupted (the page was closed or reloaded); it resumes where it stopped.';
        await this.resume(sid);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Still held: another tab runs it. Its panel says so and follows it (#followShown), offering
    // Resume only once that tab lets go of it before the end; nothing resumes it by itself.
  }

  /** Puts a stored search on show, saying at once whether another tab holds it as far as the list knows. */
  #showStored(stored: StoredSearch): void {
    const view = new SearchView(stored);
    view.heldElsewhere = this.library.elsewhere.has(stored.setup.id);
    this.view = view;
    void this.library.refresh();
  }

  /**
   * The search on show, read again at each reading of the list while another tab holds it (every
   * few seconds, while the page is open), so its panel follows that tab; and once more when that
   * tab lets go, so the panel shows what it left: done, or interrupted with Resume.
   */
  async #followShown(): Promise<void> {
    const view = this.view;
    if (!view || view.busy) return;
    const heldElsewhere = this.library.elsewhere.has(view.setup.id);
    if (!heldElsewhere && !view.heldElsewhere) return;
    const { store } = await appSearchStores();
    // Read after the lock was looked at: once that tab let go, this is all it stored.
    const stored = await store.loadSearch(view.setup.id).catch(() => null);
    if (this.view !== view || view.busy) return;
    // Deleted meanwhile: what was shown stays, but no tab holds it any longer.
    if (stored) view.follow(stored, heldElsewhere);
    else view.heldElsewhere = heldElsewhere;
    // A Resume search or Carry on refused for that tab: "it goes on there" is no longer so.
    if (!heldElsewhere && view.failure?.endsWith(RUNNING_IN_ANOTHER_TAB)) {
      view.failure = LET_GO_ON_PANEL;
      view.failureAdvice = null;
    }
  }

  /**
   * Why the search this tab ran cannot go on by itself after a reload, or null: it was sent an API
   * key this tab no longer knows (typed into the form, not remembered by the Models page). Without
   * it, it went on anyway, got 401 for every call and stopped by an error.
   */
  #keyLost(stored: StoredSearch): string | null {
    const lost = lostKeys(this.#thisTab.get(), stored.setup.id, this.engines.modelDeps.apiKeyFor);
    if (lost.length === 0) return null;
    return keyLostSentence(`“${stored.setup.name}”`, lost, { engine: '“Engine for the model pool”', resume: 'Resume search' });
  }

  /** Starts the search the form describes. */
  async start(): Promise<void> {
    this.notice = null;
    await this.#guard({ kind: 'new' }, async () => {
      if (this.workersField.problem) throw new FormProblems(this.problems());
      const draft = this.form.toDraft();
      const dataset = await this.#loaded(draft.benchmark);
      const promptSet = this.form.promptSet;
      const setup = createSearchSetup(draft, {
        id: newSearchId(),
        created: new Date().toISOString(),
        problems: dataset.problems,
        datasetSha256: dataset.sha256,
        ...(promptSet ? { promptSet } : {}),
      });
      await this.#launch(setup, dataset);
      this.#putInAddress(setup.id);
    });
  }

  /** Shows a stored search (not running here). */
  async show(searchId: string): Promise<void> {
    if (this.view?.busy) {
      this.errors = ['A search is running in this tab: stop it first, or wait for it to finish.'];
      return;
    }
    const { store } = await appSearchStores();
    const stored = await store.loadSearch(searchId);
    if (stored) {
      this.#showStored(stored);
      this.#putInAddress(searchId);
    }
    this.notice = null;
  }

  /** Resumes a stored search that no tab runs. */
  async resume(searchId: string): Promise<void> {
    await this.#guard({ kind: 'resume', searchId }, async () => {
      const { store } = await appSearchStores();
      const stored = await store.loadSearch(searchId);
      if (!stored) throw new Error('This search is no longer stored here.');
      const dataset = await this.#checkedDataset(stored);
      await this.#launch(stored.setup, dataset);
      this.#putInAddress(searchId);
    });
  }

  /** Gives a finished search a larger budget and carries it on from exactly where it stopped. */
  async extend(searchId: string, budget: SearchBudget): Promise<void> {
    await this.#guard({ kind: 'extend', searchId }, async () => {
      const { store } = await appSearchStores();
      const stored = await store.loadSearch(searchId);
      if (!stored) throw new Error('This search is no longer stored here.');
      const dataset = await this.#checkedDataset(stored);
      // The larger budget is stored only once the search can run (its lock held, its models bound,
      // Python started): a Carry on refused for an endpoint gone left the search stored as
      // evaluating under the new budget while listed as done, offering Resume.
      await this.#launch(stored.setup, dataset, (searchStore) => searchStore.saveState(searchId, withBudget(currentState(stored), budget)));
      this.#putInAddress(searchId);
    });
  }

  /** Re-validates the champions of the search on show. */
  async validate(request: Omit<ValidationRequest, 'problemIds'>): Promise<void> {
    const view = this.view;
    if (!view) return;
    await this.#guard({ kind: 'validation' }, async () => {
      const { store } = await appSearchStores();
      const stored = await store.loadSearch(view.setup.id);
      if (!stored) throw new Error('This search is no longer stored here.');
      const dataset = await this.#checkedDataset(stored);
      const { ports, release } = await this.#ports(stored.setup);
      void view
        .validate(dataset.problems, ports, { ...request, problemIds: stored.setup.config.problemIds }, { concurrency: this.workers + 1 })
        .finally(async () => {
          await release();
          await this.library.refresh();
        });
    });
  }

  /** `beforeRun`: a change to the stored search made once everything the run needs is there, before it is read back. */
  async #launch(setup: SearchSetup, dataset: LoadedDataset, beforeRun?: (store: SearchPorts['searchStore']) => Promise<void>): Promise<void> {
    const { ports, release, storeTerminated } = await this.#ports(setup);
    const stored = await (async () => {
      await beforeRun?.(ports.searchStore);
      return ports.searchStore.loadSearch(setup.id);
    })().catch(async (error: unknown) => {
      await release();
      throw error;
    });
    if (!stored) {
      await release();
      throw new Error('The store lost the search right after storing it.');
    }
    const view = new SearchView(stored);
    this.view = view;
    this.#thisTab.set({ id: setup.id, keyedEndpoints: keyedEndpoints(setup.models, this.engines.modelDeps.apiKeyFor) });
    void this.library.refresh();
    // The list's cards count what is stored: read it again once a new generation, or a pause, is.
    const onStored = () => void this.library.refresh();
    void view.run(dataset.problems, ports, { concurrency: this.workers + 1, onStored, storeTerminated }).finally(async () => {
      // Stopped by an error, the search is not "interrupted": left as running in the store, it was
      // listed so, and its address resumed it by itself on the next visit, only to meet the same
      // error (a wrong model name). Stopped, it waits for Resume, listed as stopped by an error.
      if (view.phase === 'failed') await ports.searchStore.setStatus(setup.id, 'failed').catch(() => undefined);
      // Over (done, stopped, or stopped by an error): nothing for a reload to take up again.
      if (this.#thisTab.get()?.id === setup.id) this.#thisTab.set(null);
      await release();
      await this.library.refresh();
    });
  }

  /** Takes the search's lock, binds its models and starts Python; the caller releases. */
  async #ports(setup: SearchSetup): Promise<{ ports: SearchPorts; release: () => Promise<void>; storeTerminated: () => boolean }> {
    const claimed = await searchLocks.claim(setup.id);
    if (!claimed) {
      // The list (and the panel, when this search is on show) learn it now, not at the next visit;
      // read before the refusal is said, which changes once the list no longer finds the search held.
      await this.library.refresh();
      this.#leftTo = setup.id;
      throw new Error(RUNNING_IN_ANOTHER_TAB);
    }
    this.#held.add(setup.id);
    // Time the laptop slept is left out of each problem's cap and of the search's active time (awake-clock.ts).
    const awake = startAwakeClock();
    const release = async () => {
      awake.stop();
      await claimed();
      this.#held.delete(setup.id);
    };
    try {
      const model = await studyModels(setup, this.engines.modelDeps);
      // Python first: a sandbox that cannot start should not leave an empty search behind.
      const sandbox = await this.#sandboxes.get(this.workers);
      const { store, cache } = await appSearchStores();
      await store.putSearch(setup);
      return {
        ports: { model, sandbox, searchStore: store, callCache: cache, now: awake.now, suspendedMs: awake.suspendedMs },
        release,
        storeTerminated: () => store.terminated,
      };
    } catch (error) {
      await release();
      throw error;
    }
  }

  async #checkedDataset(stored: StoredSearch): Promise<LoadedDataset> {
    const dataset = await this.#loaded(stored.setup.benchmark);
    if (!sameDatasetFile(stored.setup.benchmark, dataset.sha256, stored.setup.datasetSha256)) {
      throw new Error(
        `This search ran on another ${BENCHMARK_NAMES[stored.setup.benchmark]} file (SHA-256 ${stored.setup.datasetSha256.slice(0, 12)}…) than the one loaded here (${dataset.sha256.slice(0, 12)}…): its problems would not be the same.`,
      );
    }
    return dataset;
  }

  async #loaded(benchmark: BenchmarkId): Promise<LoadedDataset> {
    const dataset = await appDatasets[benchmark].ensure();
    if (!dataset) throw new Error(`The ${benchmark === 'mbpp' ? 'MBPP' : 'HumanEval'} problems could not be loaded; see above for why, or pick the file.`);
    return dataset;
  }

  /** One start, resume or validation at a time; its failure becomes the page's error. */
  async #guard(what: StartingWork, work: () => Promise<void>): Promise<void> {
    if (this.busy) {
      this.errors = ['A search is already running in this tab: stop it first.'];
      return;
    }
    // A search is about to be stored: the browser is asked, once, not to clear it when the disk fills.
    this.library.askToKeep();
    this.startingWork = what;
    this.errors = [];
    try {
      await work();
    } catch (error) {
      if (!this.#refusedOnPanel(what, error)) this.refusal = startRefusal(error);
    } finally {
      this.startingWork = null;
    }
  }

  /**
   * A Validate, Resume search or Carry on of the search on show that cannot start is said on its
   * panel, beside the button pressed. It went to the New search form, far below, where an
   * endpoint field holding another address invited the user to put right the wrong form: these
   * run on the search's own stored endpoint and models. Says whether it did.
   */
  #refusedOnPanel(what: StartingWork, error: unknown): boolean {
    const view = this.view;
    if (!view || what.kind === 'new') return false;
    if (what.kind === 'validation') {
      view.validationFailure = `Validation could not start: ${failureMessage(error)}`;
      return true;
    }
    if (view.setup.id !== what.searchId) return false;
    view.failure = `${what.kind === 'resume' ? 'Resume search' : 'Carry on'} could not start, on the search's own endpoint and models: ${failureMessage(error)}`;
    view.failureAdvice = failureAdvice(error);
    return true;
  }

  /** The address names the search on show, so a reload (or a bookmark) opens that one. */
  #putInAddress(searchId: string): void {
    this.#handledAddress = searchId;
    history.replaceState(history.state, '', `#/search?sid=${encodeURIComponent(searchId)}`);
  }

  #runningHere(): ReadonlySet<string> {
    return new Set([...this.#held, ...(this.view?.busy ? [this.view.setup.id] : [])]);
  }
}

let desk: SearchDesk | null = null;

export function searchDesk(): SearchDesk {
  desk ??= new SearchDesk();
  return desk;
}
