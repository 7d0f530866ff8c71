import { describe, expect, it } from 'vitest';
import { formatResultLine, parseSamples } from '../../../src/core/results/samples.ts';
import { loadTestProblems } from '../../support/datasets.ts';

// A samples file is anyone's, and one line of it must cost one line: not the whole file, nor the
// tab. Both lines below stay under the 1,000,000 characters a line may have.
const humaneval = { benchmark: 'humaneval' as const, problems: await loadTestProblems('humaneval') };
const good = JSON.stringify({ task_id: 'HumanEval/0', completion: '    return False\n' });

describe('samples lines built to hurt', () => {
  it('reads a line whose extra field holds 200,000 numbers (it stopped the whole file with "Maximum call stack size exceeded")', () => {
    const numbers = Array(200_000).fill('1.0').join(',');
    const big = `{"task_id":"HumanEval/1","completion":"    return []\\n","logprobs":[${numbers}]}`;
    const { samples, errors } = parseSamples(`${good}\n${big}\n`, humaneval);
    expect(errors).toEqual([]);
    expect(samples.map((s) => s.problem.id)).toEqual(['HumanEval/0', 'HumanEval/1']);
    // Its numbers go back into the results file as the file wrote them.
    expect(formatResultLine(samples[1]!, { kind: 'passed' } as never)).toContain(`[${numbers.slice(0, 40)}`);
  });

  it('names a task id of 200,000 digits and a letter at once (finding the number to suggest took minutes)', () => {
    const id = `${'1'.repeat(200_000)}x`;
    const started = performance.now();
    const { samples, errors } = parseSamples(`${good}\n${JSON.stringify({ task_id: id, completion: 'x' })}\n`, humaneval);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(samples).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^line 2: task_id "1+/);
    expect(errors[0]!.message).not.toContain('did you mean');
  });

  it('still suggests the id a misspelt one ends with, trailing spaces and all', () => {
    const text = [good, JSON.stringify({ task_id: 'HumanEvl/3  ', completion: 'x' }), JSON.stringify({ task_id: 'humaneval-12', completion: 'x' })].join('\n');
    expect(parseSamples(text, humaneval).errors.map((e) => e.message)).toEqual([
      'line 2: task_id "HumanEvl/3  " is not a HumanEval task id (did you mean "HumanEval/3"?).',
      'line 3: task_id "humaneval-12" is not a HumanEval task id (did you mean "HumanEval/12"?).',
    ]);
  });
});
