import { describe, expect, it } from 'vitest';
import type { ArmProgress } from '../../../src/core/study/progress.ts';
import { studyRunSentence } from '../../../src/ui/study/study-announcement.ts';

const arm = (label: string, passed: number, done: number, total = done): ArmProgress => ({ armId: label.replace(/ /g, '-'), label, total, done, passed, errored: 0 });

describe("the Study run panel's sentence", () => {
  it('says the units while the run goes on, and with its end the passes of each arm the table shows (audit R199)', () => {
    const arms = [arm('llama solo', 12, 30), arm('llama self-refine', 20, 30)];
    expect(studyRunSentence({ phase: 'Running', done: 59, total: 60, errored: 0 }, null)).toBe('Running: 59 of 60 units done.');
    expect(studyRunSentence({ phase: 'Done', done: 60, total: 60, errored: 0 }, arms)).toBe('Done: 60 of 60 units done; llama solo 12 of 30 passed, llama self-refine 20 of 30 passed.');
    // Cancelled part-way: of the units each arm finished, errored ones among them.
    expect(studyRunSentence({ phase: 'Cancelled', done: 1500, total: 2000, errored: 3 }, [arm('a', 300, 700, 1000), arm('b', 0, 800, 1000)])).toBe(
      'Cancelled: 1,500 of 2,000 units done, 3 errored; a 300 of 700 passed, b 0 of 800 passed.',
    );
    // Stopped before any unit finished: no passes to speak of.
    expect(studyRunSentence({ phase: 'Stopped by an error', done: 0, total: 60, errored: 0 }, arms)).toBe('Stopped by an error: 0 of 60 units done.');
  });

  it('sums the passes of more than four arms in one figure', () => {
    const arms = ['a', 'b', 'c', 'd', 'e'].map((label, i) => arm(label, i, 10));
    expect(studyRunSentence({ phase: 'Done', done: 50, total: 50, errored: 0 }, arms)).toBe('Done: 50 of 50 units done; 10 of 50 passed.');
    expect(studyRunSentence({ phase: 'Done', done: 40, total: 40, errored: 0 }, arms.slice(0, 4))).toBe('Done: 40 of 40 units done; a 0 of 10 passed, b 1 of 10 passed, c 2 of 10 passed, d 3 of 10 passed.');
  });
});
