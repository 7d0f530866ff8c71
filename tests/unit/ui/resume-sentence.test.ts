import { describe, expect, it } from 'vitest';
import { resumeSentence } from '../../../src/ui/study/resume-sentence.ts';

describe('what an interrupted study card says Resume will do', () => {
  it('says what is kept, how much is left, and that stored steps are not asked for again', () => {
    expect(resumeSentence({ doneUnits: 10, totalUnits: 16, erroredUnits: 0, replay: false })).toBe(
      'The 10 units done are kept; Resume runs the 6 units left, and a unit stopped part-way goes on from the steps it stored, without asking the model for them again.',
    );
    expect(resumeSentence({ doneUnits: 1, totalUnits: 2, erroredUnits: 0, replay: false })).toMatch(/^The 1 unit done is kept; Resume runs the 1 unit left,/);
    expect(resumeSentence({ doneUnits: 0, totalUnits: 1200, erroredUnits: 0, replay: false })).toMatch(/^No unit is done yet; Resume runs the 1,200 units left,/);
  });

  it('counts errored units among those it runs, as Resume runs them again, except in a replay, where they would only error again', () => {
    expect(resumeSentence({ doneUnits: 10, totalUnits: 16, erroredUnits: 2, replay: false })).toMatch(
      /^The 8 units done are kept; Resume runs the 8 units left \(2 of them errored: run again\), and/,
    );
    expect(resumeSentence({ doneUnits: 16, totalUnits: 16, erroredUnits: 3, replay: false })).toMatch(/^The 13 units done are kept; Resume runs the 3 units left \(all errored: run again\)/);
    expect(resumeSentence({ doneUnits: 10, totalUnits: 16, erroredUnits: 2, replay: true })).toMatch(/^The 10 units done are kept; Resume runs the 6 units left, and/);
    // Beside a card that says "5 of 10 units done (5 errored)", not "no unit is done" (audit R225-5).
    expect(resumeSentence({ doneUnits: 5, totalUnits: 10, erroredUnits: 5, replay: false })).toMatch(
      /^No unit finished without an error; Resume runs the 10 units left \(5 of them errored: run again\)/,
    );
  });

  it('does not promise to run units when none is left', () => {
    expect(resumeSentence({ doneUnits: 4, totalUnits: 4, erroredUnits: 0, replay: false })).toBe('Every unit is done, so Resume runs none.');
  });
});
