/** The cost table's generation label says what the unscored generation is doing now. */
import { describe, expect, it } from 'vitest';
import { generationRowLabel } from '../../../src/core/search/search-progress.ts';

describe('a cost row’s generation label', () => {
  it('says running only while the search runs, pausing or paused while it pauses, unfinished after a stop', () => {
    const row = { generation: 3, finished: false };
    expect(generationRowLabel(row, 'running')).toBe('3 (running)');
    expect(generationRowLabel(row, 'pausing')).toBe('3 (pausing)');
    expect(generationRowLabel(row, 'paused')).toBe('3 (paused)');
    expect(generationRowLabel(row, 'cancelled')).toBe('3 (unfinished)');
    expect(generationRowLabel(row, 'stored')).toBe('3 (unfinished)');
    expect(generationRowLabel({ generation: 2, finished: true }, 'paused')).toBe('2');
  });
});
