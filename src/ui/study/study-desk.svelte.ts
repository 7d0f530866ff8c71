/**
 * Everything the study page holds, once per tab: the form, the stored studies, the launcher and
 * its running study, the sandbox pool. It outlives the page component, so leaving the page for
 * the Results page and coming back finds the study still running.
 */
import { decodeStudyLink, encodeStudyLink, isStudyLink, longLinkNote } from '../../core/study/link.ts';
import { installedCatalog } from '../../llm/webllm-installed.ts';
import { appDatasets } from '../datasets/benchmark-dataset.svelte.ts';
import { studyEnvironment } from '../environment.ts';
import { browserSandboxFactory } from '../sandbox/browser-sandbox-factory.ts';
import { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { ModelEngines } from '../shared/model-engines.svelte.ts';
import { MAX_WORKERS } from '../shared/workers-field.svelte.ts';
import { StudyForm } from './study-form.svelte.ts';
import { tabStorage } from '../shared/form-draft.ts';
import { tabRunRecord } from '../shared/tab-run.ts';
import { applyDraft, draftOf, StudyDraftStore } from './study-form-draft.ts';
import { StudyFormKeeper } from './study-form-keeper.svelte.ts';
import { StudyLauncher } from './study-launcher.svelte.ts';
import { StudyLibrary } from './study-library.svelte.ts';
import { appStudyStore } from './study-store-connection.ts';
import { noticeOf, type Notice } from '../shared/notice.ts';
import { hrefFor } from '../routes.ts';
import { importProgressTeller, readResultFile } from '../shared/read-result-file.ts';
import { copyWhenReady } from '../shared/clipboard.ts';

/** Four workers hide Python behind generation (docs/performance.md). */
const DEFAULT_WORKERS = Math.min(4, MAX_WORKERS);

export class StudyDesk {
  readonly form = new StudyForm();
  readonly library: StudyLibrary;
  readonly launcher: StudyLauncher;
  readonly engines: ModelEngines;
  /** The form's draft in this tab's sessionStorage: a reload gives the form back. */
  readonly keeper: StudyFormKeeper;
  /** Why the picked replay file was refused: the importer's message, what to do, and each field at fault. */
  replayError = $state.raw<Notice | null>(null);
  /** While the replay file is read (a study of 200 MB takes seconds): which phase, as the study list says it. */
  replayReading = $state<string | null>(null);
  /** The last link copied, shown so it can be copied by hand where the clipboard is refused. */
  copiedLink = $state<string | null>(null);
  copyNote = $state<string | null>(null);
  /** The form's link when `copiedLink` was copied: the page says when the form has moved on from it. */
  copiedFor = $state<string | null>(null);

  /** Whether the form was changed since the shown link was copied, so the link no longer describes it. */
  get copiedLinkStale(): boolean {
    return this.copiedLink !== null && this.form.linkKey() !== this.copiedFor;
  }

  readonly #sandboxes = new SandboxHolder(browserSandboxFactory);
  #linkApplied = false;
  /** Whether the page has been shown since this tab (re)loaded. */
  #visited = false;
  /** The replay file picked last: a slower read of an earlier pick must not replace it. */
  #replayPick = 0;

  constructor() {
    const environmentHere = (config: Parameters<typeof studyEnvironment>[0]) =>
      studyEnvironment(config, { webllmVersion: installedCatalog.webllmVersion });
    // A link filled the form: it is the study to run, whatever the Models page or the GPU say.
    this.engines = new ModelEngines(
      this.form,
      installedCatalog,
      () => this.#linkApplied || this.launcher.busy,
      () => this.keeper.restored,
    );
    this.library = new StudyLibrary({
      store: appStudyStore,
      environmentHere,
      runningHere: () => this.launcher.runningIds(),
      pausedHere: () => this.launcher.pausedIds(),
    });
    this.launcher = new StudyLauncher(
      {
        store: appStudyStore,
        dataset: (benchmark) => appDatasets[benchmark].ensure(),
        sandbox: (workers) => this.#sandboxes.get(workers),
        models: this.engines.modelDeps,
        setAddress: (hash) => history.replaceState(history.state, '', hash),
        environmentHere,
        thisTab: tabRunRecord(tabStorage(), RUNNING_IN_TAB_KEY),
      },
      this.form,
      this.library,
      DEFAULT_WORKERS,
    );
    this.keeper = new StudyFormKeeper(
      this.form,
      new StudyDraftStore(tabStorage()),
      {
        get: () => this.launcher.workers,
        set: (workers) => (this.launcher.workers = workers),
      },
      { followsSettings: () => this.engines.endpointFollowsSettings },
    );
    this.keeper.restore();
    // The desk lives as long as the tab: so does the watch.
    this.keeper.watch();
    this.engines.readSettings();
  }

  /** Reads the endpoint settings and the stored studies, and probes the GPU once; safe to call on every visit. */
  visit(): Promise<void> {
    this.engines.readSettings();
    this.library.watchOthers(true);
    void this.library.refresh();
    return this.engines.probe();
  }

  async openLink(query: URLSearchParams | undefined): Promise<void> {
    const firstVisit = !this.#visited;
    this.#visited = true;
    if (query && isStudyLink(query)) {
      const decoded = await decodeStudyLink(query);
      // A link that cannot be read fills nothing in: the form then picks its engine as a fresh one does.
      this.#linkApplied = decoded.ok;
      // WebLLM builds depend on shader-f16: bind models only once the GPU is known.
      await this.visit();
      const text = query.toString();
      await this.launcher.openLink(query, {
        keepForm: this.keeper.holdsLink(text),
        onFilled: () => this.keeper.linkApplied(text),
        formEdited: this.keeper.edited,
        decoded,
      });
    }
    // Unless the link started or resumed its study, a reload goes on with the study this tab ran.
    if (firstVisit) await this.launcher.resumeAfterReload();
  }

  /** Puts the form back as a fresh tab shows it and forgets its draft; the page asks first when that discards edits. */
  resetForm(): void {
    applyDraft(this.form, draftOf(new StudyForm(), { workers: DEFAULT_WORKERS, link: null }));
    this.launcher.workers = DEFAULT_WORKERS;
    this.engines.restoreDefaults();
    this.keeper.forget();
    this.#linkApplied = false;
    this.#replayPick++;
    this.replayError = null;
    this.replayReading = null;
    this.copiedLink = null;
    this.copyNote = null;
    this.launcher.errors = [];
    this.launcher.useFormInstead();
    this.#forgetLinkInAddress();
  }

  /** The page's link cannot be read and the user chose the form: the address stops naming it, so a reload does not say it again. */
  useFormInstead(): void {
    this.launcher.useFormInstead();
    this.#forgetLinkInAddress();
  }

  #forgetLinkInAddress(): void {
    // A link left in the address would fill the form again on the next reload.
    if (location.hash.includes('?')) history.replaceState(history.state, '', '#/study');
  }

  async copyLink(): Promise<void> {
    this.copyNote = null;
    try {
      const link = this.form.linkForSharing(appDatasets[this.form.benchmark].loaded?.problems);
      this.copiedFor = JSON.stringify(link);
      const made = encodeStudyLink(link).then((params) => `${location.origin}${location.pathname}#/study?${params}`);
      // Started before the first await: Safari allows the clipboard only within the click (clipboard.ts).
      const copied = copyWhenReady(made);
      const url = await made;
      this.copiedLink = url;
      // linkForSharing refuses a set that changes what the arms send; one that changes nothing is worth saying so.
      const exact =
        (this.form.promptSet ? ' The loaded prompt set changes none of the texts these arms send, so the link describes this study exactly.' : '') + longLinkNote(url);
      this.copyNote = (await copied)
        ? `Copied. Anyone who opens it gets this study, ready to run (add &autorun=1 to start it at once).${exact}`
        : `The browser refused the clipboard: copy the link below by hand.${exact}`;
    } catch (error) {
      this.copiedLink = null;
      this.copyNote = error instanceof Error ? error.message : String(error);
    }
  }

  async loadReplay(file: File): Promise<void> {
    const pick = ++this.#replayPick;
    this.keeper.replayToPick = null;
    this.replayError = null;
    this.replayReading = `${file.name}: reading…`;
    try {
      const doc = await readResultFile(
        file,
        importProgressTeller(file.name, (text) => {
          if (pick === this.#replayPick) this.replayReading = text;
        }),
      );
      if (pick !== this.#replayPick) return;
      this.form.replay = { fileName: file.name, doc };
      this.form.benchmark = doc.config.benchmark;
    } catch (error) {
      if (pick !== this.#replayPick) return;
      this.form.replay = null;
      this.replayError = { fileName: file.name, ...noticeOf(error) };
    } finally {
      if (pick === this.#replayPick) this.replayReading = null;
    }
  }

  /** Opens a stored study on the Results page, as its exported file picked there would be. */
  async openInResults(studyId: string): Promise<void> {
    await this.library.openInResults(studyId, async (file) => {
      // A chunk that does not load (offline before the app was cached) is said under the list, not swallowed.
      const { resultsView } = await import('../analysis/results-view.svelte.ts');
      // The Results page reports what goes wrong reading the file itself.
      void resultsView.openStoredStudy(file, studyId);
      location.hash = hrefFor('results');
    });
  }

  /** Frees the Python workers unless a study still needs them. */
  leave(): void {
    if (!this.launcher.busy) void this.#sandboxes.close();
    this.library.watchOthers(false);
  }
}

/** The study this tab runs, for a reload of the tab (tab-run.ts). */
const RUNNING_IN_TAB_KEY = 'feedback-lab:study-running-in-tab';

/**
 * Made when this module loads (the Study page's chunk), outside any component, as the score desk
 * is: made during the page's set-up, the form's deriveds belonged to the page and went stale once
 * it was left, so back on the page an arm checked or a count changed no longer moved "Arms (N
 * chosen)" or the units and model calls under the form (audit R186-2).
 */
const desk = new StudyDesk();

export function studyDesk(): StudyDesk {
  return desk;
}
