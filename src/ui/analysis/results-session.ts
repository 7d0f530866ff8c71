/**
 * The Results page's open files and everything computed from them, kept where the files were
 * read: in the page's results worker (results-worker.ts), or in place where there is no Worker
 * (unit tests under Node). A study of 200 MB is a document of about 230 MB of heap; the page
 * used to get a structured clone of it (a second copy, rebuilt on its thread in one long task)
 * and then compute the report's bootstraps on its thread too. Now the page gets only what it
 * draws: a line per file, the report (core/analysis/results-report.ts, the same sections the
 * command line prints), the problem explorer's rows, and one trajectory or document when asked.
 */
import type { ArmPair } from '../../core/analysis/pair-tables.ts';
import { summarizeProblems, type ProblemSummary } from '../../core/analysis/problem-explorer.ts';
import { replayFileByProblem, studiesFromResultFiles, type LoadedStudies } from '../../core/analysis/result-file-study.ts';
import { isolateForDisplay } from '../../core/control-characters.ts';
import { resultsReporter, type ResultsReport } from '../../core/analysis/results-report.ts';
import type { ErrorLabelling } from '../../core/analysis/study-runs.ts';
import type { Step, Trajectory } from '../../core/pipeline/trajectory.ts';
import { importResultFile, refuseOversizedFile, type ImportProgress } from '../../core/results/result-file-import.ts';
import { studyProgress } from '../../core/results/result-file-export.ts';
import type { ResultFile } from '../../core/results/result-file.ts';
import type { StudyConfig } from '../../core/study/config.ts';
import { APP_VERSION } from '../environment.ts';
import { finishedUnit, finishedUnits, type FileUnitChoice, type FinishedUnit } from '../presenter/file-units.ts';

/** What the page lists for an open file. */
export interface OpenedFileLine {
  fileName: string;
  studyId: string;
  studyName: string;
  benchmark: string;
  arms: number;
  repeats: number;
  problems: number;
  units: number;
  /** Units with a verdict, out of arms × repeats × problems planned: a shard or a stopped study has fewer. */
  finished: number;
  planned: number;
}

/** An arm as the pickers and the explorer need it: no trajectories. */
export interface ReportArm {
  id: string;
  label: string;
  plannedRuns: number;
  /** The repeat each run with a verdict is, in the order of the explorer rows' `fates`. */
  runRepeats: number[];
}

/**
 * A run without a verdict, as the open files recorded it: an `errored` unit (the model kept
 * failing) or an `unfinished` one (paused, cancelled, or left to another shard), with the steps
 * it had made. The explorer shows these so a reader can see why a problem has no verdict.
 */
export type UnsettledRun =
  | { status: 'errored'; fileName: string; message: string; attempts: number; steps: Step[] }
  | { status: 'unfinished'; fileName: string; steps: Step[] };

export interface ResultsChoices {
  labelling: ErrorLabelling;
  /** Null: the default pairs (every arm against the first that shares problems with it). */
  pairs: readonly ArmPair[] | null;
}

export type ResultsComputation =
  | {
      ok: true;
      report: ResultsReport;
      arms: ReportArm[];
      /** The explorer's table under the chosen labelling. */
      rows: ProblemSummary[];
      /** Per problem, the open file the presenter replays it from. */
      replayFiles: Map<string, string>;
    }
  | { ok: false; message: string };

/** Where the presenter finds one run: the open file, and the arm's id as that file has it. */
export interface ReplaySource {
  fileName: string;
  armId: string;
}

type Loaded = { ok: true; loaded: LoadedStudies; report: ReturnType<typeof resultsReporter>; rows: Map<ErrorLabelling, ProblemSummary[]> } | { ok: false; message: string };

export class ResultsSession {
  readonly #docs = new Map<string, ResultFile>();
  /** The studies built from the files named by the key, and the report and explorer rows made from them. */
  #loaded: { key: string; value: Loaded } | null = null;

  /** Reads a file here (where there is no Worker to read it in; see results-client.ts). */
  async open(fileName: string, file: Blob, onProgress: (progress: ImportProgress) => void): Promise<OpenedFileLine> {
    refuseOversizedFile(file.size);
    return this.add(fileName, await importResultFile(new Uint8Array(await file.arrayBuffer()), { appVersion: APP_VERSION, onProgress }));
  }

  /** Keeps a checked document under the name the page lists it by (replacing one of that name). */
  add(fileName: string, doc: ResultFile): OpenedFileLine {
    this.#docs.set(fileName, doc);
    this.#loaded = null;
    const { config } = doc;
    // The same count the export names a partial file by (`-partial-19-of-30`).
    const progress = studyProgress(doc);
    return {
      fileName,
      studyId: config.id,
      studyName: config.name,
      benchmark: config.benchmark,
      arms: config.arms.length,
      repeats: config.repeats,
      problems: config.problemIds.length,
      units: doc.units.length,
      finished: progress.finished,
      planned: progress.total,
    };
  }

  close(fileName: string): void {
    this.#docs.delete(fileName);
    this.#loaded = null;
  }

  /** The report of the named files (in the page's order) under the page's choices. */
  compute(fileNames: readonly string[], choices: ResultsChoices): ResultsComputation {
    const loaded = this.#load(fileNames);
    if (!loaded.ok) return loaded;
    const { study } = loaded.loaded;
    let rows = loaded.rows.get(choices.labelling);
    if (!rows) loaded.rows.set(choices.labelling, (rows = summarizeProblems(study, choices.labelling)));
    return {
      ok: true,
      report: loaded.report({ labelling: choices.labelling, pairs: choices.pairs }),
      arms: study.arms.map((a) => ({ id: a.id, label: a.label, plannedRuns: a.plannedRuns, runRepeats: a.runRepeats })),
      rows,
      replayFiles: replayFileByProblem(fileNames.flatMap((name) => this.#namedDoc(name))),
    };
  }

  /** One run's trajectory of a problem, for the explorer; null when that run has no verdict for it. */
  trajectory(fileNames: readonly string[], armId: string, repeat: number, problemId: string): Trajectory | null {
    const loaded = this.#load(fileNames);
    const arm = loaded.ok ? loaded.loaded.study.arms.find((a) => a.id === armId) : undefined;
    if (!arm) return null;
    return arm.runs[arm.runRepeats.indexOf(repeat)]?.get(problemId) ?? null;
  }

  /**
   * One run of a problem that has no verdict, as an open file recorded it; null when no open file
   * has it (never started). Of several shards' copies, the one a merge keeps: more steps, then the
   * earlier file's.
   */
  unsettled(fileNames: readonly string[], armId: string, repeat: number, problemId: string): UnsettledRun | null {
    const arm = this.#armFiles(fileNames, armId);
    if (!arm) return null;
    let best: UnsettledRun | null = null;
    for (const { fileName, doc } of arm.files) {
      for (const unit of doc.units) {
        if (unit.armId !== arm.armId || unit.repeat !== repeat || unit.problemId !== problemId) continue;
        if (unit.status === 'finished') return null;
        const run: UnsettledRun =
          unit.status === 'errored'
            ? { status: 'errored', fileName, message: unit.message, attempts: unit.attempts, steps: unit.steps }
            : { status: 'unfinished', fileName, steps: unit.steps };
        // The copy a merge keeps (result-file-merge.ts): more steps, then the earlier file's.
        if (best === null || run.steps.length > best.steps.length) best = run;
      }
    }
    return best;
  }

  /**
   * The open file one run of a problem is in, and the arm's id in that file: what the presenter
   * replays it from. Shards of a study each hold some runs, and side by side studies prefix their
   * arms' ids, so neither the first file with the problem nor the explorer's arm id will do.
   */
  replaySource(fileNames: readonly string[], armId: string, repeat: number, problemId: string): ReplaySource | null {
    const arm = this.#armFiles(fileNames, armId);
    if (!arm) return null;
    for (const { fileName, doc } of arm.files) {
      const has = doc.units.some((u) => u.status === 'finished' && u.armId === arm.armId && u.repeat === repeat && u.problemId === problemId);
      if (has) return { fileName, armId: arm.armId };
    }
    return null;
  }

  /** A whole open file; null when it is not open. */
  document(fileName: string): ResultFile | null {
    return this.#docs.get(fileName) ?? null;
  }

  /** What the presenter lists of an open file (its config and finished units), without their trajectories. */
  replayList(fileName: string): { config: StudyConfig; units: FileUnitChoice[] } | null {
    const doc = this.#docs.get(fileName);
    return doc ? { config: doc.config, units: finishedUnits(doc) } : null;
  }

  /** One finished unit of an open file, by the presenter's key for it. */
  replayUnit(fileName: string, key: string): FinishedUnit | undefined {
    const doc = this.#docs.get(fileName);
    return doc ? finishedUnit(doc, key) : undefined;
  }

  /**
   * The open files an explorer arm's runs are in (the shards of its study: same id, same config)
   * and the arm's own id there, which side by side studies prefix in the explorer.
   */
  #armFiles(fileNames: readonly string[], armId: string): { files: { fileName: string; doc: ResultFile }[]; armId: string } | null {
    const loaded = this.#load(fileNames);
    const origin = loaded.ok ? loaded.loaded.origins.get(armId) : undefined;
    if (!origin) return null;
    const docs = fileNames.flatMap((name) => this.#namedDoc(name));
    const hash = docs.find((d) => d.doc.config === origin.config)?.doc.configHash;
    return { files: docs.filter(({ doc }) => doc.config.id === origin.config.id && doc.configHash === hash), armId: origin.arm.id };
  }

  #namedDoc(fileName: string): { fileName: string; doc: ResultFile }[] {
    const doc = this.#docs.get(fileName);
    return doc ? [{ fileName, doc }] : [];
  }

  #load(fileNames: readonly string[]): Loaded {
    const key = fileNames.join('\u0000');
    if (this.#loaded?.key !== key) {
      let value: Loaded;
      try {
        const loaded = isolatedLabels(studiesFromResultFiles(fileNames.flatMap((name) => this.#namedDoc(name))));
        value = { ok: true, loaded, report: resultsReporter(loaded), rows: new Map() };
      } catch (error) {
        value = { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
      this.#loaded = { key, value };
    }
    return this.#loaded.value;
  }
}

/**
 * The studies with their name and arm labels made safe to set inside the page's sentences
 * (control-characters.ts): a label from someone's file holding U+202E reversed every sentence
 * and list item it began ("ran 3 of 164 HumanEval problems" read backwards; audit R163-2).
 */
function isolatedLabels(loaded: LoadedStudies): LoadedStudies {
  const { study } = loaded;
  return { ...loaded, study: { ...study, name: isolateForDisplay(study.name), arms: study.arms.map((arm) => ({ ...arm, label: isolateForDisplay(arm.label) })) } };
}
