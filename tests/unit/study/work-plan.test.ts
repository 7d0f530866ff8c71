import { describe, expect, it } from 'vitest';
import { parseUnitId, unitId, workPlan } from '../../../src/core/study/work-plan.ts';

const arms = (...ids: string[]) => ids.map((id) => ({ id }));

describe('workPlan', () => {
  it('covers every arm × repeat × problem exactly once', () => {
    const plan = workPlan({ arms: arms('a', 'b', 'c') as never, repeats: 2, problemIds: ['P/1', 'P/2', 'P/3', 'P/4', 'P/5'] });
    expect(plan).toHaveLength(30);
    expect(new Set(plan.map((u) => u.id)).size).toBe(30);
    expect(plan.map((u) => u.order)).toEqual([...plan.keys()]);
  });

  it('interleaves arms so any prefix has run every arm on nearly the same problems', () => {
    const plan = workPlan({ arms: arms('a', 'b', 'c') as never, repeats: 2, problemIds: ['P/1', 'P/2'] });
    expect(plan.map((u) => u.id)).toEqual([
      'a/0/P/1', 'b/0/P/1', 'c/0/P/1', 'a/0/P/2', 'b/0/P/2', 'c/0/P/2',
      'a/1/P/1', 'b/1/P/1', 'c/1/P/1', 'a/1/P/2', 'b/1/P/2', 'c/1/P/2',
    ]);
    for (let k = 1; k <= plan.length; k++) {
      const counts = ['a', 'b', 'c'].map((arm) => plan.slice(0, k).filter((u) => u.armId === arm).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('reads a unit id back into its parts, slashes in the problem id included', () => {
    const id = unitId('self-refine', 3, 'HumanEval/12');
    expect(id).toBe('self-refine/3/HumanEval/12');
    expect(parseUnitId(id)).toEqual({ armId: 'self-refine', repeat: 3, problemId: 'HumanEval/12' });
    expect(parseUnitId('no-slashes')).toBeNull();
  });
});
