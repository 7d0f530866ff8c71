/**
 * The StudyStore over IndexedDB: what a running study writes as it goes, so that a reload or a
 * crash loses at most the steps in flight. Every write is one transaction that has completed
 * when its promise resolves (the port's contract: the runner awaits a step before it marks the
 * unit finished).
 *
 * Steps are keyed by (studyId, unitId, index), so a replayed write finds its key taken and keeps
 * the stored step: a resumed unit never doubles a step. Keys start with the study id, so one key
 * range reads or deletes a whole study in unit and step order.
 *
 * Beyond the port, the pages list studies with their counts, delete them, and remember the link
 * a study was started from; importing result files lives in study-import.ts.
 */
import { newestFirst } from '../core/iso-time.ts';
import type { Step } from '../core/pipeline/trajectory.ts';
import type { StoredStudy, StudyStatus, StudyStore } from '../core/ports.ts';
import { canonicalJson } from '../core/results/canonical-json.ts';
import type { ResultEnvironment, ResultServedModel } from '../core/results/result-file.ts';
import { isReplayStudy, sameStudyConfig, type StudyConfig } from '../core/study/config.ts';
import { erroredReasons, type ErroredReason } from '../core/study/errored-reasons.ts';
import { summarizeArms, type ArmSummary } from '../core/study/summary.ts';
import { finishedUnitUntouchable, type FinishedUnit } from '../core/study/unit-record.ts';
import { keysUnder, observed, StoredRunGone, type LabDatabase, type StudyRecord } from './database.ts';

/** A study as the list of stored studies shows it, without its steps. */
export interface StudyListing {
  id: string;
  name: string;
  benchmark: StudyConfig['benchmark'];
  /** ISO 8601 time the study was created. */
  created: string;
  status: StudyStatus;
  /** Epoch milliseconds of the last status write. */
  updatedAt: number;
  ranHere: boolean;
  link: string | undefined;
  totalUnits: number;
  /** Units with a finished or errored record. */
  doneUnits: number;
  erroredUnits: number;
  /** The errored units' messages, with how many units got each, the commonest first. */
  erroredReasons: ErroredReason[];
  /** Every model replays a result file: its errored units cannot come out otherwise when run again. */
  replay: boolean;
  steps: number;
  arms: ArmSummary[];
}


export class IdbStudyStore implements StudyStore {
  readonly #db: LabDatabase;
  readonly #now: () => number;
  /** Each study's unit counts as last listed, with the stamp they were read at. */
  readonly #unitCounts = new Map<string, { stamp: string; counts: UnitCounts }>();

  constructor(db: LabDatabase, options: { now?: () => number } = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  get db(): LabDatabase {
    return this.#db;
  }

  async putStudy(config: StudyConfig): Promise<void> {
    const tx = observed(this.#db.transaction('studies', 'readwrite'));
    const existing = await tx.store.get(config.id);
    if (existing && !sameStudyConfig(existing.config, config)) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new Error(`A different study with the id "${config.id}" is already stored; give the new study another id.`);
    }
    if (!existing) {
      const record: StudyRecord = {
        id: config.id,
        config,
        status: 'running',
        updatedAt: this.#now(),
        ranHere: true,
        importedEnvironments: [],
      };
      await tx.store.put(record);
    } else if (!existing.ranHere) {
      // An imported study resumed here: this browser's environment now belongs in its exports.
      await tx.store.put({ ...existing, ranHere: true });
    }
    await tx.done;
  }

  async appendStep(studyId: string, unitId: string, step: Step): Promise<void> {
    const tx = observed(this.#db.transaction(['studies', 'steps'], 'readwrite'));
    const steps = tx.objectStore('steps');
    if ((await tx.objectStore('studies').getKey(studyId)) === undefined) return abortMissing(tx, studyId);
    const key: [string, string, number] = [studyId, unitId, step.index];
    if ((await steps.getKey(key)) === undefined) await steps.put({ studyId, unitId, index: step.index, step });
    await tx.done;
  }

  async finishUnit(studyId: string, unit: FinishedUnit): Promise<void> {
    const tx = observed(this.#db.transaction(['studies', 'units'], 'readwrite'));
    const studies = tx.objectStore('studies');
    const record = await studies.get(studyId);
    if (record === undefined) return abortMissing(tx, studyId);
    await Promise.all([tx.objectStore('units').put({ studyId, unitId: unit.unitId, unit }), studies.put(withUnitsMoved(record)), tx.done]);
  }

  /**
   * Drops a unit's steps from `fromIndex` on, and its errored record (whose step count would no
   * longer hold), in one transaction: a crash leaves either the old steps and record, which the
   * next session drops again, or the kept steps alone, an unfinished unit that resumes from them.
   */
  async dropStepsFrom(studyId: string, unitId: string, fromIndex: number): Promise<void> {
    const tx = observed(this.#db.transaction(['studies', 'steps', 'units'], 'readwrite'));
    if ((await tx.objectStore('studies').getKey(studyId)) === undefined) return abortMissing(tx, studyId);
    const units = tx.objectStore('units');
    const record = await units.get([studyId, unitId]);
    if (record?.unit.result.status === 'finished') {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw finishedUnitUntouchable(unitId);
    }
    const study = record ? await tx.objectStore('studies').get(studyId) : undefined;
    await Promise.all([
      record ? units.delete([studyId, unitId]) : undefined,
      study ? tx.objectStore('studies').put(withUnitsMoved(study)) : undefined,
      tx.objectStore('steps').delete(IDBKeyRange.bound([studyId, unitId, fromIndex], [studyId, unitId, Infinity])),
      tx.done,
    ]);
  }

  async setStatus(studyId: string, status: StudyStatus): Promise<void> {
    await this.#update(studyId, (record) => ({ ...record, status, updatedAt: this.#now() }));
  }

  /** Remembers the study link the study was started from (search params, `autorun` left out). */
  async setLink(studyId: string, link: string): Promise<void> {
    await this.#update(studyId, (record) => ({ ...record, link }));
  }

  async loadStudy(studyId: string): Promise<StoredStudy | null> {
    const tx = observed(this.#db.transaction(['studies', 'steps', 'units'], 'readonly'));
    const [record, steps, units] = await Promise.all([
      tx.objectStore('studies').get(studyId),
      tx.objectStore('steps').getAll(keysUnder(studyId)),
      tx.objectStore('units').getAll(keysUnder(studyId)),
      tx.done,
    ]);
    if (!record) return null;
    return {
      config: record.config,
      status: record.status,
      // Key order is unit id, then step index: what the port promises.
      steps: steps.map(({ unitId, step }) => ({ unitId, step })),
      finished: units.map(({ unit }) => unit),
    };
  }

  /**
   * Keeps what an endpoint said about a model the study ran on here, replacing an earlier word on
   * the same endpoint and model (a resumed run asks again). A study deleted meanwhile is left alone.
   */
  async noteServedModel(studyId: string, report: ResultServedModel): Promise<void> {
    const tx = observed(this.#db.transaction('studies', 'readwrite'));
    const record = await tx.store.get(studyId);
    if (record) {
      const others = (record.servedModels ?? []).filter((r) => r.endpoint !== report.endpoint || r.model !== report.model);
      await tx.store.put({ ...record, servedModels: [...others, report] });
    }
    await tx.done;
  }

  /**
   * Keeps this browser's environment as a run of the study starts here, unless it is the one
   * kept last (a resume on the same app and browser adds nothing). A study deleted meanwhile is
   * left alone.
   */
  async noteEnvironmentHere(studyId: string, environment: ResultEnvironment): Promise<void> {
    const tx = observed(this.#db.transaction('studies', 'readwrite'));
    const record = await tx.store.get(studyId);
    const kept = record?.environmentsHere ?? [];
    const last = kept.at(-1);
    if (record && !(last && sameEnvironment(last, environment))) {
      await tx.store.put({ ...record, environmentsHere: [...kept, environment] });
    }
    await tx.done;
  }

  /** The study's own record (status, link, environments), or undefined. */
  async studyRecord(studyId: string): Promise<StudyRecord | undefined> {
    return this.#db.get('studies', studyId);
  }

  /** Where imported shards of the study ran, for its exports. */
  async importedEnvironments(studyId: string): Promise<ResultEnvironment[]> {
    return (await this.#db.get('studies', studyId))?.importedEnvironments ?? [];
  }

  /**
   * Every stored study, newest first, with its counts. A study's units are read back only when
   * they moved since the last listing (its `unitsStamp`, and their number for records from before
   * the stamp): the Study page lists after every few finished units, and reading back every unit
   * of every stored study each time stalled the page for longer the more was stored (audit R216-1).
   */
  async listStudies(): Promise<StudyListing[]> {
    const tx = observed(this.#db.transaction(['studies', 'steps', 'units'], 'readonly'));
    const records = await tx.objectStore('studies').getAll();
    const listings = await Promise.all(
      records.map(async (record): Promise<StudyListing> => {
        const unitStore = tx.objectStore('units');
        const [steps, unitCount] = await Promise.all([tx.objectStore('steps').count(keysUnder(record.id)), unitStore.count(keysUnder(record.id))]);
        const stamp = `${record.unitsStamp ?? '-'}|${unitCount}`;
        const known = this.#unitCounts.get(record.id);
        const counts = known?.stamp === stamp ? known.counts : unitCounts(record.config, (await unitStore.getAll(keysUnder(record.id))).map((u) => u.unit));
        this.#unitCounts.set(record.id, { stamp, counts });
        const { config } = record;
        return {
          id: record.id,
          name: config.name,
          benchmark: config.benchmark,
          created: config.created,
          status: record.status,
          updatedAt: record.updatedAt,
          ranHere: record.ranHere,
          link: record.link,
          totalUnits: config.arms.length * config.repeats * config.problemIds.length,
          ...counts,
          replay: isReplayStudy(config),
          steps,
        };
      }),
    );
    await tx.done;
    for (const id of this.#unitCounts.keys()) if (!records.some((r) => r.id === id)) this.#unitCounts.delete(id);
    return listings.sort(newestFirst);
  }

  /**
   * About how many bytes the study's steps take as JSON, from up to `sample` of them drawn at
   * random (all of them when it has fewer): enough to refuse, before reading them all back, an
   * export that would be far too big. Drawn at random, as a fixed stride could land on the same
   * kind of step in every unit (a long reply each time, never a short execution).
   */
  async estimateStepBytes(studyId: string, sample = 200, random: () => number = Math.random): Promise<number> {
    const tx = observed(this.#db.transaction('steps', 'readonly'));
    const keys = await tx.store.getAllKeys(keysUnder(studyId));
    const picked = keys.length <= sample ? keys : Array.from({ length: sample }, () => keys[Math.floor(random() * keys.length)]!);
    const records = await Promise.all(picked.map((key) => tx.store.get(key)));
    await tx.done;
    if (picked.length === 0) return 0;
    const encoder = new TextEncoder();
    const bytes = records.reduce((sum, record) => sum + (record ? encoder.encode(JSON.stringify(record.step)).length : 0), 0);
    return Math.round((bytes / picked.length) * keys.length);
  }

  /** Removes the study with all its steps and units, in one transaction. */
  async deleteStudy(studyId: string): Promise<void> {
    const tx = observed(this.#db.transaction(['studies', 'steps', 'units'], 'readwrite'));
    await Promise.all([
      tx.objectStore('studies').delete(studyId),
      tx.objectStore('steps').delete(keysUnder(studyId)),
      tx.objectStore('units').delete(keysUnder(studyId)),
      tx.done,
    ]);
  }

  async #update(studyId: string, change: (record: StudyRecord) => StudyRecord): Promise<void> {
    const tx = observed(this.#db.transaction('studies', 'readwrite'));
    const record = await tx.store.get(studyId);
    if (!record) return abortMissing(tx, studyId);
    await tx.store.put(change(record));
    await tx.done;
  }
}

/** The same app, browser, GPU and libraries: when it was recorded, and what endpoints said since, aside. */
function sameEnvironment(a: ResultEnvironment, b: ResultEnvironment): boolean {
  const what = ({ recordedAt: _at, servedModels: _served, ...rest }: ResultEnvironment) => canonicalJson(rest);
  return what(a) === what(b);
}

/** Ends a write for a study that was never stored: nothing is written, and the caller hears why. */
async function abortMissing(tx: { abort(): void; done: Promise<void> }, studyId: string): Promise<never> {
  tx.abort();
  await tx.done.catch(() => undefined);
  throw new StoredRunGone('study', studyId);
}

/** What the study list says of a study's finished units. */
type UnitCounts = Pick<StudyListing, 'doneUnits' | 'erroredUnits' | 'erroredReasons' | 'arms'>;

function unitCounts(config: StudyConfig, finished: readonly FinishedUnit[]): UnitCounts {
  return {
    doneUnits: finished.length,
    erroredUnits: finished.filter((u) => u.result.status === 'errored').length,
    erroredReasons: erroredReasons(finished.flatMap((u) => (u.result.status === 'errored' ? [u.result.message] : []))),
    arms: summarizeArms(config, finished),
  };
}

/** The record with its units marked as moved (see StudyRecord.unitsStamp). */
function withUnitsMoved(record: StudyRecord): StudyRecord {
  return { ...record, unitsStamp: (record.unitsStamp ?? 0) + 1 };
}
