/**
 * What the download panel tells a screen reader. Its visible line changes with every report from
 * WebLLM (several a second: percent, megabytes, rate, time left); as a live region it made a
 * screen reader read a new figure before the last one was finished, for minutes. The polite
 * announcement is a sentence that changes only with the phase and every 10 % of it, and not
 * more often than every few seconds (weights read from the cache go from 0 to 100 % at once).
 */
import type { LoadProgress } from '../../llm/webllm-progress.ts';
import { RunAnnouncer, type AnnouncerOptions } from '../shared/run-announcement.ts';

/** Tenths of a phase between two announcements. */
const STEPS = 10;

export class DownloadAnnouncer {
  readonly #announcer: RunAnnouncer;

  constructor(modelId: string, options: AnnouncerOptions = {}) {
    this.#announcer = new RunAnnouncer(
      (news) => (news.total === 0 ? `${modelId}: ${news.phase}…` : `${modelId}: ${news.phase}, ${Math.round((100 * news.done) / news.total)} %.`),
      { minGapMs: 4000, ...options },
    );
  }

  /** The sentence for this report, `phase` worded as the panel shows it: the same string as before unless the phase or a tenth changed. */
  next(phase: string, progress: LoadProgress | undefined): string {
    const measured = progress !== undefined && progress.phase !== 'starting';
    const tenths = measured ? Math.floor(Math.min(1, Math.max(0, progress.fraction)) * STEPS) : 0;
    return this.#announcer.next({ phase, done: tenths, total: measured ? STEPS : 0, errored: 0 });
  }
}
