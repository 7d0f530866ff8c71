import { describe, expect, it } from 'vitest';
import { parseRunOptions, RUN_USAGE } from '../../../cli/run/run-options.ts';
import { parseScoreOptions, SCORE_USAGE } from '../../../cli/score/score-options.ts';
import { checkWorkers, defaultWorkers, maxWorkers } from '../../../cli/worker-count.ts';
import { usageRefusal } from './usage-refusal.ts';

const GB = 2 ** 30;

const refusal = usageRefusal;

describe('--workers against the machine', () => {
  it('refuses a thousand interpreters, on run and score, naming the limit here', () => {
    const limit = maxWorkers();
    for (const parse of [
      () => parseRunOptions(['--study', 's.json', '--workers', '1000']),
      () => parseScoreOptions(['-b', 'humaneval', '--workers', '1000', 'samples.jsonl']),
    ]) {
      const message = refusal(parse);
      expect(message).toContain('--workers 1000 is more than this machine can use');
      expect(message).toContain(`at most ${limit} here`);
      expect(message).toContain('200 MB');
    }
    expect(parseRunOptions(['--study', 's.json', '--workers', String(limit)])?.workers).toBe(limit);
  });

  it('reads digits only: a hex, exponent or padded count is refused, not read as another number', () => {
    const machine = { cores: 2, memoryBytes: 16 * GB };
    for (const typo of ['0x2', '2e0', ' 2', '2 ', '+2', '2.0', '']) {
      expect(refusal(() => checkWorkers(typo, machine))).toBe(`--workers must be a positive whole number, not "${typo}".`);
    }
    expect(checkWorkers('02', machine)).toBe(2);
  });

  it('caps by cores and by memory, whichever is lower, and never below one', () => {
    expect(maxWorkers({ cores: 8, memoryBytes: 64 * GB })).toBe(16);
    expect(maxWorkers({ cores: 64, memoryBytes: 8 * GB })).toBe(20);
    expect(maxWorkers({ cores: 1, memoryBytes: 0.25 * GB })).toBe(1);
    expect(defaultWorkers({ cores: 64, memoryBytes: 0.5 * GB })).toBe(1);
    expect(refusal(() => checkWorkers('3', { cores: 1, memoryBytes: 16 * GB }))).toMatch(/at most 2 here \(1 core, 16\.0 GB/);
    expect(checkWorkers('2', { cores: 1, memoryBytes: 16 * GB })).toBe(2);
  });

  it('prints the limit in --help', () => {
    expect(RUN_USAGE).toContain(`at most ${maxWorkers()} on this machine`);
    expect(SCORE_USAGE).toContain(`at most ${maxWorkers()} on this machine`);
  });
});
