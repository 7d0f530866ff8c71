/**
 * Result files into the store: validated documents (see core/results/result-file-import.ts) become
 * studies that can be listed, exported, analysed and resumed here. Everything goes in ONE
 * transaction, so a file that is refused, or a write that fails, leaves IndexedDB as it was.
 *
 * A study already stored under the same id takes the file's units the way a merge of shards
 * would (core/results/result-file-merge.ts): a finished unit beats an unfinished or errored one;
 * of two finished copies the stored one stays; of two unfinished ones the copy with more steps
 * wins, and on a tie the stored copy stays. A study stored under
 * the same id with a different config is refused: its results would not be the same experiment.
 */
import { configDifference } from '../core/results/result-file-merge.ts';
import { unitSteps, type ResultEnvironment, type ResultFile } from '../core/results/result-file.ts';
import { sameStudyConfig } from '../core/study/config.ts';
import { summarizeTrajectory, type FinishedUnit } from '../core/study/unit-record.ts';
import { unitId as makeUnitId } from '../core/study/work-plan.ts';
import type { Step } from '../core/pipeline/trajectory.ts';
import { UserError } from '../core/user-error.ts';
import type { IDBPTransaction } from 'idb';
import { keysUnder, type LabDatabase, type LabSchema, type StudyRecord } from './database.ts';

export interface ImportedStudy {
  studyId: string;
  name: string;
  /** False when the file's units joined a study already stored. */
  created: boolean;
  /** Units the file brought that replaced or added to what was stored. */
  unitsWritten: number;
  /** Units the file held whose stored copy was kept (finished already, or as long). */
  unitsKept: number;
  /**
   * Units finished both here and in the file with different verdicts (passed in one, failed in
   * the other): the rule above decided which stayed, and the page says so, since the pass counts
   * now depend on it.
   */
  verdictConflicts: number;
}

interface PlannedUnit {
  unitId: string;
  steps: Step[];
  /** Null for an unfinished unit: only its steps are stored, and a resume continues it. */
  record: FinishedUnit | null;
}

/** The store's form of a file's units, computed before any transaction opens. */
export function plannedUnits(doc: ResultFile): PlannedUnit[] {
  return doc.units.map((unit) => {
    const id = makeUnitId(unit.armId, unit.repeat, unit.problemId);
    const key = { unitId: id, armId: unit.armId, repeat: unit.repeat, problemId: unit.problemId };
    const steps = unitSteps(unit);
    switch (unit.status) {
      case 'finished':
        return { unitId: id, steps, record: { ...key, result: { status: 'finished', trajectory: summarizeTrajectory(unit.trajectory) } } };
      case 'errored':
        return {
          unitId: id,
          steps,
          record: { ...key, result: { status: 'errored', message: unit.message, attempts: unit.attempts, stepCount: steps.length } },
        };
      case 'unfinished':
        return { unitId: id, steps, record: null };
      default: {
        const never: never = unit;
        throw new Error(`Unknown unit status in ${JSON.stringify(never).slice(0, 80)}.`);
      }
    }
  });
}

/**
 * Writes every document (one per study: merge shards of one study first) into the store in a
 * single transaction. Rejects with a UserError, writing nothing, when a document's study id is
 * stored with a different config or is in `busyStudyIds` (running in this tab).
 */
export async function importResultFiles(
  db: LabDatabase,
  docs: readonly ResultFile[],
  options: {
    now?: () => number;
    busyStudyIds?: ReadonlySet<string>;
    /**
     * Steps written so far out of those to write, as the writes complete: a study of 50,000 steps
     * takes a minute or more to store, and the page must say how far it is.
     */
    onProgress?: (written: number, total: number) => void;
  } = {},
): Promise<ImportedStudy[]> {
  const ids = new Set<string>();
  for (const doc of docs) {
    if (ids.has(doc.config.id)) throw new Error(`Two documents of study "${doc.config.id}" were given: merge them first.`);
    ids.add(doc.config.id);
    if (options.busyStudyIds?.has(doc.config.id)) {
      throw new UserError(
        `The study "${doc.config.name}" is running or paused in this tab.`,
        // Pausing keeps the study held (audit R214-2): the advice to pause, given to a paused study, did nothing.
        'Cancel it first (its steps stay stored, and Resume on its card goes on from them), then import the file again.',
      );
    }
  }
  const plans = docs.map((doc) => ({ doc, units: plannedUnits(doc) }));
  const now = (options.now ?? Date.now)();

  const tx = db.transaction(['studies', 'steps', 'units'], 'readwrite');
  const studies = tx.objectStore('studies');
  const steps = tx.objectStore('steps');
  const units = tx.objectStore('units');
  const writes: Promise<unknown>[] = [];
  const results: ImportedStudy[] = [];
  try {
    // First what each file adds (reads only), so the number of steps to write is known before the
    // first is written and the page can count them from the start.
    const decided = [];
    for (const { doc, units: planned } of plans) {
      const studyId = doc.config.id;
      const existing = await studies.get(studyId);
      if (existing && !sameStudyConfig(existing.config, doc.config)) {
        // The setting that differs, as a merge and the Results page name it: an id alone says nothing of what to check.
        const difference = configDifference(existing.config, doc.config, 'the stored study', 'the file');
        throw new UserError(
          `A different study with the id "${studyId}" is already stored here (${existing.config.name})${difference ? `: ${difference}` : ''}.`,
          'Delete the stored study first if the file should replace it; the two cannot be merged.',
        );
      }
      const stored = existing ? await storedUnitState(tx, studyId) : new Map<string, StoredUnitState>();
      const winners: { unit: PlannedUnit; before: StoredUnitState | undefined }[] = [];
      let verdictConflicts = 0;
      for (const unit of planned) {
        const before = stored.get(unit.unitId);
        const passed = unit.record?.result.status === 'finished' ? unit.record.result.trajectory.passed : undefined;
        if (before?.passed !== undefined && passed !== undefined && before.passed !== passed) verdictConflicts++;
        if (before && !importedWins(unit, before)) continue;
        winners.push({ unit, before });
        stored.set(unit.unitId, { steps: unit.steps.length, finished: unit.record?.result.status, passed });
      }
      decided.push({ doc, existing, complete: isComplete(doc, stored), winners, kept: planned.length - winners.length, verdictConflicts });
    }

    const progress = stepProgress(options.onProgress, decided.reduce((n, d) => n + d.winners.reduce((m, w) => m + w.unit.steps.length, 0), 0));
    let sinceWait = 0;
    for (const { doc, existing, complete, winners, kept, verdictConflicts } of decided) {
      const studyId = doc.config.id;
      for (const { unit, before } of winners) {
        if (before && before.steps > 0) writes.push(steps.delete(keysUnder(studyId, unit.unitId)));
        for (const step of unit.steps) writes.push(progress.track(steps.put({ studyId, unitId: unit.unitId, index: step.index, step })));
        if (unit.record) writes.push(units.put({ studyId, unitId: unit.unitId, unit: unit.record }));
        else if (before?.finished !== undefined) writes.push(units.delete([studyId, unit.unitId]));
        // Each put copies its value on this thread: queued all at once, 50,000 steps held the page still
        // for seconds, its progress line frozen. Waiting for a batch's last write lets the page draw,
        // and the transaction stays open, since the next batch is queued as that write succeeds.
        sinceWait += unit.steps.length + 1;
        if (sinceWait >= WRITE_BATCH) {
          sinceWait = 0;
          await writes[writes.length - 1];
        }
      }
      const record: StudyRecord = existing
        ? {
            ...existing,
            status: complete ? 'done' : existing.status,
            updatedAt: now,
            importedEnvironments: withNew(existing.importedEnvironments, doc.environments),
            // Units replaced in place leave their number as it was: the study list must read them again.
            unitsStamp: (existing.unitsStamp ?? 0) + 1,
          }
        : {
            id: studyId,
            config: doc.config,
            // An incomplete file can be resumed from the study list, like a paused study.
            status: complete ? 'done' : 'paused',
            updatedAt: now,
            ranHere: false,
            importedEnvironments: doc.environments,
          };
      writes.push(studies.put(record));
      results.push({ studyId, name: doc.config.name, created: !existing, unitsWritten: winners.length, unitsKept: kept, verdictConflicts });
    }
  } catch (error) {
    tx.abort();
    await Promise.allSettled([...writes, tx.done]);
    throw error;
  }
  await Promise.all([...writes, tx.done]);
  return results;
}

/** Writes queued before waiting for the last of them: a few milliseconds of the page's thread each time. */
const WRITE_BATCH = 500;

/** Step writes of the `total` to write, reported every 5 % of them (a live region read aloud must not chatter), and once before the first. */
function stepProgress(onProgress: ((written: number, total: number) => void) | undefined, total: number) {
  let written = 0;
  const every = Math.max(1, Math.floor(total / 20));
  onProgress?.(0, total);
  return {
    track<T>(write: Promise<T>): Promise<T> {
      if (!onProgress) return write;
      return write.then((value) => {
        written++;
        if (written % every === 0 || written === total) onProgress(written, total);
        return value;
      });
    },
  };
}

interface StoredUnitState {
  steps: number;
  /** Status of the unit's finished record, when it has one. */
  finished: 'finished' | 'errored' | undefined;
  /** The verdict of a finished unit. */
  passed?: boolean | undefined;
}

type StudyTransaction = IDBPTransaction<LabSchema, ('studies' | 'steps' | 'units')[], 'readwrite'>;

async function storedUnitState(tx: StudyTransaction, studyId: string): Promise<Map<string, StoredUnitState>> {
  const state = new Map<string, StoredUnitState>();
  const get = (unitId: string) => {
    let entry = state.get(unitId);
    if (!entry) state.set(unitId, (entry = { steps: 0, finished: undefined }));
    return entry;
  };
  // The stored steps' keys ([studyId, unitId, index]) count them; their values are every prompt and
  // reply already stored, which getAll copied onto the page's thread only to be counted: a study's
  // fourth shard of 255 MB read the first three's 765 MB back, a 4-second freeze and 4 GB of memory.
  const [stepKeys, unitRecords] = await Promise.all([
    tx.objectStore('steps').getAllKeys(keysUnder(studyId)),
    tx.objectStore('units').getAll(keysUnder(studyId)),
  ]);
  for (const [, unitId] of stepKeys) get(unitId).steps++;
  for (const { unitId, unit } of unitRecords) {
    const entry = get(unitId);
    entry.finished = unit.result.status;
    if (unit.result.status === 'finished') entry.passed = unit.result.trajectory.passed;
  }
  return state;
}

/**
 * The merge's rule (result-file-merge.ts): finished first; of two finished copies, what is stored
 * (a step count would pick the failed refinement, which ran every iteration); of two unfinished
 * ones, more steps; a tie keeps what is stored.
 */
function importedWins(unit: PlannedUnit, stored: StoredUnitState): boolean {
  const rank = (finished: string | undefined) => (finished === 'finished' ? 1 : 0);
  const byRank = rank(unit.record?.result.status) - rank(stored.finished);
  if (byRank !== 0) return byRank > 0;
  if (stored.finished === 'finished') return false;
  return unit.steps.length > stored.steps;
}

function isComplete(doc: ResultFile, stored: Map<string, StoredUnitState>): boolean {
  const planned = doc.config.arms.length * doc.config.repeats * doc.config.problemIds.length;
  let done = 0;
  for (const unit of stored.values()) if (unit.finished !== undefined) done++;
  return done >= planned;
}

function withNew(known: readonly ResultEnvironment[], more: readonly ResultEnvironment[]): ResultEnvironment[] {
  const seen = new Set(known.map((e) => JSON.stringify(e)));
  return [...known, ...more.filter((e) => !seen.has(JSON.stringify(e)))];
}
