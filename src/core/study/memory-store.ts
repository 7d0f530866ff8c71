/**
 * A StudyStore in memory: for tests and for the Node command line, where a study lives as long
 * as the process (its result file is the durable record). It keeps copies of what it is given
 * and hands out copies, as a real database would, so a caller mutating an object later cannot
 * change what was stored.
 */
import type { Step } from '../pipeline/trajectory.ts';
import type { StoredStudy, StudyStatus, StudyStore } from '../ports.ts';
import { sameStudyConfig, type StudyConfig } from './config.ts';
import { finishedUnitUntouchable, type FinishedUnit } from './unit-record.ts';

interface StudyEntry {
  config: StudyConfig;
  status: StudyStatus;
  /** unitId → steps by index. */
  steps: Map<string, Map<number, Step>>;
  finished: Map<string, FinishedUnit>;
}

export class MemoryStudyStore implements StudyStore {
  readonly #studies = new Map<string, StudyEntry>();
  /** Number of writes received, replayed ones included; lets tests see that a write happened. */
  writes = 0;

  async putStudy(config: StudyConfig): Promise<void> {
    this.writes++;
    const existing = this.#studies.get(config.id);
    if (existing) {
      if (!sameStudyConfig(existing.config, config)) {
        throw new Error(`A different study with the id "${config.id}" is already stored; give the new study another id.`);
      }
      return;
    }
    this.#studies.set(config.id, { config: copy(config), status: 'running', steps: new Map(), finished: new Map() });
  }

  async appendStep(studyId: string, unitId: string, step: Step): Promise<void> {
    this.writes++;
    const study = this.#study(studyId);
    let unit = study.steps.get(unitId);
    if (!unit) study.steps.set(unitId, (unit = new Map()));
    if (!unit.has(step.index)) unit.set(step.index, copy(step));
  }

  async finishUnit(studyId: string, unit: FinishedUnit): Promise<void> {
    this.writes++;
    this.#study(studyId).finished.set(unit.unitId, copy(unit));
  }

  async dropStepsFrom(studyId: string, unitId: string, fromIndex: number): Promise<void> {
    this.writes++;
    const study = this.#study(studyId);
    const record = study.finished.get(unitId);
    if (record?.result.status === 'finished') throw finishedUnitUntouchable(unitId);
    study.finished.delete(unitId);
    const steps = study.steps.get(unitId);
    for (const index of [...(steps?.keys() ?? [])]) if (index >= fromIndex) steps?.delete(index);
  }

  async setStatus(studyId: string, status: StudyStatus): Promise<void> {
    this.writes++;
    this.#study(studyId).status = status;
  }

  async loadStudy(studyId: string): Promise<StoredStudy | null> {
    return this.#read(studyId, copy);
  }

  /**
   * The study as loadStudy gives it, but holding the stored objects themselves instead of copies,
   * for a reader that only serialises them and must never change them (the command line's result
   * file writer: copying a study of 50,000 steps held the event loop for a second at every
   * checkpoint). Safe because the store never changes an object once stored: it adds, replaces
   * and (dropStepsFrom) removes them, and the lists returned here are built afresh, so a snapshot
   * being written out is not changed by the writes that follow it.
   */
  snapshotStudy(studyId: string): StoredStudy | null {
    return this.#read(studyId, (value) => value);
  }

  #read(studyId: string, out: <T>(value: T) => T): StoredStudy | null {
    const study = this.#studies.get(studyId);
    if (!study) return null;
    const steps = [...study.steps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([unitId, byIndex]) =>
        [...byIndex.values()].sort((a, b) => a.index - b.index).map((step) => ({ unitId, step: out(step) })),
      );
    return {
      config: out(study.config),
      status: study.status,
      steps,
      finished: [...study.finished.values()].map(out),
    };
  }

  #study(studyId: string): StudyEntry {
    const study = this.#studies.get(studyId);
    if (!study) throw new Error(`No study "${studyId}" in the store: putStudy must come first.`);
    return study;
  }
}

/** Stored data is JSON-shaped, so structuredClone copies it exactly. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
