/**
 * A list of stored runs on show, read again every few seconds while another tab runs one of them:
 * that run's counts move on, and when that tab closes (or crashes) it shows as interrupted,
 * instead of "running in another tab" until the page is reloaded. Nothing is read while the list
 * is not on show, or while it has nothing another tab runs or could take up.
 */
export class OthersWatch {
  readonly #refresh: () => void;
  readonly #othersRunning: () => boolean;
  readonly #everyMs: number;
  #watching = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** `refresh` reads the list again (and calls `scheduleNext` when done); `othersRunning` says whether there is anything to watch. */
  constructor(refresh: () => void, othersRunning: () => boolean, everyMs = 3000) {
    this.#refresh = refresh;
    this.#othersRunning = othersRunning;
    this.#everyMs = everyMs;
  }

  /** The list is on show (or no longer). */
  watch(on: boolean): void {
    this.#watching = on;
    this.scheduleNext();
  }

  /** After each reading of the list: the next one is due in a few seconds, or none is. */
  scheduleNext(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#watching || !this.#othersRunning()) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#refresh();
    }, this.#everyMs);
  }
}
