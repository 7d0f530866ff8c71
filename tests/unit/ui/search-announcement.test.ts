import { describe, expect, it } from 'vitest';
import { SearchAnnouncer, type SearchNews } from '../../../src/ui/search/search-announcement.ts';

/** Sentences a screen reader hears, one report every `everyMs`: each change of the live text, once. */
function heard(reports: SearchNews[], everyMs: number): string[] {
  let clock = 0;
  const announcer = new SearchAnnouncer({ now: () => clock });
  const said: string[] = [];
  for (const news of reports) {
    clock += everyMs;
    const text = announcer.next(news);
    if (text !== said.at(-1)) said.push(text);
  }
  return said;
}

/** Reports of a 3-generation search: `perGeneration` evaluations each, then the end. */
function search(perGeneration: number): SearchNews[] {
  const reports: SearchNews[] = [];
  const best = [0.4, 0.72, 0.72];
  for (let g = 0; g < 3; g++) {
    for (let e = 0; e < perGeneration; e++) reports.push({ phase: 'Running', generationsDone: g, maxGenerations: 3, bestFitness: g === 0 ? null : best[g - 1]! });
  }
  reports.push({ phase: 'Running', generationsDone: 3, maxGenerations: 3, bestFitness: 0.72 });
  reports.push({ phase: 'Done', generationsDone: 3, maxGenerations: 3, bestFitness: 0.72 });
  return reports;
}

describe('what the Search run panel announces', () => {
  it('says each scored generation and the best fitness so far, not every evaluation', () => {
    expect(heard(search(50), 500)).toEqual([
      'Running: 0 of 3 generations scored.',
      'Running: 1 of 3 generations scored, best fitness 0.40.',
      'Running: 2 of 3 generations scored, best fitness 0.72.',
      // The last generation is said with "Done", not a moment before it too (audit R199).
      'Done: 3 of 3 generations scored, best fitness 0.72.',
    ]);
  });

  it('says a phase under way without its ellipsis before the figures', () => {
    const reports: SearchNews[] = ['Pausing after the evaluations in flight…', 'Resuming…', 'Paused'].map((phase) => ({ phase, generationsDone: 0, maxGenerations: 3, bestFitness: null }));
    expect(heard(reports, 5000)).toEqual([
      'Pausing after the evaluations in flight: 0 of 3 generations scored.',
      'Resuming: 0 of 3 generations scored.',
      'Paused: 0 of 3 generations scored.',
    ]);
  });

  it('says generations scored faster than it can be read at most every few seconds, and the end at once', () => {
    const said = heard(search(1), 100);
    expect(said).toEqual(['Running: 0 of 3 generations scored.', 'Done: 3 of 3 generations scored, best fitness 0.72.']);
  });

  it('says the last generation by itself when the search goes on running after it', () => {
    let clock = 0;
    let wake: (() => void) | null = null;
    let said = '';
    const news: SearchNews = { phase: 'Running', generationsDone: 2, maxGenerations: 3, bestFitness: 0.4 };
    const announcer: SearchAnnouncer = new SearchAnnouncer({
      now: () => clock,
      setTimer: (callback) => void (wake = callback),
      onDue: () => (said = announcer.next({ ...news, generationsDone: 3 })),
    });
    said = announcer.next(news);
    clock = 10_000;
    said = announcer.next({ ...news, generationsDone: 3 });
    expect(said).toBe('Running: 2 of 3 generations scored, best fitness 0.40.');
    clock = 12_000;
    (wake as (() => void) | null)?.();
    expect(said).toBe('Running: 3 of 3 generations scored, best fitness 0.40.');
  });
});
