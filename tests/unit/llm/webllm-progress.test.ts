import { describe, expect, it } from 'vitest';
import { LoadMeter, phaseOf } from '../../../src/llm/webllm-progress.ts';

const MB = 2 ** 20;

function fetching(shard: number, mb: number, percent: number, secs: number) {
  return {
    progress: percent / 100,
    timeElapsed: secs,
    text: `Fetching param cache[${shard}/40]: ${mb}MB fetched. ${percent}% completed, ${secs} secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.`,
  };
}

describe('download progress from WebLLM reports', () => {
  it('names the phases WebLLM goes through', () => {
    expect(phaseOf('Start to fetch params')).toBe('downloading');
    expect(phaseOf(fetching(1, 20, 1, 1).text)).toBe('downloading');
    expect(phaseOf('Loading model from cache[3/40]: 300MB loaded. 17% completed, 2 secs elapsed.')).toBe('reading-cache');
    expect(phaseOf('Loading GPU shader modules[12/88]: 13% completed, 1 secs elapsed.')).toBe('compiling');
    expect(phaseOf('Finish loading on WebGPU - google')).toBe('ready');
  });

  it('shows bytes, total, rate and time left while downloading', () => {
    let now = 0;
    const meter = new LoadMeter(() => now);
    meter.update(fetching(1, 100, 5, 1));
    now = 10_000;
    const progress = meter.update(fetching(10, 600, 30, 11));
    expect(progress.bytesLoaded).toBe(600 * MB);
    expect(progress.bytesTotal).toBe(2000 * MB);
    expect(progress.bytesPerSecond).toBeCloseTo(50 * MB);
    expect(progress.etaSeconds).toBeCloseTo(28);
  });

  it('reports no rate before two samples and no bytes outside the download', () => {
    const meter = new LoadMeter(() => 0);
    expect(meter.update(fetching(1, 100, 5, 1)).bytesPerSecond).toBeUndefined();
    const compiling = meter.update({ progress: 0.5, timeElapsed: 3, text: 'Loading GPU shader modules[44/88]: 50% completed, 3 secs elapsed.' });
    expect(compiling).toEqual({ phase: 'compiling', fraction: 0.5, text: expect.any(String) });
  });
});
