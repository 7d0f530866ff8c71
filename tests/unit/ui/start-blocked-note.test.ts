import { describe, expect, it } from 'vitest';
import { startBlockedNote } from '../../../src/ui/scoring/start-blocked-note.ts';

describe('the note beside the Scoring page’s disabled start controls', () => {
  it('says which benchmark is missing and where its file comes from when it could not be loaded', () => {
    expect(startBlockedNote('humaneval', 'failed', false)).toBe(
      'No HumanEval loaded to score against: pick HumanEval.jsonl.gz (from raw.githubusercontent.com) in the HumanEval file field above, or try the downloads again.',
    );
    expect(startBlockedNote('mbpp', 'failed', false)).toContain('pick sanitized-mbpp.json');
  });

  it('says it is waiting while the benchmark loads, and that a run holds them while one goes on', () => {
    expect(startBlockedNote('mbpp', 'loading', false)).toBe('Waiting for MBPP to load: samples are scored against its tests.');
    expect(startBlockedNote('humaneval', 'ready', true)).toBe('A run is in progress: cancel it to start another.');
  });

  it('is absent when the controls can be used', () => {
    expect(startBlockedNote('humaneval', 'ready', false)).toBeNull();
  });
});
