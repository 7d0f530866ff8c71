import { describe, expect, it } from 'vitest';
import type { PyodideAPI } from 'pyodide';
import { capCStack, guardCStack, type StackHost } from '../../../src/sandbox/stack-guard.ts';

/**
 * A simulated browser worker: the engine's stack holds 1 MB, each level of the memoised
 * recursion takes 2,700 bytes of it and 450 bytes of Emscripten's stack, so the engine runs out
 * at about 388 levels (175 kB of Emscripten's stack). The probe's frames are 110 bytes, or
 * 160 while V8 has not compiled it yet; `probeFrameBytes` says which, call by call.
 */
const ENGINE_BYTES = 1_048_576;
const ENGINE_PER_LEVEL = 2_700;
const SHADOW_PER_LEVEL = 450;
const SHADOW_BASE = 10_000_000;
const SHADOW_END = 0;
const ENGINE_CAPACITY_SHADOW = (ENGINE_BYTES / ENGINE_PER_LEVEL) * SHADOW_PER_LEVEL;

function simulatedWorker(probeFrameBytes: (call: number) => number) {
  let level = -1; // outside runPython
  let calls = 0;
  let limitSet: { start: number; size: number } | null = null;
  const engineFree = () => ENGINE_BYTES - 4_000 - (level < 0 ? 0 : 20_000 + level * ENGINE_PER_LEVEL);
  const depthProbe = (limit: number) => Math.min(limit, Math.floor(engineFree() / probeFrameBytes(calls++)));
  const host: StackHost = {
    _emscripten_stack_get_current: () => SHADOW_BASE - 2_000 - (level < 0 ? 0 : 1_000 + level * SHADOW_PER_LEVEL),
    _emscripten_stack_get_base: () => SHADOW_BASE,
    _emscripten_stack_get_end: () => SHADOW_END,
    _PyThreadState_Get: () => 1,
    _PyUnstable_ThreadState_SetStackProtection: (_state, start, size) => {
      limitSet = { start, size };
      return 0;
    },
    _PyErr_Clear: () => undefined,
  };
  let probe: ((level: number) => void) | null = null;
  const py = {
    toPy: (value: { _probe: (level: number) => void }) => {
      probe = value._probe;
      return { clear: () => undefined, destroy: () => undefined };
    },
    // One pass of the calibration: the probe at the entry, at level 8 and at level 72.
    runPython: () => {
      for (const at of [0, 8, 72]) {
        level = at;
        probe?.(at);
      }
      level = -1;
    },
  } as unknown as PyodideAPI;
  return { py, host, depthProbe, limit: () => limitSet };
}

describe('guardCStack', () => {
  it('stops CPython with 15 % of the engine stack to spare when the probe keeps its size', () => {
    const worker = simulatedWorker(() => 110);
    const { cStackBytes } = guardCStack(worker.py, worker.host, { depthProbe: worker.depthProbe });
    expect(cStackBytes).not.toBeNull();
    expect(cStackBytes!).toBeLessThan(ENGINE_CAPACITY_SHADOW * 0.87);
    expect(cStackBytes!).toBeGreaterThan(ENGINE_CAPACITY_SHADOW * 0.8);
    expect(worker.limit()).not.toBeNull();
  });

  // Under CPU load V8 compiles the probe late, at any point of the measure. A pass whose entry
  // was counted in small frames and its levels in large ones said the engine's stack was
  // nearly endless (or went backwards): the guard then set no limit, or one past the end, and
  // deep recursion killed the worker with a RangeError.
  it('throws away a pass during which the probe changed size, in either direction', () => {
    for (const [from, to] of [
      [110, 160],
      [160, 110],
    ] as const) {
      for (let switchAt = 4; switchAt < 24; switchAt++) {
        const worker = simulatedWorker((call) => (call < switchAt ? from : to));
        const { cStackBytes } = guardCStack(worker.py, worker.host, { depthProbe: worker.depthProbe });
        expect(cStackBytes, `probe ${from}→${to} bytes at call ${switchAt}`).not.toBeNull();
        expect(cStackBytes!, `probe ${from}→${to} bytes at call ${switchAt}`).toBeLessThan(ENGINE_CAPACITY_SHADOW * 0.87);
        expect(cStackBytes!, `probe ${from}→${to} bytes at call ${switchAt}`).toBeGreaterThan(ENGINE_CAPACITY_SHADOW * 0.8);
      }
    }
  });

  // V8 shares the interpreter's compiled code between a page's workers: one started once that
  // code is optimised measures less of the engine's stack per call than the first tier will use
  // again when V8 drops an optimised function. An earlier worker's limit is its ceiling.
  it('keeps no more than the ceiling an earlier worker measured, and a lower measure of its own', () => {
    const first = simulatedWorker(() => 110);
    const measured = guardCStack(first.py, first.host, { depthProbe: first.depthProbe }).cStackBytes!;
    const capped = simulatedWorker(() => 110);
    expect(guardCStack(capped.py, capped.host, { depthProbe: capped.depthProbe, ceilingBytes: measured - 20_000 }).cStackBytes).toBe(measured - 20_000);
    // CPython is told the same: its stack ends that far (and its own margin) below where a program starts.
    const programStart = SHADOW_BASE - 3_000;
    expect(programStart - capped.limit()!.start).toBe(measured - 20_000 + 2 * 2048 * 4);
    const higher = simulatedWorker(() => 110);
    expect(guardCStack(higher.py, higher.host, { depthProbe: higher.depthProbe, ceilingBytes: measured + 20_000 }).cStackBytes).toBe(measured);
    const none = simulatedWorker(() => 110);
    expect(guardCStack(none.py, none.host, { depthProbe: none.depthProbe, ceilingBytes: null }).cStackBytes).toBe(measured);
  });

  // A spare starts with the ceiling known then; a worker measured lower afterwards lowers it
  // between programs (stack-ceiling.ts), counted from the same point of the stack.
  it('lowers a limit already set, never raises one, and sets none where the guard set none', () => {
    const worker = simulatedWorker(() => 110);
    const guard = guardCStack(worker.py, worker.host, { depthProbe: worker.depthProbe });
    const measured = guard.cStackBytes!;
    const programStart = SHADOW_BASE - 3_000;
    expect(guard.entryShadow).toBe(programStart);
    expect(capCStack(worker.host, guard, measured - 5_000)).toBe(measured - 5_000);
    expect(programStart - worker.limit()!.start).toBe(measured - 5_000 + 2 * 2048 * 4);
    expect(worker.limit()!.start + worker.limit()!.size).toBe(SHADOW_BASE);
    const lowered = worker.limit();
    expect(capCStack(worker.host, { cStackBytes: measured - 5_000, entryShadow: programStart }, measured)).toBe(measured - 5_000);
    expect(worker.limit()).toBe(lowered);
    expect(capCStack(worker.host, { cStackBytes: null, entryShadow: null }, 100_000)).toBeNull();
    expect(worker.limit()).toBe(lowered);
  });

  it('says the measure failed, rather than guessing, when the probe never holds still', () => {
    const worker = simulatedWorker((call) => (call % 2 === 0 ? 110 : 160));
    expect(() => guardCStack(worker.py, worker.host, { depthProbe: worker.depthProbe })).toThrow(/agreed with itself/);
  });
});
