import { describe, expect, it } from 'vitest';
import { coalescedTask } from '../../../src/ui/coalesced-task.ts';

describe('a coalesced refresh', () => {
  it('runs once more after a burst of calls made while it runs, not once per call', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const refresh = coalescedTask(async () => {
      runs++;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = refresh();
    void refresh();
    void refresh();
    expect(runs).toBe(1);
    release();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).toBe(2);
    await refresh();
    expect(runs).toBe(3);
  });
});
