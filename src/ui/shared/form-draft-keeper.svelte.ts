/**
 * Keeps a form's draft (form-draft.ts) as the user edits it and gives it back after a reload:
 * saved once the edits pause, and at once when the page is hidden or unloaded. The Study and
 * Search desks each hold one; what is particular to a form (a study link, a replay file to pick
 * again) stays in its own keeper.
 */
import type { DraftStore } from './form-draft.ts';

/** Long enough to write once per burst of typing, short enough that a crash loses a word at most. */
const DEBOUNCE_MS = 300;

export interface FormDraftKeeperOptions<D> {
  /** The form as a draft, now: it reads every field, so the watch sees every edit. */
  snapshot: () => D;
  /** Puts a stored draft's values in the form. */
  apply: (draft: D) => void;
  /** Fields a reset puts back that the tab's settings decide (engine, endpoint, workers): not an edit to confirm. */
  settledByTab?: readonly (keyof D)[];
  debounceMs?: number;
}

export class FormDraftKeeper<D extends object> {
  readonly #store: DraftStore<D>;
  readonly #snapshot: () => D;
  readonly #apply: (draft: D) => void;
  readonly #settled: readonly (keyof D)[];
  readonly #debounceMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The form as a fresh tab shows it, to tell whether Reset would discard anything. */
  readonly #pristine: string;
  /** Whether the form came back from a draft, so the GPU probe must not change its engine. */
  restored = false;

  constructor(store: DraftStore<D>, options: FormDraftKeeperOptions<D>) {
    this.#store = store;
    this.#snapshot = options.snapshot;
    this.#apply = options.apply;
    this.#settled = options.settledByTab ?? [];
    this.#debounceMs = options.debounceMs ?? DEBOUNCE_MS;
    this.#pristine = this.#editedPart(this.#snapshot());
  }

  /** Fills the form from the stored draft, if one reads back; returns it (null when there was none). */
  restore(): D | null {
    const draft = this.#store.read();
    if (!draft) return null;
    this.#apply(draft);
    this.restored = true;
    return draft;
  }

  /** Saves the form after every change, debounced, and at once when the page is hidden or unloaded; returns the stop. */
  watch(): () => void {
    const stopEffect = $effect.root(() => {
      $effect(() => {
        // Read every field, so any edit runs this again.
        JSON.stringify(this.#snapshot());
        this.changed();
      });
    });
    const flush = () => this.flush();
    const hidden = () => {
      if (document.visibilityState === 'hidden') this.flush();
    };
    globalThis.addEventListener?.('pagehide', flush);
    globalThis.document?.addEventListener('visibilitychange', hidden);
    return () => {
      stopEffect();
      this.flush();
      globalThis.removeEventListener?.('pagehide', flush);
      globalThis.document?.removeEventListener('visibilitychange', hidden);
    };
  }

  /** Writes a pending save now. */
  flush(): void {
    if (this.#timer === null) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.save();
  }

  save(): void {
    this.#cancel();
    this.#store.write(this.#snapshot());
  }

  /** Whether Reset would throw away something the user typed or picked. */
  get edited(): boolean {
    return this.#editedPart(this.#snapshot()) !== this.#pristine;
  }

  /** Forgets the draft; the caller has put the form back to its defaults. */
  forget(): void {
    this.#cancel();
    this.restored = false;
    this.#store.clear();
  }

  /** The form changed: save once the edits pause. */
  changed(): void {
    this.#cancel();
    this.#timer = setTimeout(() => this.save(), this.#debounceMs);
  }

  #cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #editedPart(draft: D): string {
    const part: Partial<D> = { ...draft };
    for (const key of this.#settled) delete part[key];
    return JSON.stringify(part);
  }
}
