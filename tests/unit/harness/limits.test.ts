import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_OUTPUT_CHARS, limitsFor, SLOW_TASK_TIMEOUT_MS } from '../../../src/core/harness/limits.ts';
import { loadTestProblem, loadTestProblems } from '../../support/datasets.ts';

const mbpp2 = await loadTestProblem('mbpp', 'Mbpp/2');
const mbpp123 = await loadTestProblem('mbpp', 'Mbpp/123');

describe('limitsFor', () => {
  it("uses human-eval's 3 s in standard mode and the study's 10 s in study mode", () => {
    expect(limitsFor(mbpp2, 'standard')).toEqual({ timeoutMs: 3000, maxOutputChars: DEFAULT_MAX_OUTPUT_CHARS });
    expect(limitsFor(mbpp2, 'study').timeoutMs).toBe(10_000);
  });

  it('gives a slow task its calibrated floor, in both modes and under a shorter override', () => {
    // The floor is measured data (slow-tasks.json, rewritten by scripts/calibrate-timeouts.ts).
    const floor = SLOW_TASK_TIMEOUT_MS['Mbpp/123']!;
    expect(floor).toBeGreaterThan(10_000);
    expect(limitsFor(mbpp123, 'standard').timeoutMs).toBe(floor);
    expect(limitsFor(mbpp123, 'study').timeoutMs).toBe(floor);
    expect(limitsFor(mbpp123, 'standard', { timeoutMs: 1000 }).timeoutMs).toBe(floor);
    expect(limitsFor(mbpp123, 'standard', { timeoutMs: floor + 10_000 }).timeoutMs).toBe(floor + 10_000);
    expect(limitsFor(mbpp123, 'standard', { slowTaskFloors: false }).timeoutMs).toBe(3000);
  });

  it('applies overrides and refuses nonsense', () => {
    expect(limitsFor(mbpp2, 'standard', { timeoutMs: 5000, maxOutputChars: 10 })).toEqual({ timeoutMs: 5000, maxOutputChars: 10 });
    expect(() => limitsFor(mbpp2, 'standard', { timeoutMs: 0 })).toThrow(/positive number of milliseconds/);
    expect(() => limitsFor(mbpp2, 'standard', { maxOutputChars: -1 })).toThrow(/positive number of characters/);
  });

  it('names only real tasks in the slow-task table', async () => {
    const ids = new Set([...(await loadTestProblems('humaneval')), ...(await loadTestProblems('mbpp'))].map((p) => p.id));
    for (const [id, ms] of Object.entries(SLOW_TASK_TIMEOUT_MS)) {
      expect(ids.has(id), id).toBe(true);
      expect(ms).toBeGreaterThan(3000);
    }
  });
});
