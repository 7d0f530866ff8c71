import { afterEach, describe, expect, it } from 'vitest';
import { startAwakeClock, type AwakeClock } from '../../src/core/awake-clock.ts';

let clock: AwakeClock | undefined;
afterEach(() => clock?.stop());

describe('the awake clock', () => {
  it('leaves out a gap longer than any throttled timer (a laptop asleep), and keeps shorter ones', () => {
    let t = 1_000;
    clock = startAwakeClock({ base: () => t });
    t += 5_000;
    expect(clock.now()).toBe(6_000);
    // A minute between readings is a hidden tab's throttled timer: time that passed.
    t += 60_000;
    expect(clock.now()).toBe(66_000);
    // Ten minutes asleep: one beat of it counts, as time that would have passed anyway.
    t += 600_000;
    expect(clock.now()).toBe(67_000);
    expect(clock.suspendedMs()).toBe(599_000);
    t += 2_000;
    expect(clock.now()).toBe(69_000);
  });

  it('notices the gap itself, before its heartbeat does: a timer that fires on waking reads the time without the sleep', () => {
    let t = 0;
    clock = startAwakeClock({ base: () => t, beatMs: 1_000, suspendedAfterMs: 90_000 });
    t = 3_600_000;
    expect(clock.now()).toBe(1_000);
  });
});
