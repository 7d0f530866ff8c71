/**
 * A result file back into a study store, so the runner resumes it as it resumes a study after a
 * reload: finished units are counted and skipped, unfinished ones replay their recorded steps
 * and continue after the last one.
 */
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { MemoryStudyStore } from '../../src/core/study/memory-store.ts';
import { summarizeTrajectory, type UnitResult } from '../../src/core/study/unit-record.ts';
import { unitId } from '../../src/core/study/work-plan.ts';

export async function storeFromResultFile(doc: ResultFile): Promise<MemoryStudyStore> {
  const store = new MemoryStudyStore();
  const studyId = doc.config.id;
  await store.putStudy(doc.config);
  for (const unit of doc.units) {
    const id = unitId(unit.armId, unit.repeat, unit.problemId);
    const steps = unit.status === 'finished' ? unit.trajectory.steps : unit.steps;
    for (const step of steps) await store.appendStep(studyId, id, step);
    let result: UnitResult | null = null;
    if (unit.status === 'finished') result = { status: 'finished', trajectory: summarizeTrajectory(unit.trajectory) };
    else if (unit.status === 'errored') result = { status: 'errored', message: unit.message, attempts: unit.attempts, stepCount: steps.length };
    if (result) await store.finishUnit(studyId, { unitId: id, armId: unit.armId, repeat: unit.repeat, problemId: unit.problemId, result });
  }
  // Stored as stopped: the runner sets it to running when it starts.
  await store.setStatus(studyId, 'cancelled');
  return store;
}
