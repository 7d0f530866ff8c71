/**
 * Reads the list of stored studies again after finished units, but not after every one: reading
 * it reads every finished unit of every study (study-store.ts listStudies), so its cost grows
 * with the study. Read after each of a fast endpoint's units, back to back, it took most of the
 * tab: a study of 49,200 units ran 850 units a minute at first and 230 after 20 minutes, where
 * without it it ran about 2,700 a minute all through, and a click on its run panel took up to
 * 1.4 s to answer (audit R169). The run panel shows progress live; the card under the form only
 * needs to follow it, and is read at once when the run pauses or ends.
 *
 * A call asks for a read; one read is made at most every `minGapMs`, and never sooner after the
 * last one than `costFactor` times as long as it took, so the reads take at most about
 * 1 / (1 + costFactor) of the time however large the study grows.
 */
export interface SpacedRefreshOptions {
  minGapMs?: number;
  costFactor?: number;
  now?: () => number;
}

export interface SpacedRefresh {
  /** Asks for a read: made at once if the last one is long enough ago, else once it is. */
  request(): void;
  /** Drops a read asked for and not yet made (the caller reads the list itself now). */
  cancel(): void;
}

export const LIST_REFRESH_GAP_MS = 2000;
const COST_FACTOR = 4;

export function spacedRefresh(refresh: () => Promise<void>, options: SpacedRefreshOptions = {}): SpacedRefresh {
  const minGapMs = options.minGapMs ?? LIST_REFRESH_GAP_MS;
  const costFactor = options.costFactor ?? COST_FACTOR;
  const now = options.now ?? (() => performance.now());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let reading = false;
  /** Asked for while a read was under way: made once that one is over and the gap has passed. */
  let wanted = false;
  let lastEnd = -Infinity;
  let lastCost = 0;

  const gapLeft = () => Math.max(0, lastEnd + Math.max(minGapMs, costFactor * lastCost) - now());

  const read = async () => {
    timer = null;
    reading = true;
    const start = now();
    try {
      await refresh();
    } catch {
      // The list shows its own notice for a failed read; the next finished unit asks again.
    } finally {
      lastEnd = now();
      lastCost = lastEnd - start;
      reading = false;
      if (wanted) {
        wanted = false;
        schedule();
      }
    }
  };

  const schedule = () => {
    if (timer !== null) return;
    if (reading) {
      wanted = true;
      return;
    }
    timer = setTimeout(() => void read(), gapLeft());
  };

  return {
    request: schedule,
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      wanted = false;
    },
  };
}
