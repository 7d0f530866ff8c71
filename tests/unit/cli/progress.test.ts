import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../cli/progress.ts';

describe('progress on a plain (non-terminal) stderr', () => {
  it('prints the last figures once, not again at the end', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(2, { write: (text) => lines.push(text) }, { now: () => clock });
    clock = 1000;
    progress.update(1, 1);
    clock = 6000;
    progress.update(2, 1);
    progress.finish();
    expect(lines).toEqual(['1/2 lines done, 1 passed, 1.0/s\n', '2/2 lines done, 1 passed, 0.3/s\n']);
  });

  it('prints the end when the last figures were not printed yet', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(3, { write: (text) => lines.push(text) }, { now: () => clock });
    clock = 1000;
    progress.update(1, 0);
    clock = 2000;
    progress.update(3, 2);
    progress.finish();
    expect(lines).toEqual(['1/3 lines done, 0 passed, 1.0/s\n', '3/3 lines done, 2 passed, 1.5/s\n']);
  });

  it('prints at most a line every few seconds, however fast the lines go', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(1000, { write: (text) => lines.push(text) }, { now: () => clock });
    for (let done = 1; done <= 1000; done++) {
      clock = done * 10;
      progress.update(done, done);
    }
    progress.finish();
    // 10 s of scoring: the first line (no time left from one program), one every 5 s, and the end.
    expect(lines).toEqual([
      '1/1000 lines done, 1 passed, 100/s\n',
      '501/1000 lines done, 501 passed, 100/s, ETA 5s\n',
      '1000/1000 lines done, 1000 passed, 100/s\n',
    ]);
  });
});

describe('progress of a resumed run', () => {
  it('counts the lines scored before it as done from the start, and its pace from its own lines only', () => {
    let clock = 0;
    const lines: string[] = [];
    const progress = createProgress(1000, { write: (text) => lines.push(text) }, { now: () => clock, start: { done: 800, passed: 600 } });
    clock = 1000;
    progress.update(800, 600);
    clock = 10_000;
    progress.update(820, 610);
    progress.finish();
    // Where it starts, with no pace yet; then 20 lines in 10 s: 2/s, and 180 lines left at that
    // pace, not 82/s from the 800 done before.
    expect(lines).toEqual(['800/1000 lines done, 600 passed\n', '820/1000 lines done, 610 passed, 2.0/s, ETA 1m 30s\n']);
  });
});

describe('progress on a terminal', () => {
  it('redraws one line in place with done/total, passed, rate and ETA', () => {
    let clock = 0;
    let text = '';
    const progress = createProgress(4, { write: (t) => (text += t), isTTY: true, columns: 100 }, { now: () => clock });
    clock = 2000;
    progress.update(1, 1);
    // One program says nothing of the rest (the next may run into its limit): no ETA yet.
    expect(text).toBe('\r[##########..............................] 1/4 lines done, 1 passed, 0.5/s\x1b[K');
    clock = 3000;
    progress.update(3, 2);
    expect(text.endsWith('3/4 lines done, 2 passed, 1.0/s, ETA 1s\x1b[K')).toBe(true);
    clock = 4000;
    progress.update(4, 3);
    progress.finish();
    expect(text.endsWith('\r[########################################] 4/4 lines done, 3 passed, 1.0/s\x1b[K\n')).toBe(true);
  });

  it('cuts the line to a narrow terminal\'s width, since a wrapped line leaves its stale half at each redraw', () => {
    let clock = 0;
    const writes: string[] = [];
    const progress = createProgress(1000, { write: (t) => void writes.push(t), isTTY: true, columns: 40 }, { now: () => clock });
    clock = 3000;
    progress.update(123, 50);
    const line = writes.at(-1)!.replace(/^\r/, '').replace(/\x1b\[K$/, '');
    expect(line).toBe('[#.........] 123/1000 lines done, 50 p…');
    expect(line.length).toBeLessThan(40);
  });

  it('takes 80 columns for a terminal that says it has 0 (script, some CI consoles)', () => {
    let clock = 0;
    const writes: string[] = [];
    const progress = createProgress(1000, { write: (t) => void writes.push(t), isTTY: true, columns: 0 }, { now: () => clock });
    clock = 3000;
    progress.update(123, 50);
    const line = writes.at(-1)!.replace(/^\r/, '').replace(/\x1b\[K$/, '');
    expect(line.length).toBe(79);
    expect(line).toMatch(/ 123\/1000 lines done, 50 passed, 41\/s, ETA 21s$/);
  });
});
