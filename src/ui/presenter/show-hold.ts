/**
 * What holds a playing show still while the room cannot follow it: the black screen (the room
 * looks at the speaker) and the keyboard help over the stage (the speaker looks up a key). A
 * show playing when the first hold came plays on once the last is gone; one paused by the
 * presenter stays paused, and one that finished meanwhile is not started again.
 */
import type { PresenterShow } from './show.ts';

export type HoldReason = 'blank' | 'help';

type Holdable = Pick<PresenterShow, 'playing' | 'finished' | 'togglePause'>;

export class ShowHold {
  readonly #reasons = new Set<HoldReason>();
  #resume = false;
  readonly #show: () => Holdable | null;

  /** `show`: the show on stage now (null before Start). */
  constructor(show: () => Holdable | null) {
    this.#show = show;
  }

  hold(reason: HoldReason): void {
    if (this.#reasons.has(reason)) return;
    if (this.#reasons.size === 0) {
      const show = this.#show();
      this.#resume = show?.playing ?? false;
      if (this.#resume) show?.togglePause();
    }
    this.#reasons.add(reason);
  }

  release(reason: HoldReason): void {
    if (!this.#reasons.delete(reason) || this.#reasons.size > 0) return;
    const show = this.#show();
    if (this.#resume && show && !show.playing && !show.finished) show.togglePause();
    this.#resume = false;
  }

  /** Forgets every hold without touching the show (it was stopped, or replaced). */
  clear(): void {
    this.#reasons.clear();
    this.#resume = false;
  }
}
