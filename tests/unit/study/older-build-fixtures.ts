/**
 * A store as an older build of the app left it, for resuming on the current build. The change
 * is bda73fc's: when a non-assertion error is raised inside an assert, the refiner's (and the
 * analyzer's) "Failing test:" section now lists that assert, where the older build said that no
 * single assert was identified. Wrong code here raises a TypeError inside the test's assert, so
 * every refiner message of a never-fixed unit is worded differently by the two builds.
 */
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { PROGRAM_FILENAME } from '../../../src/core/harness/to-outcome.ts';
import type { Step } from '../../../src/core/pipeline/trajectory.ts';
import type { StoredStudy } from '../../../src/core/ports.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { runStudy, type StudyPorts } from '../../../src/core/study/runner.ts';
import { fakeSandbox } from '../pipeline/fake-sandbox.ts';
import { PROBLEMS, judgeProgram, studyConfig, truthModel } from './study-fixtures.ts';

/** What the build before bda73fc put under "Failing test:" for an error that is not an AssertionError. */
export const OLD_FAILING_TEST = '(no single failing assert identified; see the error above)';

/** Wrong code raises a TypeError inside the test's assert, as `return -1 + None` would. */
export function typeErrorInAssert(program: string): RunResult {
  const judged = judgeProgram(program);
  if (judged.status !== 'error' || judged.errorType !== 'AssertionError') return judged;
  const n = /def f(\d+)\(/.exec(program)?.[1] ?? '0';
  return {
    status: 'error',
    durationMs: 5,
    stdout: '',
    errorType: 'TypeError',
    message: "unsupported operand type(s) for +: 'int' and 'NoneType'",
    traceback: [
      'Traceback (most recent call last):',
      `  File "${PROGRAM_FILENAME}", line 12, in <module>`,
      `    check(f${n})`,
      `  File "${PROGRAM_FILENAME}", line 9, in check`,
      `    assert candidate() == ${n}`,
      `  File "${PROGRAM_FILENAME}", line 4, in f${n}`,
      '    return -1 + None',
      "TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'",
    ].join('\n'),
  };
}

/** The study's ports with the sandbox above. */
export function olderBuildPorts(store: MemoryStudyStore): StudyPorts {
  return { model: () => truthModel(), sandbox: fakeSandbox(typeErrorInAssert), store, now: () => 0 };
}

/** A unit that is never fixed: its refiner sees the TypeError inside the assert. */
export const UNIT = 'refine/0/HumanEval/903';
export const ERRORED_UNIT = 'refine/1/HumanEval/903';
/** A unit finished yesterday whose steps carry the old wording: it must stay exactly as it was. */
export const FINISHED_OLD = 'refine/0/HumanEval/904';

/** The same step as the older build recorded it. */
export function olderWording(step: Step): Step {
  if (step.kind === 'execute') return step;
  const messages = step.messages.map((m) => ({ ...m, content: m.content.replace(/(Failing test:\n)assert [^\n]*/, `$1${OLD_FAILING_TEST}`) }));
  return { ...step, messages };
}

export async function currentRun(): Promise<StoredStudy> {
  const store = new MemoryStudyStore();
  await runStudy(studyConfig(), PROBLEMS, olderBuildPorts(store), { concurrency: 3, retryDelayMs: 0 });
  return (await store.loadStudy(studyConfig().id))!;
}

/**
 * The store as the older build left it: every unit's steps in its wording; `UNIT` paused after
 * `UNIT_STEPS` steps; `ERRORED_UNIT` errored on resume by the build in between (all its steps,
 * an errored record counting them); every other unit finished.
 */
export const UNIT_STEPS = 4;
export async function olderStore<S extends MemoryStudyStore>(whole: StoredStudy, store: S): Promise<S> {
  const config = studyConfig();
  await store.putStudy(config);
  const cut = new Map<string, number>();
  for (const { unitId, step } of whole.steps) {
    const seen = cut.get(unitId) ?? 0;
    cut.set(unitId, seen + 1);
    if (unitId === UNIT && seen >= UNIT_STEPS) continue;
    await store.appendStep(config.id, unitId, olderWording(step));
  }
  for (const record of whole.finished) {
    if (record.unitId === UNIT) continue;
    if (record.unitId === ERRORED_UNIT) {
      const stepCount = cut.get(ERRORED_UNIT) ?? 0;
      const message = 'Cannot resume HumanEval/903: recorded step 2 (refine of stage1.refiner, iteration 0) does not fit, because its messages differ from what the pipeline sends now (was the prompt set or the pipeline changed?).';
      await store.finishUnit(config.id, { ...record, result: { status: 'errored', message, attempts: 3, stepCount } });
    } else {
      await store.finishUnit(config.id, record);
    }
  }
  await store.setStatus(config.id, 'paused');
  return store;
}
