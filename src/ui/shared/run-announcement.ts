/**
 * What a run panel tells a screen reader. The panel's figures change with every step (time left,
 * tokens/s), and a live region over them re-read all of it after each step, burying everything
 * else the reader says. So the polite announcement is a sentence of its own that changes only
 * with news: the phase, an error, the end, and progress in steps (every unit of a small run,
 * every 5 % of a large one). A fast run (a replay, a broken endpoint failing every unit at once)
 * finishes several units a second, and each would queue another sentence behind the last: with
 * `minGapMs`, progress and errors are said at most that often, the phase at once, and news held
 * back is said when the gap ends (`onDue`). The end is said once: by the phase that follows the last
 * unit (`lastUnitWaitMs`). The visible figures stay as they are.
 */

export interface RunNews {
  /** The phase as the panel shows it ("Running", "Paused"…). */
  phase: string;
  done: number;
  total: number;
  errored: number;
}

/** A phase as a sentence says it before its figures: "Pausing after the steps in flight", not "…in flight…:". */
export function spokenPhase(phase: string): string {
  return phase.replace(/…$/u, '');
}

/**
 * The phase a screen reader hears while the model does not answer and the unit waits to be tried
 * again. The panel's own note says which problem, which attempt and when, and changes with every
 * attempt of every unit: as a live region it queued a long sentence every few seconds for as long
 * as an endpoint was down, still being read after the run had stopped. Heard through the phase,
 * the outage is said once as it starts and once as it ends.
 */
export function spokenRunPhase(phase: string, waitingForModel: boolean): string {
  return waitingForModel && phase === 'Running' ? 'Running, waiting for the model to answer' : phase;
}

/** What the run panels give the phase that ends a run to follow its last unit (`lastUnitWaitMs`): a study's came 12 ms after. */
export const LAST_UNIT_WAIT_MS = 2000;

/** Units between two progress announcements: every unit below 40, then every 5 % of them. */
export function announceEvery(total: number): number {
  return Math.max(1, Math.floor(total / 20));
}

function progressStep(news: RunNews): number {
  return news.done >= news.total ? Infinity : Math.floor(news.done / announceEvery(news.total));
}

/** News that cannot wait: the first sentence, a new phase or size of run. */
function isUrgent(last: RunNews | null, next: RunNews): boolean {
  return last === null || last.phase !== next.phase || last.total !== next.total;
}

/** The last unit done, the phase as it was: the run's end, which a new phase ("Done") usually says a moment later. */
function isLastUnit(last: RunNews | null, next: RunNews): boolean {
  return last !== null && last.phase === next.phase && last.total === next.total && next.done >= next.total && last.done < last.total;
}

function isNews(last: RunNews, next: RunNews): boolean {
  return last.errored !== next.errored || progressStep(last) !== progressStep(next);
}

export interface AnnouncerOptions {
  /** Least time between two sentences of progress or errors (default 0: no limit). */
  minGapMs?: number;
  now?: () => number;
  /**
   * Called once the gap is over after news was held back: ask `next` again then. The news came
   * with the run's last change, and the run may not change again for a long while (paused, or
   * slow units), so without it the live region kept saying figures long gone.
   */
  onDue?: () => void;
  /** Waits `ms`, then calls `callback` (setTimeout unless a test gives its own). */
  setTimer?: (callback: () => void, ms: number) => void;
  /**
   * How long the last unit done waits for the phase that ends the run (default 0: said at once).
   * A study's "Running: 60 of 60 units done." came 12 ms before its "Done: 60 of 60 units done.",
   * the end said twice: within this time the new phase says it alone. A run whose phase stays
   * (the search re-checking its champion, say) has it said when the time is over (`onDue`).
   */
  lastUnitWaitMs?: number;
}

/** Remembers what was announced last, and gives the next sentence only when there is news. */
export class RunAnnouncer {
  readonly #describe: (news: RunNews) => string;
  readonly #minGapMs: number;
  readonly #now: () => number;
  #last: RunNews | null = null;
  #saidAt = -Infinity;
  #text = '';
  readonly #onDue: (() => void) | undefined;
  readonly #setTimer: (callback: () => void, ms: number) => void;
  /** Whether a call to `onDue` is waiting for the gap to end. */
  #waiting = false;
  readonly #lastUnitWaitMs: number;
  /** When the last unit done was first seen and held back for the phase to end the run; null when none is. */
  #lastUnitAt: number | null = null;

  constructor(describe: (news: RunNews) => string, options: AnnouncerOptions = {}) {
    this.#describe = describe;
    this.#minGapMs = options.minGapMs ?? 0;
    this.#now = options.now ?? (() => performance.now());
    this.#onDue = options.onDue;
    this.#setTimer = options.setTimer ?? ((callback, ms) => void setTimeout(callback, ms));
    this.#lastUnitWaitMs = options.lastUnitWaitMs ?? 0;
  }

  /** The sentence to announce: the same string as before unless `news` is news (and, for progress, its time has come). */
  next(news: RunNews): string {
    const last = this.#last;
    const now = this.#now();
    const waitMs = this.#minGapMs - (now - this.#saidAt);
    const lastUnit = isLastUnit(last, news);
    if (!lastUnit) this.#lastUnitAt = null;
    else {
      this.#lastUnitAt ??= now;
      const heldMs = this.#lastUnitWaitMs - (now - this.#lastUnitAt);
      if (heldMs > 0) {
        this.#askAgainIn(heldMs);
        return this.#text;
      }
    }
    if (lastUnit || isUrgent(last, news) || (last !== null && isNews(last, news) && waitMs <= 0)) {
      this.#last = { ...news };
      this.#saidAt = now;
      this.#lastUnitAt = null;
      // A phase shown as under way ("Pausing after the steps in flight…") is said before a colon: without its ellipsis.
      this.#text = this.#describe({ ...news, phase: spokenPhase(news.phase) });
    } else if (last !== null && isNews(last, news)) {
      this.#askAgainIn(waitMs);
    }
    return this.#text;
  }

  /** Held-back news is said once the gap is over, even if nothing changes meanwhile: `onDue` asks again then. */
  #askAgainIn(ms: number): void {
    const onDue = this.#onDue;
    if (!onDue || this.#waiting) return;
    this.#waiting = true;
    this.#setTimer(() => {
      this.#waiting = false;
      onDue();
    }, ms);
  }
}
