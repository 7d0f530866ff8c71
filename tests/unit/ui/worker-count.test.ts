import { describe, expect, it } from 'vitest';
import { workerCount } from '../../../src/ui/shared/worker-count.ts';

describe('the number of Python workers a typed value becomes', () => {
  it('is the typed whole number when the machine can run it', () => {
    expect(workerCount('2', 4)).toBe(2);
    expect(workerCount('2.4', 4)).toBe(2);
  });

  it('is the most the machine runs for more, and one for none, nothing or not a number', () => {
    expect(workerCount('9', 2)).toBe(2);
    expect(workerCount('0', 2)).toBe(1);
    expect(workerCount('-3', 2)).toBe(1);
    expect(workerCount('', 2)).toBe(1);
    expect(workerCount('abc', 2)).toBe(1);
  });
});
