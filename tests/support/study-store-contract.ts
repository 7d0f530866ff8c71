/**
 * The StudyStore contract (src/core/ports.ts) as one suite, run against every implementation: the
 * in-memory store and the IndexedDB store must behave the same to the study runner.
 *
 * ```ts
 * describeStudyStoreContract('IdbStudyStore', async () => new IdbStudyStore(await openLabDatabase()));
 * ```
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import { llamaSelfRefine, llamaSolo } from '../../src/core/pipeline/presets.ts';
import type { ExecuteStep } from '../../src/core/pipeline/trajectory.ts';
import type { StudyStore } from '../../src/core/ports.ts';
import type { StudyConfig } from '../../src/core/study/config.ts';
import { createStudyConfig } from '../../src/core/study/create-config.ts';
import type { FinishedUnit } from '../../src/core/study/unit-record.ts';

const PROBLEMS: Problem[] = [0, 1, 2].map((number) => ({
  benchmark: 'humaneval',
  id: `HumanEval/${number}`,
  number,
  prompt: `def f${number}():\n    """Return ${number}."""\n`,
  entryPoint: `f${number}`,
  canonicalSolution: `    return ${number}\n`,
  test: `def check(candidate):\n    assert candidate() == ${number}\n`,
  testImports: [],
  testList: [],
  knownBroken: false,
}));

/** A two-arm study over three problems; `repeats` changes the config without changing its id. */
export function contractConfig(id = 'contract-study', repeats = 2): StudyConfig {
  return createStudyConfig(
    {
      name: 'Store contract <b>study</b>',
      benchmark: 'humaneval',
      selection: { kind: 'all' },
      arms: [
        { id: 'solo', label: 'solo', pipeline: llamaSolo, forcedIterations: false },
        { id: 'refine', label: 'self-refine', pipeline: llamaSelfRefine, forcedIterations: false },
      ],
      repeats,
      mode: 'study',
      models: { 'llama3.2:3b': { engine: 'openai', id: 'fake-model', baseUrl: 'http://127.0.0.1:9/v1' } },
    },
    { id, created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: 'a'.repeat(64) },
  );
}

export function contractStep(index: number, code = 'x = 1'): ExecuteStep {
  return {
    index,
    kind: 'execute',
    nodeId: 'final.executor',
    stage: null,
    iteration: 0,
    startedAt: index,
    endedAt: index + 1,
    attempt: 0,
    final: true,
    code,
    mode: 'study',
    limits: { timeoutMs: 10_000, maxOutputChars: 1000 },
    outcome: { kind: 'passed', durationMs: 1 },
  } as ExecuteStep;
}

export function contractUnit(unitId: string, passed: boolean, stepCount = 1): FinishedUnit {
  const [armId = '', repeat = '0', ...problem] = unitId.split('/');
  const problemId = problem.join('/');
  return {
    unitId,
    armId,
    repeat: Number(repeat),
    problemId,
    result: {
      status: 'finished',
      trajectory: {
        problemId,
        pipelineId: armId === 'solo' ? llamaSolo.id : llamaSelfRefine.id,
        repeat: Number(repeat),
        mode: 'study',
        verdict: passed ? { kind: 'passed', durationMs: 1 } : null,
        passed,
        finalCode: 'x = 1',
        stopReason: 'completed',
        stepCount,
      },
    },
  } as FinishedUnit;
}

const codeOf = (step: unknown) => (step as ExecuteStep).code;

export function describeStudyStoreContract(name: string, makeStore: () => Promise<StudyStore>): void {
  describe(`${name} keeps the StudyStore contract`, () => {
    it('stores a new study as running and gives back an equal config; an unknown id loads as null', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const loaded = await store.loadStudy(config.id);
      expect(loaded?.status).toBe('running');
      expect(loaded?.config).toEqual(config);
      expect(loaded?.steps).toEqual([]);
      expect(loaded?.finished).toEqual([]);
      expect(await store.loadStudy('no-such-study')).toBeNull();
    });

    it('keeps a replayed step write once, and the first version of it', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      await store.appendStep(config.id, 'solo/0/HumanEval/1', contractStep(1));
      await store.appendStep(config.id, 'solo/0/HumanEval/1', contractStep(0));
      await store.appendStep(config.id, 'solo/0/HumanEval/1', contractStep(1, 'changed'));
      await store.appendStep(config.id, 'solo/0/HumanEval/1', contractStep(0, 'changed'));
      const loaded = await store.loadStudy(config.id);
      expect(loaded?.steps.map((s) => [s.unitId, s.step.index, codeOf(s.step)])).toEqual([
        ['solo/0/HumanEval/1', 0, 'x = 1'],
        ['solo/0/HumanEval/1', 1, 'x = 1'],
      ]);
    });

    it('gives steps back grouped by unit and in index order, whatever order they were written in', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const writes: [string, number][] = [
        ['solo/1/HumanEval/0', 1],
        ['refine/0/HumanEval/2', 0],
        ['solo/1/HumanEval/0', 0],
        ['refine/0/HumanEval/2', 2],
        ['refine/0/HumanEval/2', 1],
        ['refine/0/HumanEval/10', 0],
      ];
      for (const [unitId, index] of writes) await store.appendStep(config.id, unitId, contractStep(index));
      const loaded = await store.loadStudy(config.id);
      expect(loaded?.steps.map((s) => `${s.unitId}#${s.step.index}`)).toEqual([
        'refine/0/HumanEval/10#0',
        'refine/0/HumanEval/2#0',
        'refine/0/HumanEval/2#1',
        'refine/0/HumanEval/2#2',
        'solo/1/HumanEval/0#0',
        'solo/1/HumanEval/0#1',
      ]);
    });

    it('accepts the same config again (resuming) and refuses a different one under the same id', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      await store.appendStep(config.id, 'solo/0/HumanEval/0', contractStep(0));
      await expect(store.putStudy(JSON.parse(JSON.stringify(config)) as StudyConfig)).resolves.toBeUndefined();
      await expect(store.putStudy(contractConfig(config.id, 3))).rejects.toThrow(/different study/);
      const loaded = await store.loadStudy(config.id);
      expect(loaded?.config.repeats).toBe(2);
      expect(loaded?.steps).toHaveLength(1);
    });

    it('refuses writes for a study that was never stored', async () => {
      const store = await makeStore();
      await expect(store.appendStep('nope', 'solo/0/HumanEval/0', contractStep(0))).rejects.toThrow(/nope/);
      await expect(store.finishUnit('nope', contractUnit('solo/0/HumanEval/0', true))).rejects.toThrow(/nope/);
      await expect(store.setStatus('nope', 'done')).rejects.toThrow(/nope/);
      expect(await store.loadStudy('nope')).toBeNull();
    });

    it('stores a finished unit and replaces it when the unit finishes again (a retried errored unit)', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const errored: FinishedUnit = {
        ...contractUnit('refine/0/HumanEval/0', false, 0),
        result: { status: 'errored', message: 'The endpoint is down.', attempts: 3, stepCount: 0 },
      };
      await store.finishUnit(config.id, errored);
      await store.finishUnit(config.id, contractUnit('solo/0/HumanEval/0', true));
      await store.finishUnit(config.id, contractUnit('refine/0/HumanEval/0', true));
      const loaded = await store.loadStudy(config.id);
      const byId = new Map(loaded?.finished.map((f) => [f.unitId, f]));
      expect(byId.size).toBe(2);
      expect(byId.get('refine/0/HumanEval/0')?.result.status).toBe('finished');
      expect(byId.get('solo/0/HumanEval/0')).toEqual(contractUnit('solo/0/HumanEval/0', true));
    });

    it("drops a unit's steps from an index on with its errored record, touching no other unit", async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const unit = 'refine/0/HumanEval/1';
      for (let i = 0; i < 5; i++) await store.appendStep(config.id, unit, contractStep(i, `old ${i}`));
      // Neighbours in key order on both sides, and a unit whose id extends this one's.
      for (const other of ['refine/0/HumanEval/0', 'refine/0/HumanEval/10', 'solo/0/HumanEval/1']) {
        await store.appendStep(config.id, other, contractStep(0));
        await store.appendStep(config.id, other, contractStep(1));
      }
      await store.finishUnit(config.id, {
        ...contractUnit(unit, false, 5),
        result: { status: 'errored', message: 'Cannot resume HumanEval/1.', attempts: 3, stepCount: 5 },
      });
      await store.finishUnit(config.id, contractUnit('refine/0/HumanEval/10', true, 2));

      await store.dropStepsFrom(config.id, unit, 2);
      // The step the runner writes next at index 2 is stored, not swallowed by the dropped one.
      await store.appendStep(config.id, unit, contractStep(2, 'new 2'));
      const loaded = await store.loadStudy(config.id);
      expect(loaded?.steps.map((s) => `${s.unitId}#${s.step.index} ${codeOf(s.step)}`)).toEqual([
        'refine/0/HumanEval/0#0 x = 1',
        'refine/0/HumanEval/0#1 x = 1',
        'refine/0/HumanEval/1#0 old 0',
        'refine/0/HumanEval/1#1 old 1',
        'refine/0/HumanEval/1#2 new 2',
        'refine/0/HumanEval/10#0 x = 1',
        'refine/0/HumanEval/10#1 x = 1',
        'solo/0/HumanEval/1#0 x = 1',
        'solo/0/HumanEval/1#1 x = 1',
      ]);
      expect(loaded?.finished.map((f) => f.unitId)).toEqual(['refine/0/HumanEval/10']);
    });

    it('refuses to drop steps of a finished unit, changing nothing', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const unit = 'solo/0/HumanEval/2';
      await store.appendStep(config.id, unit, contractStep(0));
      await store.finishUnit(config.id, contractUnit(unit, true, 1));
      const before = await store.loadStudy(config.id);
      await expect(store.dropStepsFrom(config.id, unit, 0)).rejects.toThrow(/is finished/);
      expect(await store.loadStudy(config.id)).toEqual(before);
      await expect(store.dropStepsFrom('nope', unit, 0)).rejects.toThrow(/nope/);
    });

    it('records status changes', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      for (const status of ['paused', 'running', 'cancelled', 'done'] as const) {
        await store.setStatus(config.id, status);
        expect((await store.loadStudy(config.id))?.status).toBe(status);
      }
    });

    it('is not changed by later mutation of what it was given, nor of what it gave', async () => {
      const store = await makeStore();
      const config = contractConfig();
      await store.putStudy(config);
      const step = contractStep(0);
      await store.appendStep(config.id, 'solo/0/HumanEval/0', step);
      step.code = 'mutated';
      config.name = 'mutated';
      const first = await store.loadStudy(config.id);
      (first?.steps[0]?.step as ExecuteStep).code = 'mutated again';
      const loaded = await store.loadStudy(config.id);
      expect(codeOf(loaded?.steps[0]?.step)).toBe('x = 1');
      expect(loaded?.config.name).toBe('Store contract <b>study</b>');
    });

    it('keeps studies apart, even when one id starts with the other', async () => {
      const store = await makeStore();
      const a = contractConfig('study-a');
      const b = contractConfig('study-a-2');
      await store.putStudy(a);
      await store.putStudy(b);
      await store.appendStep(a.id, 'solo/0/HumanEval/0', contractStep(0, 'in a'));
      await store.appendStep(b.id, 'solo/0/HumanEval/0', contractStep(0, 'in b'));
      await store.finishUnit(b.id, contractUnit('solo/0/HumanEval/0', true));
      await store.setStatus(b.id, 'done');
      const loadedA = await store.loadStudy(a.id);
      expect(loadedA?.steps.map((s) => codeOf(s.step))).toEqual(['in a']);
      expect(loadedA?.finished).toEqual([]);
      expect(loadedA?.status).toBe('running');
      expect((await store.loadStudy(b.id))?.steps.map((s) => codeOf(s.step))).toEqual(['in b']);
    });
  });
}
