import { describe, expect, it } from 'vitest';
import { canonicalTaskId, readTaskId } from '../../../src/core/benchmarks/task-id.ts';

describe('task ids', () => {
  it('spell HumanEval and MBPP ids canonically', () => {
    expect(canonicalTaskId('humaneval', 'HumanEval/7')).toBe('HumanEval/7');
    expect(canonicalTaskId('mbpp', 'Mbpp/2')).toBe('Mbpp/2');
    expect(canonicalTaskId('mbpp', 'MBPP/2')).toBe('Mbpp/2');
    expect(canonicalTaskId('mbpp', ' 2 ')).toBe('Mbpp/2');
    expect(canonicalTaskId('mbpp', 2)).toBe('Mbpp/2');
  });

  it('tell an id of the other benchmark from a malformed one', () => {
    expect(readTaskId('humaneval', 'Mbpp/2')).toEqual({ kind: 'other-benchmark', benchmark: 'mbpp', id: 'Mbpp/2' });
    expect(readTaskId('mbpp', 'HumanEval/0')).toEqual({ kind: 'other-benchmark', benchmark: 'humaneval', id: 'HumanEval/0' });
    expect(readTaskId('mbpp', 'humaneval/0')).toEqual({ kind: 'other-benchmark', benchmark: 'humaneval', id: 'HumanEval/0' });
    // Any case, canonical spelling back (audit R220-5: a form refused "humaneval/3" as unknown).
    expect(readTaskId('humaneval', 'humaneval/3')).toEqual({ kind: 'ok', id: 'HumanEval/3', number: 3 });
    expect(readTaskId('mbpp', 'mbpp/x')).toEqual({ kind: 'malformed' });
    expect(readTaskId('mbpp', 2.5)).toEqual({ kind: 'malformed' });
    expect((canonicalTaskId('humaneval', 'Mbpp/2') as Error).message).toBe('"Mbpp/2" is an MBPP task id, but this is a HumanEval run.');
    expect((canonicalTaskId('mbpp', 'x') as Error).message).toBe('"x" is not an MBPP task id (expected "Mbpp/2" or 2).');
  });
});
