import { describe, expect, it } from 'vitest';
import { parseReportOptions } from '../../../cli/report/report-options.ts';
import { parseRunOptions } from '../../../cli/run/run-options.ts';
import { parseScoreOptions } from '../../../cli/score/score-options.ts';
import { usageRefusal } from './usage-refusal.ts';

const refusal = usageRefusal;

describe('numbers on the command line', () => {
  it('are read as written in decimal: hex, binary or padded text is refused, not read as another number', () => {
    expect(refusal(() => parseScoreOptions(['-b', 'humaneval', '--timeout', '0x10', 'samples.jsonl']))).toBe('--timeout must be a positive number, not "0x10".');
    expect(refusal(() => parseRunOptions(['--study', 's.json', '--requests', '0b11']))).toBe('--requests must be a positive whole number, not "0b11".');
    expect(refusal(() => parseRunOptions(['--study', 's.json', '--concurrency', ' 4']))).toBe('--concurrency must be a positive whole number, not " 4".');
    expect(refusal(() => parseReportOptions(['--seed', '0x10', 'results.json']))).toBe('--seed must be a whole number from 0 to 4294967295, not "0x10".');
    // What a person writes still reads.
    expect(parseScoreOptions(['-b', 'humaneval', '--timeout', '2.5', 'samples.jsonl'])?.timeoutS).toBe(2.5);
    expect(parseScoreOptions(['-b', 'humaneval', '--timeout', '1e1', 'samples.jsonl'])?.timeoutS).toBe(10);
    expect(parseRunOptions(['--study', 's.json', '--requests', '3'])?.requests).toBe(3);
    expect(parseReportOptions(['--seed', '0', 'results.json'])?.seed).toBe(0);
  });
});
