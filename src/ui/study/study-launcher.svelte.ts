/**
 * Starting and resuming studies in this tab: the form's draft becomes a StudyConfig over the
 * loaded benchmark, the models are bound, the sandbox pool is started, and the runner goes,
 * holding the study's lock so other tabs (and this one after a reload) know it is running.
 *
 * Study links with `autorun=1` start by themselves. Once started, the address gets the study's
 * id (`sid=`), so a reload resumes that study instead of starting another; a finished, paused or
 * cancelled one is shown rather than run. Opening the same link without `sid` also resumes its
 * interrupted study, if there is one. A study started from the form (or resumed from its card)
 * is remembered by the tab instead (`thisTab`), so a reload of the tab goes on with it too.
 */
import { sameDatasetFile, type LoadedDataset } from '../../core/benchmarks/datasets.ts';
import { BENCHMARK_NAMES } from '../../core/benchmarks/task-id.ts';
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import { SandboxBroken } from '../../core/harness/sandbox-broken.ts';
import { isReplayStudy, studyPromptSet, type StudyConfig } from '../../core/study/config.ts';
import { createStudyConfig } from '../../core/study/create-config.ts';
import { decodeStudyLink, encodeStudyLink, isStudyLink, type StudyLinkResult } from '../../core/study/link.ts';
import type { LanguageModel, Sandbox, StudyStatus } from '../../core/ports.ts';
import type { ResultEnvironment } from '../../core/results/result-file.ts';
import { connectionTerminated } from '../../store/database.ts';
import type { IdbStudyStore } from '../../store/study-store.ts';
import { FormProblems, NO_REFUSAL, plainRefusal, startRefusal, type StartRefusal } from '../shared/form-problems.ts';
import { studyLinkLocks, studyLocks } from '../shared/run-locks.ts';
import { keyedEndpoints, keyLostSentence, lostKeys, type TabRunRecord } from '../shared/tab-run.ts';
import { WorkersField } from '../shared/workers-field.svelte.ts';
import { replayModels, replaySourceMismatch } from './replay-study.ts';
import { startFailureAdvice } from './study-failure.ts';
import type { StudyForm } from './study-form.svelte.ts';
import type { StudyLibrary } from './study-library.svelte.ts';
import { studyModels, type StudyModelDeps } from './study-models.ts';
import { ServedModelLog } from '../../llm/served-model.ts';
import { apiRoot } from '../../llm/endpoint-url.ts';
import { startAwakeClock } from '../../core/awake-clock.ts';
import { describeDownloads, type PendingDownload } from '../../llm/weights-to-download.ts';
import { StudyRun } from './study-run.svelte.ts';
import { spacedRefresh } from './spaced-refresh.ts';

export interface LauncherDeps {
  store: () => Promise<IdbStudyStore>;
  dataset: (benchmark: BenchmarkId) => Promise<LoadedDataset | null>;
  sandbox: (workers: number) => Promise<Sandbox>;
  models: Omit<StudyModelDeps, 'replay'>;
  /** Replaces the address without a navigation (history.replaceState). */
  setAddress: (hash: string) => void;
  /** This browser's environment for a study's result file, kept as each run starts (never throws). */
  environmentHere?: (config: StudyConfig) => Promise<ResultEnvironment>;
  /**
   * The study this tab runs, kept where a reload of the tab finds it again (sessionStorage): a
   * reload, or a crash the browser restores, then resumes it as a link's study is resumed, unless
   * it was sent an API key the reload forgot (tab-run.ts).
   */
  thisTab?: TabRunRecord;
  now?: () => number;
}

/** Link parameters that are not part of the study itself. */
const NOT_THE_STUDY = ['autorun', 'sid'];

/** The link's study parameters, for recognising the same link later. */
export function linkIdentity(query: URLSearchParams): string {
  const params = new URLSearchParams(query);
  for (const name of NOT_THE_STUDY) params.delete(name);
  return params.toString();
}

/**
 * Said when this tab would run a study another tab holds. That tab goes on with it; this one does
 * not take it over later by itself, and the sentence stays up while the list below (read again
 * every few seconds) follows the study: so it says what was done, and where to look from now on.
 * Once that tab lets go of the study, LET_GO_IN_ANOTHER_TAB takes its place.
 */
export const RUNNING_IN_ANOTHER_TAB =
  'This study was already running in another tab, so this tab left it to that one: it goes on there. Its card below follows it, and offers Resume if that tab is closed before the study ends.';

/**
 * Said instead, once that tab has let go of the study (its list, read again every few seconds,
 * no longer finds it held): "it goes on there" stayed up after the study ended there, or after
 * that tab was closed, when nothing went on anywhere.
 */
export const LET_GO_IN_ANOTHER_TAB =
  'The other tab is no longer running this study: it ended there, or that tab was closed. Its card below says how it stands, and offers Resume if it was left unfinished.';

/** Said while another tab is starting the study of the autorun link this tab opened too. */
/** Said when a link's study is stored already and is not run again by opening the link. */
export function linkStudyStored(name: string, status: StudyStatus): string {
  const state = status === 'done' ? 'finished' : status === 'failed' ? 'stopped by an error' : status;
  const next = status === 'done' ? 'Its results are on its card below' : 'Resume it from its card below';
  return `This link's study, “${name}”, is stored here already (${state}), so it was not started again. ${next}; Run study starts a new run of it.`;
}

export const LINK_STARTING_ELSEWHERE =
  'Another tab opened this link a moment ago and is starting its study: this tab waits for it, then leaves the study to that tab rather than run it twice. Its card will show below.';

/** How often a tab waiting on another tab's start of the same link looks again. */
const LINK_WAIT_MS = 300;

/** The button that sets an unreadable link aside. */
export const USE_FORM_INSTEAD = 'Use the form instead';

/** The line the form's problem list gives while an unreadable link is not set aside: Run study is off for it. */
export const UNREAD_LINK_PROBLEM = `Study link: it cannot be read, so the form is not its study. Press “${USE_FORM_INSTEAD}” above to run the form as it stands, or open a corrected link.`;

/** A study link that could not be read: its problems, and whether the form held edits of this tab (else the defaults). */
export interface UnreadLink {
  errors: readonly string[];
  formEdited: boolean;
}

export function newStudyId(now: Date = new Date()): string {
  const random = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
  return `study-${now.getTime().toString(36)}-${random}`;
}

/** Why an autorun link did not start by itself: it would have sent this browser's API key. */
export function linkWouldSendKey(root: string): string {
  return `This link asks to start its study at once on ${root}, with the API key this browser holds for that endpoint. Nothing was started: check the study above (its arms, repeats and problems make its cost), then press Run study.`;
}

/**
 * Why an autorun link did not start by itself: its in-browser models would be downloaded first.
 * Sizes are estimates from the parameter counts (the exact one is known only from the file list).
 */
export function linkWouldDownload(pending: readonly PendingDownload[]): string {
  return (
    `This link asks to start its study at once in this browser, which would first download ${describeDownloads(pending)}. ` +
    'Nothing was started or downloaded: check the study above, then press Run study (or download the models on the Models page first).'
  );
}

export class StudyLauncher {
  run = $state.raw<StudyRun | null>(null);
  #refusal = $state.raw<StartRefusal>(NO_REFUSAL);
  /** The study RUNNING_IN_ANOTHER_TAB was said of, whose lock the list follows. */
  #leftTo = $state<string | null>(null);
  /** Why the last start or resume could not happen, and whether it was the form's fields. */
  get refusal(): StartRefusal {
    const leftTo = this.#leftTo;
    if (leftTo !== null && this.#refusal.lines[0] === RUNNING_IN_ANOTHER_TAB && !this.#library.elsewhere.has(leftTo)) {
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
  starting = $state(false);
  /**
   * The stored study whose card's Resume (or run again) is being started, until it runs or is
   * refused: its card keeps the pressed button in place, saying so, so keyboard focus stays on it
   * for the seconds Python takes to start instead of falling to <body> (audit R186-5).
   */
  resuming = $state<string | null>(null);
  /**
   * The link the page was opened with, while it cannot be read: the form was not filled in from
   * it, and Run study stays off until the user chooses the form as it stands
   * (`useFormInstead`) or a readable link is opened. Otherwise one press ran a study unrelated
   * to the link, under a message about the link.
   */
  unreadLink = $state.raw<UnreadLink | null>(null);
  /** The form's Python workers field: kept here, not in the form, as a link or a draft does not carry it with the study. */
  readonly workersField: WorkersField;

  readonly #deps: LauncherDeps;
  readonly #form: StudyForm;
  readonly #library: StudyLibrary;
  #handledQuery: string | null = null;
  /** The running study's end (its lock released, the list read again); resolved when none runs. */
  #ended: Promise<void> = Promise.resolve();
  /**
   * The study whose lock this tab holds while its run is still being prepared (models bound, Python
   * started: seconds): the list, finding the lock held and no run here yet, said "in another tab"
   * of the study whose Resume the user had just pressed (audit R186-5).
   */
  #claimed: string | null = null;

  constructor(deps: LauncherDeps, form: StudyForm, library: StudyLibrary, workers: number) {
    this.#deps = deps;
    this.#form = form;
    this.#library = library;
    this.workersField = new WorkersField(workers);
  }

  /** The Python workers a run starts with. */
  get workers(): number {
    return this.workersField.count;
  }
  set workers(count: number) {
    this.workersField.count = count;
  }

  /** Everything the form cannot start with: an unreadable link not yet set aside, its own fields' problems, and the Python workers field's. */
  problems(loaded?: Parameters<StudyForm['problems']>[0]): string[] {
    const workers = this.workersField.problem;
    return [...(this.unreadLink ? [UNREAD_LINK_PROBLEM] : []), ...this.#form.problems(loaded), ...(workers ? [workers] : [])];
  }

  /** What the page says of an unreadable link, above the form: what the form shows instead, every problem, and the way on. */
  get unreadLinkLines(): string[] {
    const unread = this.unreadLink;
    if (!unread) return [];
    const shows = unread.formEdited ? 'what was filled in earlier in this tab' : 'the defaults';
    return [
      `This study link cannot be read, so the form was not filled in from it: it still shows ${shows}, not the link’s study.`,
      ...unread.errors,
      `Correct the link and open it again, or press “${USE_FORM_INSTEAD}” to run the form as it stands; until then Run study is off.`,
    ];
  }

  /** The user chose the form over the unreadable link: Run study runs what the form shows. */
  useFormInstead(): void {
    this.unreadLink = null;
  }

  get busy(): boolean {
    return this.starting || this.run?.busy === true;
  }

  runningIds(): Set<string> {
    if (this.#claimed !== null) return new Set([this.#claimed]);
    return this.run?.busy ? new Set([this.run.config.id]) : new Set();
  }

  pausedIds(): Set<string> {
    return this.run?.phase === 'paused' ? new Set([this.run.config.id]) : new Set();
  }

  /** Starts the study the form describes. */
  async start(options: { link?: URLSearchParams } = {}): Promise<string | null> {
    return this.#guard(null, async () => {
      if (this.workersField.problem || this.unreadLink) throw new FormProblems(this.problems());
      const draft = this.#form.toDraft();
      const dataset = await this.#loaded(draft.benchmark);
      const replay = this.#form.engine === 'replay' ? this.#form.replay : null;
      const promptSet = replay ? studyPromptSet(replay.doc.config) : this.#form.promptSet;
      const config = createStudyConfig(draft, {
        id: newStudyId(),
        created: new Date().toISOString(),
        problems: dataset.problems,
        datasetSha256: dataset.sha256,
        ...(promptSet ? { promptSet } : {}),
      });
      // The stored link finds this study again when the same link is opened; a study sending
      // texts a link cannot carry is not any link's study, so it gets none.
      const linkable = this.#form.engine !== 'replay' && this.#form.promptsALinkWouldLose().length === 0;
      const link = options.link ? linkIdentity(options.link) : linkable ? await encodeStudyLink(this.#form.toLink()) : undefined;
      await this.#launch(config, dataset, link);
      if (options.link) this.#deps.setAddress(`#/study?${withParam(options.link, 'sid', config.id)}`);
      return config.id;
    });
  }

  /** Resumes a stored study that is not running anywhere. */
  /** `pickedUp`: taken up by itself after an interruption, not by the card's Resume (the run panel says so). */
  async resume(studyId: string, options: { pickedUp?: boolean } = {}): Promise<boolean> {
    const started = await this.#guard(studyId, async () => {
      const store = await this.#deps.store();
      const stored = await store.loadStudy(studyId);
      if (!stored) throw new Error('This study is no longer stored here.');
      const errored = stored.finished.some((unit) => unit.result.status === 'errored');
      const replay = isReplayStudy(stored.config);
      if (stored.status === 'done' && replay && errored) {
        throw new Error(
          'This replayed study is finished. Its errored units are calls the replayed file never recorded: replaying them again ends the same way.',
        );
      }
      if (stored.status === 'done' && !errored) throw new Error('This study is finished: there is nothing left to run.');
      const dataset = await this.#loaded(stored.config.benchmark);
      // Studies written before the published hash was recorded for HumanEval read decompressed
      // hold the decompressed file's: the same problems.
      if (!sameDatasetFile(stored.config.benchmark, dataset.sha256, stored.config.datasetSha256)) {
        throw new Error(
          `This study ran on another ${BENCHMARK_NAMES[stored.config.benchmark]} file (SHA-256 ${stored.config.datasetSha256.slice(0, 12)}…) than the one loaded here (${dataset.sha256.slice(0, 12)}…): its remaining problems would not be the same experiment.`,
        );
      }
      // Resuming is how units that errored (an endpoint that was down) get run again; a replay's
      // would only error again.
      await this.#launch(stored.config, dataset, undefined, { retryErrored: !replay, pickedUp: options.pickedUp ?? false });
      return studyId;
    });
    return started !== null;
  }

  pause(): void {
    this.run?.pause();
  }

  resumeRun(): void {
    this.run?.resume();
  }

  cancel(): void {
    this.run?.cancel();
  }

  /**
   * Stops the study paused in this tab and takes its panel away, so that it can be deleted: left
   * paused, its Resume would write on into a study no longer stored. Any other study is left as it is.
   */
  async letGo(studyId: string): Promise<void> {
    const run = this.run;
    if (run?.config.id !== studyId || run.phase !== 'paused') return;
    run.cancel();
    await this.#ended;
    if (this.run === run) this.run = null;
  }

  /**
   * Reads a study link from the page's query: fills the form from it (then `onFilled`), unless
   * `keepForm` (the form already holds this link's study, edited since) and it does not autorun, and with `autorun=1`
   * resumes the study this link started (by `sid`, else by the link) or starts it. Runs once per address.
   * `decoded`: the query already read by the caller, so it is not read twice.
   */
  async openLink(
    query: URLSearchParams,
    options: { keepForm?: boolean; onFilled?: () => void; formEdited?: boolean; decoded?: StudyLinkResult } = {},
  ): Promise<void> {
    const text = query.toString();
    if (this.#handledQuery === text || !isStudyLink(query)) return;
    this.#handledQuery = text;
    const decoded = options.decoded ?? (await decodeStudyLink(query));
    if (!decoded.ok) {
      this.unreadLink = { errors: decoded.errors, formEdited: options.formEdited ?? false };
      return;
    }
    this.unreadLink = null;
    // An autorun link starts its study from the form and stores it as the link's: it fills the
    // form even over edits a reload kept, or an edited study would be taken for the link's.
    if (!options.keepForm || decoded.link.autorun) {
      this.#form.fromLink(decoded.link);
      options.onFilled?.();
    }
    if (!decoded.link.autorun || this.busy) return;

    const identity = linkIdentity(query);
    // The same link opened in two tabs at once (a double click, tabs restored together): each
    // found no study from it and started one, every model call paid twice. The first tab holds
    // the link until its study is stored; the other waits, then finds that study.
    const { release, waited } = await this.#claimLink(identity);
    try {
      await this.#runLink(query, identity, waited);
    } finally {
      await release();
    }
  }

  /** Claims an autorun link for this tab, waiting while another tab is starting its study; says whether it waited. */
  async #claimLink(identity: string): Promise<{ release: () => Promise<void>; waited: boolean }> {
    for (let waited = false; ; waited = true) {
      const release = await studyLinkLocks.claim(identity);
      if (release) {
        if (this.errors[0] === LINK_STARTING_ELSEWHERE) this.errors = [];
        return { release, waited };
      }
      this.errors = [LINK_STARTING_ELSEWHERE];
      await new Promise((resolve) => setTimeout(resolve, LINK_WAIT_MS));
    }
  }

  /**
   * With the link claimed: resumes the study it started, or starts it. After waiting for another
   * tab's start, a study from this link in any state is that tab's (it may have finished, or been
   * paused, by now): it is shown, not run again.
   */
  async #runLink(query: URLSearchParams, identity: string, waited: boolean): Promise<void> {
    await this.#library.refresh();
    const sid = query.get('sid');
    // The study this link started, in whatever state: opened again as shared (no sid: from a chat,
    // a bookmark, another tab), a paused, cancelled, failed or finished one was passed over and the
    // whole study ran a second time beside it (audit R214-1). Newest first, as listed.
    const earlier = sid ? this.#library.listings.find((s) => s.id === sid) : this.#library.listings.find((s) => s.link === identity);
    // Only an interrupted study goes on by itself: one the user paused or cancelled waits for
    // its Resume button, and a finished one is shown, not run again.
    if (earlier && earlier.status !== 'running') {
      if (!sid && !waited) this.errors = [linkStudyStored(earlier.name, earlier.status)];
      return;
    }
    if (earlier) {
      await this.#resumeWhenFree(earlier.id);
      return;
    }
    // A link chooses the endpoint and the size of the run (up to 64 arms × 100 repeats): with an
    // API key of this browser's going along, opening it spent the user's paid quota without a
    // click. It fills the form and waits for Run study.
    const keyedRoot = this.#keyedRoot();
    if (keyedRoot !== null) {
      this.errors = [linkWouldSendKey(keyedRoot)];
      return;
    }
    // Nor does it fetch gigabytes of weights into this browser without a click.
    const pending = await this.#weightsToDownload();
    if (pending.length > 0) {
      this.errors = [linkWouldDownload(pending)];
      return;
    }
    await this.start({ link: query });
  }

  /** The form's in-browser models that are not downloaded yet (none when it runs on an endpoint or a replay). */
  async #weightsToDownload(): Promise<readonly PendingDownload[]> {
    const check = this.#deps.models.weightsToDownload;
    if (this.#form.engine !== 'webllm' || !check) return [];
    let models;
    try {
      models = this.#form.toDraft().models;
    } catch {
      return []; // A study this GPU has no build for: the start says so.
    }
    return check(Object.values(models).flatMap((binding) => (binding.engine === 'webllm' ? [binding.id] : [])));
  }

  /** The endpoint the form would send an API key to, or null (in-browser models, a replay, no key). */
  #keyedRoot(): string | null {
    if (this.#form.engine !== 'openai') return null;
    try {
      const root = apiRoot(this.#form.endpoint);
      return this.#deps.models.apiKeyFor(root) !== undefined ? root : null;
    } catch {
      return null;
    }
  }

  /**
   * Resumes the study this tab was running when it was reloaded: the store still calls it running,
   * and nothing else holds it. One the user paused, cancelled or saw finish is left as it is.
   */
  async resumeAfterReload(): Promise<void> {
    const studyId = this.#deps.thisTab?.get()?.id;
    if (!studyId || this.busy) return;
    await this.#library.refresh();
    const listing = this.#library.listings.find((s) => s.id === studyId);
    if (listing?.status !== 'running') {
      this.#deps.thisTab?.set(null);
      return;
    }
    await this.#resumeWhenFree(studyId);
  }

  /**
   * Why the study this tab ran cannot go on by itself after a reload, or null: it was sent an API
   * key this tab no longer knows (typed into the form, not remembered by the Models page). Without
   * it, it went on anyway, got 401 for every unit and stopped, with those units marked errored.
   */
  #keyLost(studyId: string): string | null {
    const lost = lostKeys(this.#deps.thisTab?.get() ?? null, studyId, this.#deps.models.apiKeyFor);
    if (lost.length === 0) return null;
    const name = this.#library.listings.find((s) => s.id === studyId)?.name;
    return keyLostSentence(name === undefined ? 'The study this tab was running' : `“${name}”`, lost, { engine: 'Engine', resume: 'Resume on its card below' });
  }

  /** A page closed a moment ago may still hold the study's lock: wait a little for it. */
  async #resumeWhenFree(studyId: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      await this.#library.refresh();
      if (!this.#library.elsewhere.has(studyId)) {
        // The tab that let go may have paused, cancelled or finished it meanwhile: only a study
        // still called running was interrupted, and one the user paused waits for its Resume.
        if (this.#library.listings.find((s) => s.id === studyId)?.status !== 'running') {
          if (this.#deps.thisTab?.get()?.id === studyId) this.#deps.thisTab.set(null);
          return;
        }
        const keyLost = this.#keyLost(studyId);
        if (keyLost) {
          // Said once: from now on its card's Resume is the way on, with the key typed again.
          this.#deps.thisTab?.set(null);
          this.errors = [keyLost];
          return;
        }
        await this.resume(studyId, { pickedUp: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    this.#leftTo = studyId;
    this.errors = [RUNNING_IN_ANOTHER_TAB];
  }

  async #loaded(benchmark: BenchmarkId): Promise<LoadedDataset> {
    const dataset = await this.#deps.dataset(benchmark);
    if (!dataset) throw new Error(`The ${benchmark === 'mbpp' ? 'MBPP' : 'HumanEval'} problems could not be loaded; see above for why, or pick the file.`);
    return dataset;
  }

  /** One start or resume (of the stored study `resuming`) at a time; its failure becomes the page's error. */
  async #guard(resuming: string | null, work: () => Promise<string>): Promise<string | null> {
    if (this.busy) {
      this.errors = ['A study is already running in this tab: pause or cancel it first.'];
      return null;
    }
    // A study is about to be stored: the browser is asked, once, not to clear it when the disk fills.
    this.#library.askToKeep();
    this.starting = true;
    this.resuming = resuming;
    this.errors = [];
    try {
      return await work();
    } catch (error) {
      const advice = startFailureAdvice(error);
      this.refusal = startRefusal(error, advice);
      return null;
    } finally {
      // Both at once: the card's button goes as the form's Starting… does, and the page then moves focus to the run's Pause (DeskPage).
      this.starting = false;
      this.resuming = null;
    }
  }

  /** Claims the study, binds its models, starts the sandbox, then lets the runner go on in the background. */
  async #launch(config: StudyConfig, dataset: LoadedDataset, link: string | undefined, options: { retryErrored?: boolean; pickedUp?: boolean } = {}): Promise<void> {
    const { model, sandbox, store, release } = await this.#prepare(config, link);
    const run = new StudyRun(config);
    run.pickedUp = options.pickedUp ?? false;
    this.run = run;
    this.#claimed = null;
    this.#deps.thisTab?.set({ id: config.id, keyedEndpoints: keyedEndpoints(config.models, this.#deps.models.apiKeyFor) });
    void this.#library.refresh();
    // Not after every unit: the read grows with the study, and a fast endpoint's units come many a second (spaced-refresh.ts).
    const unitsFinished = spacedRefresh(() => this.#library.refresh());
    // Time the laptop slept is left out of each problem's cap and of the time left shown (awake-clock.ts).
    const awake = this.#deps.now ? null : startAwakeClock();
    const clock = awake ? { now: awake.now, suspendedMs: awake.suspendedMs } : { now: this.#deps.now ?? (() => performance.now()) };
    this.#ended = (async () => {
      try {
        await run.run(dataset.problems, { model, sandbox, store, ...clock }, {
          concurrency: this.workers + 1,
          retryErrored: options.retryErrored ?? false,
          onUnitFinished: () => unitsFinished.request(),
          onPaused: () => void this.#library.refresh(),
          storeTerminated: () => connectionTerminated(store.db),
        });
      } finally {
        unitsFinished.cancel();
        awake?.stop();
        // Over (done, cancelled, stopped): nothing for a reload to take up again.
        if (this.#deps.thisTab?.get()?.id === config.id) this.#deps.thisTab.set(null);
        await release();
        await this.#library.refresh();
      }
    })();
  }

  async #prepare(config: StudyConfig, link: string | undefined) {
    const release = await studyLocks.claim(config.id);
    if (!release) {
      // Another tab took it since this tab's list was read (nothing tells this tab): read it again,
      // so its card says where it runs and follows it, as the sentence promises, instead of
      // offering Resume on an "interrupted" study for as long as the page stays open.
      await this.#library.refresh();
      this.#leftTo = config.id;
      throw new Error(RUNNING_IN_ANOTHER_TAB);
    }
    this.#claimed = config.id;
    try {
      const replay = this.#form.replay;
      const usesReplay = Object.values(config.models).some((b) => b.engine === 'replay');
      const wrongFile = usesReplay && replay ? replaySourceMismatch(config, replay) : null;
      if (wrongFile) throw new Error(wrongFile);
      const replayed: ReadonlyMap<string, LanguageModel> | undefined = usesReplay && replay ? replayModels(replay.doc) : undefined;
      // What Ollama says it ran each endpoint model with is kept with the study, for its exports.
      const servedModels = new ServedModelLog({
        onReport: (report) => void this.#deps.store().then((store) => store.noteServedModel(config.id, report)).catch(() => undefined),
      });
      const model = await studyModels(config, { ...this.#deps.models, servedModels, ...(replayed ? { replay: replayed } : {}) });
      // Python first: a sandbox that cannot start should not leave an empty study behind.
      const sandbox = await this.#deps.sandbox(this.workers).catch((error: unknown) => {
        throw new SandboxBroken(error, 'start');
      });
      const store = await this.#deps.store();
      await store.putStudy(config);
      // What runs the study is recorded now: an export after an update of the app or the browser
      // must not credit the new version with this run.
      if (this.#deps.environmentHere) await store.noteEnvironmentHere(config.id, await this.#deps.environmentHere(config));
      if (link !== undefined) await store.setLink(config.id, link);
      return { model, sandbox, store, release };
    } catch (error) {
      this.#claimed = null;
      await release();
      throw error;
    }
  }
}

function withParam(query: URLSearchParams, name: string, value: string): string {
  const params = new URLSearchParams(query);
  params.set(name, value);
  return params.toString();
}
