import { describe, expect, it } from 'vitest';
import { scoreAnnouncement, stoppedDetail, whereStopped, type AnnouncedRun } from '../../../src/ui/scoring/score-announcement.ts';

const run: AnnouncedRun = { phase: 'scoring', name: 'big.jsonl', total: 30_000, done: 0, cancelling: false, continuedFrom: null, elsewhere: false, summaryLine: '', passAtKLine: null };

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

  it('speaks of kept verdicts only when there are some, and of Python that never started as well as Python that broke', () => {
    // Python's download blocked: stopped before the first verdict.
    expect(stoppedDetail({ phase: 'failed', done: 0, elsewhere: false })).toBe(
      ': Python could not start or stopped working (why is said below). Continue scores every sample, starting Python afresh, with these settings whatever the form above says.',
    );
    expect(stoppedDetail({ phase: 'failed', done: 3, elsewhere: false })).toBe(
      ': Python could not start or stopped working (why is said below). The verdicts kept are below; Continue scores only the samples left, starting Python afresh, with these settings whatever the form above says.',
    );
    expect(stoppedDetail({ phase: 'interrupted', done: 7, elsewhere: false })).toBe(
      ': the tab was reloaded or closed while it ran. The verdicts kept are below; Continue scores only the samples left, with these settings whatever the form above says.',
    );
    expect(stoppedDetail({ phase: 'cancelled', done: 0, elsewhere: false })).toBe('. Continue scores every sample, with these settings whatever the form above says.');
  });

  it('says a run another tab scores goes on there, without counts that tick in the announcement', () => {
    const elsewhere = { ...run, phase: 'interrupted' as const, done: 7, total: 12, elsewhere: true };
    expect(whereStopped(elsewhere)).toBe('Scoring of big.jsonl goes on in another tab: 7 of 12 samples scored so far');
    expect(scoreAnnouncement(elsewhere)).toBe('Scoring of big.jsonl goes on in another tab: this page follows it.');
    expect(scoreAnnouncement({ ...elsewhere, phase: 'cancelled', done: 5 })).toBe('Scoring of big.jsonl goes on in another tab: this page follows it.');
    expect(stoppedDetail(elsewhere)).toBe('. The verdicts that tab has kept are below, brought up to date every few seconds.');
  });
});
