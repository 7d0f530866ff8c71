import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../cli/progress.ts';

describe('progress on a plain (non-terminal) stderr', () => {
  it('prints the last figures once, not again at the end', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(2, { write: (text) => lines.push(text) }, () => clock);
    clock = 1000;
    progress.update(1, 1);
    clock = 6000;
    progress.update(2, 1);
    progress.finish();
    expect(lines).toEqual(['1/2 lines done, 1 passed, 1/s\n', '2/2 lines done, 1 passed, 0/s\n']);
  });

  it('prints the end when the last figures were not printed yet', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(3, { write: (text) => lines.push(text) }, () => clock);
    clock = 1000;
    progress.update(1, 0);
    clock = 2000;
    progress.update(3, 2);
    progress.finish();
    expect(lines).toEqual(['1/3 lines done, 0 passed, 1/s\n', '3/3 lines done, 2 passed, 2/s\n']);
  });
});
