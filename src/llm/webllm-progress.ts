/**
 * Turns WebLLM's load reports (`{progress, timeElapsed, text}`) into what a download bar shows:
 * phase, bytes, rate and time left. WebLLM states bytes only inside its text
 * ("Fetching param cache[3/38]: 120MB fetched. 10% completed, 4 secs elapsed."), in whole MB,
 * and the elapsed time in whole seconds, so rate and ETA come from our own clock.
 */

export interface WebLLMProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}

export type LoadPhase = 'starting' | 'downloading' | 'reading-cache' | 'compiling' | 'ready';

export interface LoadProgress {
  phase: LoadPhase;
  /** 0..1 within the phase. */
  fraction: number;
  bytesLoaded?: number;
  bytesTotal?: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
  /** WebLLM's own words, for the details line. */
  text: string;
}

const MB = 2 ** 20;
/** Rate over the last few seconds: responsive to a changing connection, calm between shards. */
const RATE_WINDOW_MS = 8000;
/**
 * WebLLM reports every shard it finds already in this browser's cache (a download resumed after a
 * reload, a cancel or a stall) as "fetched", all within milliseconds of "Start to fetch params". Reports
 * this close together at the start are that burst: they count towards the percentage, and the rate is
 * measured from the last of them. Counted as downloaded, they showed "2.8 GB/s, about 1 s left" until
 * the next shard came over the network, minutes later on a slow line. A fresh download loses nothing:
 * its first shard takes longer than this to arrive (a 30 MB shard in a quarter of a second is a
 * link of a gigabit), and shards that then arrive together, from the four parallel fetches, are
 * past the burst.
 */
const CACHED_BURST_MS = 250;

export function phaseOf(text: string): LoadPhase {
  if (/^Fetching param cache|^Start to fetch params/.test(text)) return 'downloading';
  if (/^Loading model from cache/.test(text)) return 'reading-cache';
  if (/^Loading GPU shader modules/.test(text)) return 'compiling';
  if (/^Finish loading/.test(text)) return 'ready';
  return 'starting';
}

/** Follows one model load; feed it every report in order. */
export class LoadMeter {
  #samples: { atMs: number; bytes: number }[] = [];
  /** A report has come later than `CACHED_BURST_MS` after the one before: the cached shards are behind. */
  #pastCachedBurst = false;
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  update(report: WebLLMProgressReport): LoadProgress {
    const phase = phaseOf(report.text);
    const fraction = Math.min(1, Math.max(0, Number.isFinite(report.progress) ? report.progress : 0));
    const progress: LoadProgress = { phase, fraction, text: report.text };
    if (phase !== 'downloading') return progress;
    const mbMatch = /(\d+)MB fetched/.exec(report.text);
    const bytesLoaded = mbMatch?.[1] === undefined ? 0 : Number(mbMatch[1]) * MB;
    progress.bytesLoaded = bytesLoaded;
    if (fraction > 0 && bytesLoaded > 0) progress.bytesTotal = Math.round(bytesLoaded / fraction);
    const atMs = this.#now();
    const last = this.#samples.at(-1);
    if (last && !this.#pastCachedBurst && atMs - last.atMs <= CACHED_BURST_MS) {
      this.#samples = [{ atMs, bytes: bytesLoaded }];
      return progress;
    }
    if (last) this.#pastCachedBurst = true;
    this.#samples.push({ atMs, bytes: bytesLoaded });
    while (this.#samples.length > 2 && atMs - (this.#samples[1]?.atMs ?? atMs) > RATE_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0];
    if (first && atMs > first.atMs && bytesLoaded > first.bytes) {
      const bytesPerSecond = ((bytesLoaded - first.bytes) * 1000) / (atMs - first.atMs);
      progress.bytesPerSecond = bytesPerSecond;
      if (progress.bytesTotal !== undefined) progress.etaSeconds = Math.max(0, (progress.bytesTotal - bytesLoaded) / bytesPerSecond);
    }
    return progress;
  }
}
