/**
 * The presenter's choices before a show: what to show (a built-in demo, a unit of a result file,
 * or any problem run live), with which pipeline, and where the replies come from. Starts from a
 * presenter link and builds the show.
 */
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import { BENCHMARK_NAMES } from '../../core/benchmarks/task-id.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { llmNodes, type Pipeline } from '../../core/pipeline/genome.ts';
import { PRESETS, llamaSelfRefine, presetById } from '../../core/pipeline/presets.ts';
import { PRESENTER_DEMOS, demoForProblem, findDemo, type DemoId } from '../../core/presenter/demos.ts';
import { demoRecording } from '../../core/presenter/shipped-recordings.ts';
import { presenterLinkQuery, type PlaybackSpeed, type PresenterLink, type PresenterSource } from '../../core/presenter/link.ts';
import { UserError } from '../../core/user-error.ts';
import { isQuotaError } from '../../store/kept-file-error.ts';
import type { BenchmarkDataset } from '../datasets/benchmark-dataset.svelte.ts';
import { EndpointSettings } from '../models/endpoint-settings.svelte.ts';
import type { SettingsStorage } from '../models/saved-settings.ts';
import { LiveShow, type LivePorts } from './live-show.svelte.ts';
import { endpointPorts, webllmDownloadsFor, webllmPorts } from './live-sources.ts';
import { describeDownloads, type PendingDownload } from '../../llm/weights-to-download.ts';
import { ReplayShow } from './replay-show.svelte.ts';
import type { PresenterShow, ShowSubject } from './show.ts';
import { noticeOf, type Notice } from '../shared/notice.ts';
import { importProgressTeller, readResultFile } from '../shared/read-result-file.ts';
import { fileSourceLabel, replayableFile, unitChoiceKey, type FileUnitChoice, type ReplayableFile } from './file-units.ts';

export { finishedUnits, type FileUnitChoice } from './file-units.ts';

/** A result file opened for the presenter (here, or on the Results page). */
export type OpenedResultFile = ReplayableFile;

export interface SetupDeps {
  datasets: Record<BenchmarkId, BenchmarkDataset>;
  sandbox: LivePorts['sandbox'];
  /** Ends the sandbox's workers (a stopped live show's program would hold the next run's until its time limit). */
  dropSandbox?: LivePorts['dropSandbox'];
  storage: SettingsStorage | undefined;
  /**
   * A result file already open in this tab (the Results page keeps them), so a link can name one:
   * a file cannot travel in a link. Null when no such file is open. Absent: links naming a file
   * ask for it to be opened here.
   */
  openedResultFile?: (fileName: string) => Promise<ReplayableFile | null>;
  /**
   * Where a show's file is kept in this browser, so a reload finds it (its key goes in the
   * address). Absent, or failing (storage refused): the show works, and a reload asks for the file.
   */
  keptFiles?: () => Promise<KeptFilesPort>;
  /** The builds a live show of a pipeline in this browser would download first (default: live-sources.ts reads the cache). */
  webllmDownloads?: (pipeline: Pipeline) => Promise<readonly PendingDownload[]>;
}

/** The presenter's side of src/store/kept-files.ts. */
export interface KeptFilesPort {
  keep(fileName: string, blob: Blob): Promise<string>;
  get(key: string): Promise<{ fileName: string; blob: Blob } | null>;
}

export class PresenterSetup {
  source = $state<PresenterSource>('demo');
  demoId = $state<DemoId>(PRESENTER_DEMOS[0]!.id);
  problemId = $state('HumanEval/0');
  presetId = $state(llamaSelfRefine.id);
  mode = $state<HarnessMode>('study');
  speed = $state<PlaybackSpeed>(1);
  file = $state.raw<OpenedResultFile | null>(null);
  fileUnitKey = $state('');
  /** The key the file on show is kept under in this browser; null until kept (or if it cannot be). */
  keptKey = $state<string | null>(null);
  /** Why the file on show could not be kept in this browser (full or refused): a reload will ask for it. */
  keepProblem = $state<string | null>(null);
  /** Why the picked file cannot be shown: the importer's message, what to do, and each field at fault. */
  fileError = $state.raw<Notice | null>(null);
  reading = $state(false);
  /** While a file is read (a study of 200 MB takes seconds): which phase, as the Results page says it. */
  readingText = $state('');
  /** The file picked last: a slower read of an earlier pick must not replace it. */
  #filePick = 0;
  building = $state(false);
  /** Why the show could not be built, or what the link asked for that could not be used. */
  problems = $state<string[]>([]);
  readonly endpoint: EndpointSettings;

  benchmark: BenchmarkId = $derived(this.problemId.startsWith('HumanEval/') ? 'humaneval' : 'mbpp');
  demo = $derived(findDemo(this.demoId) ?? PRESENTER_DEMOS[0]!);
  fileUnit = $derived(this.file?.units.find((u) => u.key === this.fileUnitKey) ?? null);

  readonly #deps: SetupDeps;
  /** The problem (and the arm and run, if it names them) a `source=file` link asked for, chosen when its file is opened. */
  #linkedFileProblem: string | null = null;
  #linkedFileRun: { armId: string; repeat: number } | null = null;
  /** The unit shown in place of the one the link asked for, and the sentence saying so. */
  #fallback: { key: string; text: string } | null = null;
  /**
   * The Results page's query the presenter was opened from (its problem, run and filters), for a
   * way back there; null when it was not opened from Results.
   */
  resultsQuery = $state<string | null>(null);

  constructor(deps: SetupDeps) {
    this.#deps = deps;
    this.endpoint = new EndpointSettings(deps.storage);
  }

  /**
   * Takes what a presenter link says; a link naming a problem with a built-in demo replays that
   * demo, and one naming a result file open in this tab replays that problem from it.
   */
  async applyLink(link: PresenterLink, linkProblems: readonly string[]): Promise<void> {
    const problems = [...linkProblems];
    if (link.problemId) this.problemId = link.problemId;
    this.resultsQuery = link.results;
    if (link.presetId) this.presetId = link.presetId;
    if (link.mode) this.mode = link.mode;
    if (link.speed !== null) this.speed = link.speed;
    // A link names its own endpoint: the key this browser remembers for another one stays home.
    if (link.endpoint) this.endpoint.pointAt(link.endpoint);
    if (link.model) this.endpoint.model = link.model;
    this.source = link.source ?? (link.endpoint ? 'endpoint' : 'demo');
    if (this.source === 'demo') {
      const demo = link.demo ? findDemo(link.demo) : link.problemId ? demoForProblem(link.problemId) : undefined;
      if (demo) this.demoId = demo.id;
      else if (link.problemId) problems.push(`There is no built-in recording for ${link.problemId}: pick a demo, or run it live.`);
      if (demo && link.presetId && link.presetId !== demo.presetId) {
        problems.push(`The ${demo.id} recording was made with ${demo.presetId}, so it replays with that pipeline.`);
      }
    }
    if (this.source === 'file') {
      this.#linkedFileProblem = link.problemId;
      this.#linkedFileRun = link.armId && link.run ? { armId: link.armId, repeat: link.run - 1 } : null;
      // The file open in this tab first (the Results page's worker holds it, so nothing is read
      // again); else the copy kept for this show in this browser (a reload, a new tab).
      const opened = link.fileName ? await this.#deps.openedResultFile?.(link.fileName) : null;
      const kept = !opened && link.kept ? await this.#keptFile(link.kept) : null;
      const keptName = link.fileName ?? 'The result file this show replays';
      if (opened) {
        try {
          this.#useFile(opened);
        } catch (error) {
          problems.push(`${opened.fileName}: ${error instanceof Error ? error.message : String(error)}`);
        }
      } else if (kept && 'blob' in kept) {
        await this.#readFile(kept.blob, kept.fileName, link.kept);
      } else if (kept?.unreadable) {
        // Not "gone": the copy may well be there, but this browser will not open its storage now.
        problems.push(
          `${keptName} is kept in this browser for this show, but this site's storage could not be opened (a private window, or storage blocked for this site), so it cannot be read back: open the file here again.`,
        );
      } else if (link.kept) {
        problems.push(`${keptName} is no longer kept in this browser (its site data was cleared, or newer shows took its place): open the file here again.`);
      } else if (link.fileName) {
        problems.push(`${link.fileName} is not open in this tab (files opened on the Results page stay only while the tab does): open it here.`);
      }
      if (this.#fallback) problems.push(this.#fallback.text);
    }
    this.problems = problems;
  }

  /** The link that opens the presenter on the current choices (a file cannot travel in a link), and the way back to Results if it came from there. */
  linkQuery(autostart: boolean): Record<string, string> {
    const query = this.#choicesQuery(autostart);
    if (this.resultsQuery !== null) query.results = this.resultsQuery;
    return query;
  }

  #choicesQuery(autostart: boolean): Record<string, string> {
    const common = { source: this.source, speed: this.speed, autostart };
    if (this.source === 'demo') return presenterLinkQuery({ ...common, demo: this.demoId, problemId: this.demo.problemId });
    if (this.source === 'file') {
      // The file itself is kept in this browser under `kept`; elsewhere the link asks for the file.
      const unit = this.fileUnit;
      return presenterLinkQuery({
        source: 'file',
        speed: this.speed,
        autostart,
        ...(this.file ? { fileName: this.file.fileName } : {}),
        ...(this.keptKey ? { kept: this.keptKey } : {}),
        ...(unit ? { problemId: unit.problemId, armId: unit.armId, run: unit.repeat + 1 } : {}),
      });
    }
    return presenterLinkQuery({
      ...common,
      problemId: this.problemId,
      presetId: this.presetId,
      mode: this.mode,
      ...(this.source === 'endpoint' ? { endpoint: this.endpoint.baseUrl.trim(), model: this.endpoint.model } : {}),
    });
  }

  openFile(file: File): Promise<void> {
    return this.#readFile(file, file.name, null);
  }

  /** Reads a picked file, or one kept under `keptKey` (which is not kept again). */
  async #readFile(blob: Blob, fileName: string, keptKey: string | null): Promise<void> {
    const pick = ++this.#filePick;
    this.reading = true;
    this.readingText = `${fileName}: reading…`;
    this.fileError = null;
    try {
      const doc = await readResultFile(
        blob,
        importProgressTeller(fileName, (text) => {
          if (pick === this.#filePick) this.readingText = text;
        }),
      );
      if (pick === this.#filePick) this.#useFile(replayableFile(fileName, doc, keptKey ? undefined : blob), keptKey);
    } catch (error) {
      if (pick === this.#filePick) this.fileError = { fileName, ...noticeOf(error) };
    } finally {
      if (pick === this.#filePick) this.reading = false;
    }
  }

  /**
   * Lists a file's finished units and picks one to show: the linked run, else the linked
   * problem's most telling run, else the file's. Then keeps the file, unless it came from there.
   */
  #useFile(file: ReplayableFile, keptKey: string | null = null): void {
    const { units } = file;
    this.#fallback = null;
    if (units.length === 0) throw new UserError('This result file has no finished problem to replay.', 'Open a file exported after at least one problem finished.');
    this.file = file;
    const wanted = this.#linkedFileProblem;
    const run = this.#linkedFileRun;
    const exact = wanted && run ? units.find((u) => u.key === unitChoiceKey({ ...run, problemId: wanted })) : undefined;
    const ofProblem = wanted ? units.filter((u) => u.problemId === wanted) : [];
    // A run the arm lacks (run=9 of 2): another run of the same arm first, as the Results page does.
    const sameArm = run ? ofProblem.filter((u) => u.armId === run.armId) : [];
    const chosen = exact ?? showableUnit(sameArm) ?? showableUnit(ofProblem) ?? showableUnit(units)!;
    this.fileUnitKey = chosen.key;
    // The link named a run (or a problem) the file lacks: the show replays another, and says so
    // for as long as it is on, or the room would take it for the one asked for.
    if (wanted && !exact && (run || ofProblem.length === 0)) this.#fallback = { key: chosen.key, text: fallbackNote(file, wanted, run, chosen, ofProblem.length > 0) };
    this.keptKey = keptKey;
    this.keepProblem = null;
    if (!keptKey && file.source) void this.#keep(file, file.source);
  }

  async #keep(file: ReplayableFile, blob: Blob): Promise<void> {
    try {
      const store = await this.#deps.keptFiles?.();
      const key = store ? await store.keep(file.fileName, blob) : null;
      if (this.file === file) this.keptKey = key;
    } catch (error) {
      // Storage refused or full: the show goes on, and says a reload will ask for the file again.
      const why = isQuotaError(error) ? 'this browser has no room left for it' : 'this browser refused to store it';
      if (this.file === file) this.keepProblem = `${file.fileName} could not be kept in this browser (${why}): the show works, but after a reload the file must be opened here again.`;
    }
  }

  /** The file kept under `key`; `missing` when the store has no such file, `unreadable` when the store itself could not be opened or read. */
  async #keptFile(key: string): Promise<{ fileName: string; blob: Blob } | { unreadable: boolean }> {
    try {
      const store = await this.#deps.keptFiles?.();
      if (!store) return { unreadable: true };
      return (await store.get(key)) ?? { unreadable: false };
    } catch {
      return { unreadable: true };
    }
  }

  /**
   * Why a link's autostart waits for Start, or null: a live show in this browser whose models are
   * not downloaded yet (a link on a slide, opened by someone in the room, would otherwise fetch
   * gigabytes of weights into their browser without a click); or a live show on an endpoint this
   * browser holds an API key for, as the Study page holds an autorun link: the link names the
   * model, so it could run the dearest one on the user's paid account (audit R215-3).
   */
  async autostartHeld(): Promise<string | null> {
    if (this.source === 'endpoint') {
      if (this.endpoint.keyToSend() === undefined) return null;
      return (
        `This link starts a live show at once on ${this.endpoint.baseUrl.trim()} with the model ${JSON.stringify(this.endpoint.model.trim())}, ` +
        'sending the API key this browser holds for that endpoint. Nothing was started: check the model and press Start.'
      );
    }
    if (this.source !== 'webllm') return null;
    const pipeline = presetById(this.presetId);
    if (!pipeline) return null;
    const pending = await (this.#deps.webllmDownloads ?? webllmDownloadsFor)(pipeline).catch(() => []);
    if (pending.length === 0) return null;
    return (
      `This link starts a live show in this browser, which would first download ${describeDownloads(pending)}. ` +
      'Nothing was started or downloaded: press Start to download the models and run the show, or replay a recording instead.'
    );
  }

  /** Builds the show for the current choices; throws with a sentence a presenter can act on. */
  async buildShow(): Promise<PresenterShow> {
    this.building = true;
    try {
      switch (this.source) {
        case 'demo':
          return await this.#demoShow();
        case 'file':
          return await this.#fileShow();
        case 'endpoint':
        case 'webllm':
          return await this.#liveShow(this.source);
        default: {
          const never: never = this.source;
          throw new Error(`Unknown source ${String(never)}.`);
        }
      }
    } finally {
      this.building = false;
    }
  }

  async #demoShow(): Promise<PresenterShow> {
    const demo = this.demo;
    const recording = demoRecording(demo.id);
    const pipeline = presetById(recording.pipelineId) ?? llamaSelfRefine;
    const subject: ShowSubject = {
      problemId: recording.problemId,
      problem: await this.#problem(recording.problemId, false),
      pipeline,
      mode: recording.mode,
      sourceLabel: `Demo recording: ${demo.title}`,
      note: recording.note,
    };
    return new ReplayShow(subject, recording.trajectory, this.speed);
  }

  async #fileShow(): Promise<PresenterShow> {
    const opened = this.file;
    const choice = this.fileUnit;
    if (!opened || !choice) throw new Error('Open a result file and choose a problem from it first.');
    const unit = await opened.unit(choice.key);
    const arm = opened.config.arms.find((a) => a.id === choice.armId);
    if (!unit || !arm) throw new Error(`${choice.problemId} is not in ${opened.fileName} any more.`);
    const subject: ShowSubject = {
      problemId: unit.problemId,
      problem: await this.#problem(unit.problemId, false, opened.config.benchmark),
      pipeline: arm.pipeline,
      mode: unit.trajectory.mode,
      sourceLabel: fileSourceLabel(opened.fileName, arm.label, arm.pipeline.name, unit.repeat),
      note: this.#fallback?.key === choice.key ? this.#fallback.text : null,
    };
    return new ReplayShow(subject, unit.trajectory, this.speed);
  }

  /**
   * Said under the endpoint's fields: a live show on an endpoint asks the one model named there for
   * every role, so a cross-model pipeline's roles all become that model (the Study page asks each
   * role's own). Null for a pipeline of one model, where it changes nothing worth saying.
   */
  get endpointRolesNote(): string | null {
    const pipeline = presetById(this.presetId);
    if (!pipeline) return null;
    const models = [...new Set(llmNodes(pipeline).map(({ node }) => node.model))];
    if (models.length < 2) return null;
    return `This pipeline's roles use ${models.join(' and ')}; on an endpoint every role asks the one model named here. The Study page asks each role's own model.`;
  }

  async #liveShow(source: 'endpoint' | 'webllm'): Promise<PresenterShow> {
    const pipeline: Pipeline | undefined = presetById(this.presetId);
    if (!pipeline) throw new Error(`There is no pipeline preset ${this.presetId}.`);
    const problem = await this.#problem(this.problemId, true);
    let ports: LivePorts;
    let sourceLabel: string;
    if (source === 'endpoint') {
      const { baseUrl, model } = this.endpoint;
      if (!baseUrl.trim() || !model) throw new Error('Give the endpoint address and the model to ask (the Models page can check both).');
      ports = endpointPorts({ baseUrl, model, apiKey: this.endpoint.keyToSend() ?? '' }, this.#deps.sandbox, this.#deps.dropSandbox);
      sourceLabel = `Endpoint ${baseUrl.trim()} · every role asks ${model}`;
    } else {
      ports = await webllmPorts(pipeline, this.#deps.sandbox, this.#deps.dropSandbox);
      sourceLabel = 'In this browser (WebLLM)';
    }
    const subject: ShowSubject = { problemId: this.problemId, problem, pipeline, mode: this.mode, sourceLabel, note: null };
    return new LiveShow(subject, ports);
  }

  /** The problem from the benchmark file; a replay goes on without it (no per-test ticks), a live run cannot. */
  async #problem(problemId: string, required: boolean, benchmark?: BenchmarkId): Promise<Problem | null> {
    const dataset = this.#deps.datasets[benchmark ?? (problemId.startsWith('HumanEval/') ? 'humaneval' : 'mbpp')];
    const loaded = await dataset.ensure();
    const problem = loaded?.problems.find((p) => p.id === problemId) ?? null;
    if (!problem && required) {
      throw new Error(
        loaded
          ? `There is no problem ${problemId} in ${BENCHMARK_NAMES[dataset.benchmark]}.`
          : `The ${BENCHMARK_NAMES[dataset.benchmark]} file could not be loaded, and a live run needs its tests: pick the file above (the reason is given there).`,
      );
    }
    return problem;
  }
}

export const PRESENTER_PRESETS: readonly Pipeline[] = PRESETS;

/**
 * The unit worth showing first: one that refinement fixed, else one that was refined at all,
 * else one whose first version failed (a solo arm's), else the first.
 */
function showableUnit(units: readonly FileUnitChoice[]): FileUnitChoice | undefined {
  const failedFirst = units.filter((u) => !u.story.startsWith('passed'));
  const refined = failedFirst.filter((u) => u.story.includes(' → '));
  return refined.find((u) => u.passed) ?? refined[0] ?? failedFirst[0] ?? units[0];
}

/** What the show says when it replays another unit than the link named. */
function fallbackNote(
  file: ReplayableFile,
  problemId: string,
  run: { armId: string; repeat: number } | null,
  chosen: FileUnitChoice,
  problemPresent: boolean,
): string {
  const instead = `${chosen.armLabel}, run ${chosen.repeat + 1}`;
  if (!problemPresent) return `${file.fileName} has no finished run of ${problemId}: showing ${chosen.problemId} (${instead}) instead.`;
  const armLabel = run ? (file.config.arms.find((a) => a.id === run.armId)?.label ?? run.armId) : '';
  return `${file.fileName} has no finished run ${(run?.repeat ?? 0) + 1} of ${armLabel} on ${problemId}: showing ${instead} instead.`;
}
