import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LastingWait, SAY_WAIT_AFTER_MS } from '../../../src/ui/shared/lasting-wait.svelte.ts';
import { runSettingsLine } from '../../../src/ui/scoring/run-settings-line.ts';
import { continueBlockedNote, startBlockedNote } from '../../../src/ui/scoring/start-blocked-note.ts';

describe('the note beside the Scoring page’s disabled start controls', () => {
  it('says which benchmark is missing and where its file comes from when it could not be loaded', () => {
    expect(startBlockedNote('humaneval', 'failed', false, false)).toBe(
      'No HumanEval loaded to score against: pick HumanEval.jsonl.gz (from raw.githubusercontent.com) in the HumanEval file field above, or try the downloads again.',
    );
    expect(startBlockedNote('mbpp', 'failed', false, false)).toContain('pick sanitized-mbpp.json');
  });

  it('says it is waiting once the benchmark has been loading a while, and that a run holds them while one goes on', () => {
    expect(startBlockedNote('mbpp', 'loading', false, true)).toBe('Waiting for MBPP to load: samples are scored against its tests.');
    expect(startBlockedNote('humaneval', 'ready', true, false)).toBe('A run is in progress: cancel it to start another.');
  });

  it('is absent when the controls can be used, and while the benchmark has only just begun to load', () => {
    expect(startBlockedNote('humaneval', 'ready', false, false)).toBeNull();
    expect(startBlockedNote('humaneval', 'idle', false, false)).toBeNull();
    expect(startBlockedNote('humaneval', 'loading', false, false)).toBeNull();
  });
});

describe('a kept run’s Continue, held by the run’s own benchmark rather than the form’s', () => {
  it('says the run’s benchmark, and what to do when it is missing', () => {
    expect(continueBlockedNote('mbpp', 'loading')).toBe('Waiting for MBPP to load: this run is scored against its tests.');
    expect(continueBlockedNote('humaneval', 'failed')).toBe(
      'No HumanEval loaded, which this run is scored against: choose HumanEval as the benchmark above and pick HumanEval.jsonl.gz in its file field, then press Continue.',
    );
    expect(continueBlockedNote('humaneval', 'ready')).toBeNull();
  });

  it('names the run’s benchmark and mode, as its panel and verdicts heading say them', () => {
    expect(runSettingsLine({ benchmark: 'humaneval', mode: 'standard' })).toBe('HumanEval, standard mode');
    expect(runSettingsLine({ benchmark: 'mbpp', mode: 'study' })).toBe('MBPP, study mode');
  });
});

describe('how long the Scoring page lets the benchmark load before saying it waits for it', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says nothing of a benchmark ready in a moment, as one kept in this browser is, and says a wait that lasts until it ends', () => {
    const wait = new LastingWait();
    // Opened: idle, then loading, then ready from the cache well inside the delay.
    wait.update(true);
    wait.update(true);
    vi.advanceTimersByTime(SAY_WAIT_AFTER_MS / 10);
    wait.update(false);
    vi.advanceTimersByTime(SAY_WAIT_AFTER_MS * 2);
    expect(wait.lasted).toBe(false);

    // Another benchmark downloads: its wait is said once it lasts, and no longer once it has ended.
    wait.update(true);
    vi.advanceTimersByTime(SAY_WAIT_AFTER_MS - 1);
    expect(wait.lasted).toBe(false);
    wait.update(true);
    vi.advanceTimersByTime(1);
    expect(wait.lasted).toBe(true);
    wait.update(false);
    expect(wait.lasted).toBe(false);
  });

  it('leaves no clock running once the page has gone', () => {
    const wait = new LastingWait();
    wait.update(true);
    wait.stop();
    vi.advanceTimersByTime(SAY_WAIT_AFTER_MS * 2);
    expect(wait.lasted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
