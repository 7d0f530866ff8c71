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

  it('a download resumed after a reload counts the shards already in the cache towards the percentage, not the rate', () => {
    // WebLLM reports each shard it finds in the cache as "fetched" within milliseconds of the start.
    let now = 0;
    const meter = new LoadMeter(() => now);
    meter.update({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    let burst;
    for (const [i, at] of [5, 10, 15, 20].entries()) {
      now = at;
      burst = meter.update(fetching(i + 1, 30 * (i + 1), 2.5 * (i + 1), 0));
    }
    // It said "2.8 GB/s, about 1 s left" here, and kept saying it until the next shard came from the network.
    expect(burst?.bytesLoaded).toBe(120 * MB);
    expect(burst?.bytesPerSecond).toBeUndefined();
    expect(burst?.etaSeconds).toBeUndefined();
    now = 60_020;
    const next = meter.update(fetching(5, 150, 12.5, 60));
    expect(next.bytesPerSecond).toBeCloseTo(0.5 * MB);
    expect(next.etaSeconds).toBeCloseTo(2100);
  });

  it('a fresh download measures its rate from the start', () => {
    let now = 0;
    const meter = new LoadMeter(() => now);
    meter.update({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    now = 40_000;
    expect(meter.update(fetching(1, 30, 2.5, 40)).bytesPerSecond).toBeCloseTo(0.75 * MB);
  });

  it('a fast fresh download, its shards arriving together from the parallel fetches, still has a rate', () => {
    let now = 0;
    const meter = new LoadMeter(() => now);
    meter.update({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    let last;
    for (const [i, at] of [1200, 1210, 1220, 1230].entries()) {
      now = at;
      last = meter.update(fetching(i + 1, 30 * (i + 1), 2.5 * (i + 1), 1));
    }
    expect(last?.bytesPerSecond).toBeCloseTo((120 * MB) / 1.23, -3);
    expect(last?.etaSeconds).toBeGreaterThan(0);
  });
});
