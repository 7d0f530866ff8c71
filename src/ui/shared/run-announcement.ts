/**
 * What a run panel tells a screen reader. The panel's figures change with every step (time left,
 * tokens/s), and a live region over them re-read all of it after each step, burying everything
 * else the reader says. So the polite announcement is a sentence of its own that changes only
 * with news: the phase, an error, the end, and progress in steps (every unit of a small run,
 * every 5 % of a large one). The visible figures stay as they are.
 */

export interface RunNews {
  /** The phase as the panel shows it ("Running", "Paused"…). */
  phase: string;
  done: number;
  total: number;
  errored: number;
}

/** Units between two progress announcements: every unit below 40, then every 5 % of them. */
export function announceEvery(total: number): number {
  return Math.max(1, Math.floor(total / 20));
}

function progressStep(news: RunNews): number {
  return news.done >= news.total ? Infinity : Math.floor(news.done / announceEvery(news.total));
}

function isNews(last: RunNews | null, next: RunNews): boolean {
  return (
    last === null ||
    last.phase !== next.phase ||
    last.errored !== next.errored ||
    last.total !== next.total ||
    progressStep(last) !== progressStep(next)
  );
}

/** Remembers what was announced last, and gives the next sentence only when there is news. */
export class RunAnnouncer {
  readonly #describe: (news: RunNews) => string;
  #last: RunNews | null = null;
  #text = '';

  constructor(describe: (news: RunNews) => string) {
    this.#describe = describe;
  }

  /** The sentence to announce: the same string as before unless `news` is news. */
  next(news: RunNews): string {
    if (isNews(this.#last, news)) {
      this.#last = { ...news };
      this.#text = this.#describe(news);
    }
    return this.#text;
  }
}
