import { describe, expect, it } from 'vitest';
import { cumulativeSolved, iterationTable } from '../../../src/core/stats/iteration-tables.ts';

const T = true;
const F = false;

describe('iteration tables from forced-iteration trajectories', () => {
  // Five problems, verdicts at iterations 0…3:
  //   A: T T T T   always passes
  //   B: T F T F   breaks at 1, recovers at 2, breaks again at 3
  //   C: F T T F   fixed at 1, regresses at 3
  //   D: F F T T   fixed at 2
  //   E: F F F F   never
  const table = iterationTable([
    [T, T, T, T],
    [T, F, T, F],
    [F, T, T, F],
    [F, F, T, T],
    [F, F, F, F],
  ]);

  it('counts raw passes per iteration', () => {
    // k0: A B · k1: A C · k2: A B C D · k3: A D
    expect(table.raw).toEqual([2, 2, 4, 2]);
  });

  it('counts first-ever passes as new fixes and pass→fail as regressions', () => {
    // new fixes: k0 A B; k1 C; k2 D (B at 2 is a recovery, not a first pass); k3 none
    expect(table.newFixes).toEqual([2, 1, 1, 0]);
    // regressions: k1 B; k2 none; k3 B and C
    expect(table.regressions).toEqual([0, 1, 0, 2]);
    expect(table.recoveries).toEqual([0, 0, 1, 0]);
  });

  it("puts the study's asymmetric net beside the symmetric raw delta", () => {
    // net = new fixes − regressions: [2, 1 − 1, 1 − 0, 0 − 2]
    expect(table.net).toEqual([2, 0, 1, -2]);
    // raw delta: [2, 2 − 2, 4 − 2, 2 − 4]; at k2 B's recovery counts here but not in net
    expect(table.rawDelta).toEqual([2, 0, 2, -2]);
    // rawDelta[k] = newFixes[k] + recoveries[k] − regressions[k]
    for (let k = 1; k < 4; k++) {
      expect(table.rawDelta[k]).toBe(table.newFixes[k]! + table.recoveries[k]! - table.regressions[k]!);
    }
  });

  it('counts problems solved at any iteration so far (what early stopping keeps)', () => {
    // k0: A B; k1: + C; k2: + D; k3: same
    expect(table.effective).toEqual([2, 3, 4, 4]);
    expect(table.fixesAfterInitial).toBe(2);
    // C at 1, D at 2 → ½ of the fixes come at iteration 1
    expect(table.shareOfFixesAtIteration1).toBe(0.5);
  });

  it('counts initial passes that later break, and when they first break', () => {
    // initial passes A, B; only B ever fails afterwards, first at iteration 1
    expect(table.initialPasses).toBe(2);
    expect(table.broke).toBe(1);
    expect(table.breakRate).toBe(0.5);
    expect(table.firstBreaks).toEqual([1]);
    expect(table.firstBreakHistogram).toEqual([0, 1, 0, 0]);
  });

  it('has no break rate and no fix share when there is nothing to measure them on', () => {
    const nothing = iterationTable([[F, F], [F, F]]);
    expect(nothing.breakRate).toBeNull();
    expect(nothing.shareOfFixesAtIteration1).toBeNull();
  });

  it('refuses trajectories of different lengths (they were not forced)', () => {
    expect(() => iterationTable([[T, F], [T]])).toThrow(/must all have 2 verdicts; problem 1 has 1/);
    expect(() => iterationTable([])).toThrow(/at least one problem/);
  });
});

describe('cumulative solved with early stopping', () => {
  it('counts problems solved by iteration k from trajectories that stop at their first pass', () => {
    // solved at 0, at 1, at 2, never (ran out of 3 iterations)
    expect(cumulativeSolved([[T], [F, T], [F, F, T], [F, F, F, F]], 3)).toEqual([1, 2, 3, 3]);
  });
});
