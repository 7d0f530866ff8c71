import { describe, expect, it } from 'vitest';
import { resumeSentence } from '../../../src/ui/study/resume-sentence.ts';

describe('what an interrupted study card says Resume will do', () => {
  it('says what is kept, how much is left, and that stored steps are not asked for again', () => {
    expect(resumeSentence({ doneUnits: 10, totalUnits: 16 })).toBe(
      'The 10 units done are kept; Resume runs the 6 units left, and a unit stopped part-way goes on from the steps it stored, without asking the model for them again.',
    );
    expect(resumeSentence({ doneUnits: 1, totalUnits: 2 })).toMatch(/^The 1 unit done is kept; Resume runs the 1 unit left,/);
    expect(resumeSentence({ doneUnits: 0, totalUnits: 1200 })).toMatch(/^No unit is done yet; Resume runs the 1,200 units left,/);
  });

  it('does not promise to run units when none is left', () => {
    expect(resumeSentence({ doneUnits: 4, totalUnits: 4 })).toBe('Every unit is done, so Resume runs none.');
  });
});
