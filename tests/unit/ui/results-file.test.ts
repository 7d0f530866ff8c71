import { describe, expect, it } from 'vitest';
import { resultsFileName, unscoredTasks } from '../../../src/ui/scoring/results-file.ts';

describe('the Scoring page results file name', () => {
  it('keeps the contract name for a whole run', () => {
    expect(resultsFileName('samples.jsonl', 427, 427)).toBe('samples.jsonl_results.jsonl');
  });

  it('names a run that stopped early as partial, with how much it holds, so it is not taken for the whole file', () => {
    const name = resultsFileName('samples.jsonl', 12, 427);
    expect(name).toBe('samples.jsonl_results.partial-12-of-427.jsonl');
    // A script that collects `*_results.jsonl` files must not pick it up.
    expect(name.endsWith('_results.jsonl')).toBe(false);
  });
});

describe('the tasks a partial results file lacks', () => {
  it('lists each task once, in file order, with how many of its samples were not scored', () => {
    const samples = [
      { line: 1, taskId: 'HumanEval/0' },
      { line: 2, taskId: 'HumanEval/1' },
      { line: 3, taskId: 'HumanEval/1' },
      { line: 4, taskId: 'HumanEval/0' },
      { line: 5, taskId: 'HumanEval/2' },
    ];
    expect(unscoredTasks(samples, new Set([1, 2]))).toEqual([
      { taskId: 'HumanEval/1', samples: 1 },
      { taskId: 'HumanEval/0', samples: 1 },
      { taskId: 'HumanEval/2', samples: 1 },
    ]);
    expect(unscoredTasks(samples, new Set([1, 4]))).toEqual([
      { taskId: 'HumanEval/1', samples: 2 },
      { taskId: 'HumanEval/2', samples: 1 },
    ]);
    expect(unscoredTasks(samples, new Set([1, 2, 3, 4, 5]))).toEqual([]);
  });
});
