/**
 * A study paused (or cut off by a crash) on one build of the app and resumed on a newer build
 * whose messages to the model are worded otherwise (see older-build-fixtures.ts). The recorded
 * steps up to the first one that no longer fits are kept; the unit goes on live from there and
 * finishes, and the store exports a file that imports again.
 */
import { describe, expect, it } from 'vitest';
import type { ReplayDivergence } from '../../../src/core/pipeline/interpret.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { unitKey, unitSteps, type ResultUnit } from '../../../src/core/results/result-file.ts';
import type { StoredStudy } from '../../../src/core/ports.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { runStudy, type RunStudyOptions } from '../../../src/core/study/runner.ts';
import { environment } from '../results/result-file-fixtures.ts';
import {
  ERRORED_UNIT,
  FINISHED_OLD,
  OLD_FAILING_TEST,
  UNIT,
  UNIT_STEPS,
  currentRun,
  olderBuildPorts as ports,
  olderStore,
  olderWording,
} from './older-build-fixtures.ts';
import { PROBLEMS, TRUTH, studyConfig } from './study-fixtures.ts';

/** A memory store whose tab dies right after it dropped a unit's steps. */
class DyingStore extends MemoryStudyStore {
  crash: AbortController | null = null;
  override async dropStepsFrom(studyId: string, unitId: string, fromIndex: number): Promise<void> {
    await super.dropStepsFrom(studyId, unitId, fromIndex);
    this.crash?.abort();
  }
}

const fast: RunStudyOptions = { concurrency: 3, retryDelayMs: 0 };

const stepsOf = (stored: StoredStudy, unitId: string) => stored.steps.filter((s) => s.unitId === unitId).map((s) => s.step);

/** The store's result file, through export and import (which checks step numbering and counts). */
async function exportedUnits(stored: StoredStudy): Promise<ResultUnit[]> {
  const file = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
  return (await importResultFile(await exportResultFile(file, { gzip: true }))).units;
}

const unitOf = (units: ResultUnit[], unitId: string) => units.find((u) => unitKey(u) === unitKey(parse(unitId)));
function parse(unitId: string): { armId: string; repeat: number; problemId: string } {
  const [armId = '', repeat = '0', ...problem] = unitId.split('/');
  return { armId, repeat: Number(repeat), problemId: problem.join('/') };
}

describe('resuming a study recorded by an older build whose messages were worded otherwise', () => {
  it("the fixture: the current build words the refine unit's refiner message differently from the older one", async () => {
    const whole = await currentRun();
    const steps = stepsOf(whole, UNIT);
    expect(steps.map((s) => s.kind).slice(0, UNIT_STEPS)).toEqual(['generate', 'execute', 'refine', 'execute']);
    expect(steps.filter((s) => JSON.stringify(olderWording(s)) !== JSON.stringify(s)).map((s) => s.index)[0]).toBe(2);
    const refiner = steps[2];
    expect(refiner?.kind !== 'execute' && refiner?.messages[1]?.content).toContain("TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'\n\nFailing test:\nassert candidate() == 903");
  });

  it('keeps the steps that still fit, runs on live from the first that does not, finishes every unit, and exports a valid file', async () => {
    const whole = await currentRun();
    const store = await olderStore(whole, new MemoryStudyStore());
    const before = (await store.loadStudy(studyConfig().id))!;
    const diverged: [string, ReplayDivergence][] = [];
    const end = await runStudy(studyConfig(), PROBLEMS, ports(store), { ...fast, onReplayDiverged: (unit, d) => diverged.push([unit.id, d]) });

    expect(end.status).toBe('done');
    expect(end.progress.erroredUnits).toBe(1); // the errored unit waits for "run errored units again"
    expect(diverged).toEqual([[UNIT, { fromIndex: 2, dropped: 2, reason: expect.stringMatching(/messages it sent differ/) as string }]]);
    const after = (await store.loadStudy(studyConfig().id))!;
    // The resumed unit ends as the current build runs it from scratch: steps 0–1 kept, the rest redone.
    expect(stepsOf(after, UNIT)).toEqual(stepsOf(whole, UNIT));
    expect(after.finished.find((f) => f.unitId === UNIT)).toEqual(whole.finished.find((f) => f.unitId === UNIT));
    // Finished units are not touched, old wording and all.
    expect(stepsOf(after, FINISHED_OLD)).toEqual(stepsOf(before, FINISHED_OLD));
    expect(stepsOf(after, FINISHED_OLD).some((s) => JSON.stringify(s).includes(OLD_FAILING_TEST))).toBe(true);

    const units = await exportedUnits(after);
    expect(unitOf(units, UNIT)?.status).toBe('finished');
    expect(unitOf(units, UNIT) && unitSteps(unitOf(units, UNIT)!).map((s) => s.index)).toEqual(stepsOf(whole, UNIT).map((s) => s.index));
  });

  it('"run errored units again" finishes a unit that errored on the mismatch, and a crash in the middle leaves a store that exports', async () => {
    const whole = await currentRun();
    const store = await olderStore(whole, new DyingStore());
    await runStudy(studyConfig(), PROBLEMS, ports(store), fast);
    const erroredSteps = stepsOf((await store.loadStudy(studyConfig().id))!, ERRORED_UNIT).length;
    expect(erroredSteps).toBeGreaterThan(2);

    // The tab dies right after the old steps were dropped, before any new step is stored.
    store.crash = new AbortController();
    const second = await runStudy(studyConfig(), PROBLEMS, ports(store), { ...fast, retryErrored: true, signal: store.crash.signal });
    expect(second.status).toBe('cancelled');
    const cut = (await store.loadStudy(studyConfig().id))!;
    expect(stepsOf(cut, ERRORED_UNIT).map((s) => s.index)).toEqual([0, 1]);
    // No errored record whose step count no longer holds: the unit is unfinished, with the steps kept.
    expect(cut.finished.find((f) => f.unitId === ERRORED_UNIT)).toBeUndefined();
    const cutUnits = await exportedUnits(cut);
    expect(unitOf(cutUnits, ERRORED_UNIT)?.status).toBe('unfinished');
    expect(unitSteps(unitOf(cutUnits, ERRORED_UNIT)!)).toHaveLength(2);

    store.crash = null;
    // The next session (a plain resume: the unit is no longer errored) finishes it.
    const third = await runStudy(studyConfig(), PROBLEMS, ports(store), fast);
    expect(third.status).toBe('done');
    expect(third.progress.erroredUnits).toBe(0);
    const after = (await store.loadStudy(studyConfig().id))!;
    expect(stepsOf(after, ERRORED_UNIT)).toEqual(stepsOf(whole, ERRORED_UNIT));
    expect(stepsOf(after, UNIT)).toEqual(stepsOf(whole, UNIT));
    const units = await exportedUnits(after);
    expect(units.filter((u) => u.status !== 'finished')).toEqual([]);
    expect(
      ['solo', 'refine', 'text-only'].map((arm) =>
        [0, 1].map((repeat) => units.filter((u) => u.armId === arm && u.repeat === repeat && u.status === 'finished' && u.trajectory.passed).length),
      ),
    ).toEqual([TRUTH.solo, TRUTH.refine, TRUTH['text-only']]);
  });
});
