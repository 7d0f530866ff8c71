import { describe, expect, it } from 'vitest';
import { scoreAnnouncement, whereStopped, type AnnouncedRun } from '../../../src/ui/scoring/score-announcement.ts';

const run: AnnouncedRun = { phase: 'scoring', name: 'big.jsonl', total: 30_000, done: 0, cancelling: false, continuedFrom: null, summaryLine: '', passAtKLine: null };

describe('what a screen reader is told of a scoring run', () => {
  it('says a continued run scores only the samples left, not the whole file again', () => {
    expect(scoreAnnouncement(run)).toBe('Scoring 30,000 samples of big.jsonl…');
    expect(scoreAnnouncement({ ...run, done: 12_000, continuedFrom: 12_000 })).toBe('Continuing big.jsonl: scoring the 18,000 samples left of 30,000…');
    expect(scoreAnnouncement({ ...run, done: 29_999, continuedFrom: 29_999 })).toBe('Continuing big.jsonl: scoring the 1 sample left of 30,000…');
  });

  it('names how a run that can be continued stopped', () => {
    expect(whereStopped({ ...run, phase: 'cancelled', done: 12_000 })).toBe('Scoring of big.jsonl was cancelled at 12,000 of 30,000 samples');
    expect(whereStopped({ ...run, phase: 'failed', done: 3 })).toBe('Scoring of big.jsonl stopped at 3 of 30,000 samples');
    expect(scoreAnnouncement({ ...run, phase: 'interrupted', done: 812 })).toBe('Scoring of big.jsonl was interrupted at 812 of 30,000 samples.');
  });
});
