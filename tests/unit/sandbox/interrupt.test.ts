/**
 * The deadline getter Pyodide reads: once past the deadline it interrupts, then again every
 * REFIRE_MS while a program runs, or at every check in the clean-up after one, where each of many
 * finalizers swallows its own interrupt (audit R196).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineInterrupt, REFIRE_MS } from '../../../src/sandbox/interrupt.ts';

let now = 0;
afterEach(() => vi.restoreAllMocks());

function interrupt(): DeadlineInterrupt {
  now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  return new DeadlineInterrupt();
}

describe('DeadlineInterrupt', () => {
  it('fires at the deadline, then once every REFIRE_MS', () => {
    const deadline = interrupt();
    deadline.arm(100);
    now = 99;
    expect(deadline.read()).toBe(0);
    now = 100;
    expect(deadline.read()).toBe(2);
    now = 101;
    expect(deadline.read()).toBe(0);
    now = 100 + REFIRE_MS;
    expect(deadline.read()).toBe(2);
    expect(deadline.fired).toBe(true);
  });

  it('armed with a refire of 0, fires at every check past the deadline', () => {
    const deadline = interrupt();
    deadline.arm(100, 0);
    now = 100;
    expect([deadline.read(), deadline.read(), deadline.read()]).toEqual([2, 2, 2]);
    // Armed again for a program: one interrupt, then REFIRE_MS of quiet.
    deadline.arm(200);
    now = 200;
    expect([deadline.read(), deadline.read()]).toEqual([2, 0]);
  });
});
