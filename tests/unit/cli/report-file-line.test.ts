import { describe, expect, it } from 'vitest';
import { fileLine } from '../../../cli/report/report-output.ts';
import { bigStudyConfig } from '../../support/big-result-file.ts';
import { loadTestProblem } from '../../support/datasets.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';

describe('report: the line naming each file', () => {
  it('says "1 arm × 1 repeat × 1 problem", not "1 arms × 1 repeats"', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/0');
    const another = await loadTestProblem('humaneval', 'HumanEval/1');
    const config = bigStudyConfig({ problems: [problem], arms: 1, repeats: 1 });
    const doc = { config, units: [{}] } as unknown as ResultFile;
    expect(fileLine({ fileName: 'one.json', doc })).toBe('one.json — “Big study”, humaneval, 1 arm × 1 repeat × 1 problem, 1 unit');
    const two = bigStudyConfig({ problems: [problem, another], arms: 2, repeats: 3 });
    expect(fileLine({ fileName: 'two.json', doc: { config: two, units: [] } as unknown as ResultFile })).toBe(
      'two.json — “Big study”, humaneval, 2 arms × 3 repeats × 2 problems, 0 units',
    );
  });
});
