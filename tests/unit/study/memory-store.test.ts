import { describe, expect, it } from 'vitest';
import type { ExecuteStep } from '../../../src/core/pipeline/trajectory.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { studyConfig } from './study-fixtures.ts';

function step(index: number, code = 'x = 1'): ExecuteStep {
  return {
    index,
    kind: 'execute',
    nodeId: 'final.executor',
    stage: null,
    iteration: 0,
    startedAt: 0,
    endedAt: 1,
    attempt: 0,
    final: true,
    code,
    mode: 'study',
    limits: { timeoutMs: 10_000, maxOutputChars: 1000 },
    outcome: { kind: 'passed', durationMs: 1 },
  };
}

describe('MemoryStudyStore', () => {
  it('keeps a replayed step write once, and the first version of it', async () => {
    const store = new MemoryStudyStore();
    const config = studyConfig();
    await store.putStudy(config);
    await store.appendStep(config.id, 'u/0/P', step(1));
    await store.appendStep(config.id, 'u/0/P', step(0));
    await store.appendStep(config.id, 'u/0/P', step(1, 'changed'));
    const loaded = await store.loadStudy(config.id);
    expect(loaded?.steps.map((s) => [s.unitId, s.step.index, (s.step as ExecuteStep).code])).toEqual([
      ['u/0/P', 0, 'x = 1'],
      ['u/0/P', 1, 'x = 1'],
    ]);
    expect(loaded?.status).toBe('running');
  });

  it('accepts the same config again (resume) and refuses a different one under the same id', async () => {
    const store = new MemoryStudyStore();
    await store.putStudy(studyConfig());
    await expect(store.putStudy(JSON.parse(JSON.stringify(studyConfig())))).resolves.toBeUndefined();
    await expect(store.putStudy({ ...studyConfig(), repeats: 9 })).rejects.toThrow(/different study/);
  });

  it('refuses writes for a study it does not hold, and is not changed by later mutation of what it was given', async () => {
    const store = new MemoryStudyStore();
    await expect(store.appendStep('nope', 'u', step(0))).rejects.toThrow(/putStudy must come first/);
    const config = studyConfig();
    await store.putStudy(config);
    const s = step(0);
    await store.appendStep(config.id, 'u', s);
    s.code = 'mutated';
    await store.setStatus(config.id, 'paused');
    const loaded = await store.loadStudy(config.id);
    expect((loaded?.steps[0]?.step as ExecuteStep).code).toBe('x = 1');
    expect(loaded?.status).toBe('paused');
    expect(await store.loadStudy('nope')).toBeNull();
  });
});
