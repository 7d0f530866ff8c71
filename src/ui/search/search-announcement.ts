/**
 * What the Search run panel tells a screen reader: the phase and each scored generation with the
 * best fitness so far ("Running: 3 of 10 generations scored, best fitness 0.72."; counted, where the
 * tables number generations from 0), not the
 * evaluations and tokens that change a few times a second. Progress sentences come at most every
 * few seconds (a cached search scores generations faster than a reader can say them); the phase
 * at once, and the last generation with the phase that ends the search ("Done"), or on its own a
 * moment later when none does. Built on the run panels' announcer (run-announcement.ts).
 */
import { LAST_UNIT_WAIT_MS, RunAnnouncer, type AnnouncerOptions } from '../shared/run-announcement.ts';

export interface SearchNews {
  /** The phase as the panel shows it. */
  phase: string;
  generationsDone: number;
  maxGenerations: number;
  /** Best search-time fitness over the scored generations; null before the first is scored. */
  bestFitness: number | null;
}

export class SearchAnnouncer {
  readonly #announcer: RunAnnouncer;
  #best: number | null = null;

  constructor(options: AnnouncerOptions = {}) {
    this.#announcer = new RunAnnouncer(
      (news) =>
        `${news.phase}: ${news.done} of ${news.total} generations scored${this.#best === null ? '' : `, best fitness ${this.#best.toFixed(2)}`}.`,
      // The last generation scored waits a moment for "Done", which says the end (run-announcement.ts).
      { minGapMs: 4000, lastUnitWaitMs: LAST_UNIT_WAIT_MS, ...options },
    );
  }

  /** The sentence for this report: the same string as before unless the phase changed or another generation was scored (and its time has come). */
  next(news: SearchNews): string {
    this.#best = news.bestFitness;
    return this.#announcer.next({ phase: news.phase, done: news.generationsDone, total: news.maxGenerations, errored: 0 });
  }
}
