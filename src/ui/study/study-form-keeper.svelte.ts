/**
 * Keeps the Study form's draft (study-form-draft.ts) as the user edits it, and gives it back
 * after a reload. A study link decides over the draft: a link opened in the tab fills the form
 * and the draft follows it. Reloading the address of the link the form was filled from is not
 * opening it again: the draft holds that link's study plus the edits made since, so it stays
 * (except for a link that autoruns, which runs its own study: study-launcher.svelte.ts).
 */
import { applyDraft, draftOf, type StudyDraftStore, type StudyFormDraft } from './study-form-draft.ts';
import type { StudyForm } from './study-form.svelte.ts';

/** Long enough to write once per burst of typing, short enough that a crash loses a word at most. */
const DEBOUNCE_MS = 300;

/** Fields a reset puts back that the tab's settings decide (engine, endpoint): not an edit to confirm. */
const SETTLED_BY_TAB: readonly (keyof StudyFormDraft)[] = ['engine', 'endpoint', 'workers', 'link'];

export interface KeptWorkers {
  get(): number;
  set(workers: number): void;
}

export class StudyFormKeeper {
  readonly #form: StudyForm;
  readonly #store: StudyDraftStore;
  readonly #workers: KeptWorkers;
  readonly #debounceMs: number;
  readonly #followsSettings: () => boolean;
  /** The study link the form was last filled from in this tab. */
  #link: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The form as a fresh tab shows it, to tell whether Reset would discard anything. */
  readonly #pristine: string;
  /** Whether the form came back from a draft, so the GPU probe must not change its engine. */
  restored = false;
  /** The replayed file the draft named: it is not kept, so the form asks for it again. */
  replayToPick = $state<string | null>(null);

  /**
   * `followsSettings`: the form's endpoint is the Models page's (ModelEngines.endpointFollowsSettings).
   * Such an endpoint is kept empty in the draft, so after a reload the form reads the setting again.
   */
  constructor(form: StudyForm, store: StudyDraftStore, workers: KeptWorkers, options: { debounceMs?: number; followsSettings?: () => boolean } = {}) {
    this.#form = form;
    this.#store = store;
    this.#workers = workers;
    this.#debounceMs = options.debounceMs ?? DEBOUNCE_MS;
    this.#followsSettings = options.followsSettings ?? (() => false);
    this.#pristine = editedPart(this.#draft());
  }

  /** Fills the form from the stored draft, if there is one that reads back; says whether it did. */
  restore(): boolean {
    const draft = this.#store.read();
    if (!draft) return false;
    applyDraft(this.#form, draft);
    this.#workers.set(draft.workers);
    this.#link = draft.link;
    this.replayToPick = draft.engine === 'replay' ? draft.replayFileName : null;
    this.restored = true;
    return true;
  }

  /** Whether the form already holds this link's study (the page was reloaded on its address), so the link must not refill it. */
  holdsLink(query: string): boolean {
    return this.restored && this.#link === query;
  }

  /** A link filled the form: the draft is now that study. */
  linkApplied(query: string): void {
    this.#link = query;
    this.replayToPick = null;
    this.save();
  }

  /** Saves the form after every change, debounced, and at once when the page is hidden or unloaded; returns the stop. */
  watch(): () => void {
    const stopEffect = $effect.root(() => {
      $effect(() => {
        // Read every field, so any edit runs this again.
        JSON.stringify(this.#draft());
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
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#store.write(this.#draft());
  }

  /** Whether Reset would throw away something the user typed or picked. */
  get edited(): boolean {
    return editedPart(this.#draft()) !== this.#pristine;
  }

  /** Forgets the draft; the caller has put the form back to its defaults. */
  forget(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#link = null;
    this.restored = false;
    this.replayToPick = null;
    this.#store.clear();
  }

  /** The form changed: save once the edits pause. */
  changed(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.save(), this.#debounceMs);
  }

  #draft(): StudyFormDraft {
    const draft = draftOf(this.#form, { workers: this.#workers.get(), link: this.#link });
    return this.#followsSettings() ? { ...draft, endpoint: '' } : draft;
  }
}

function editedPart(draft: StudyFormDraft): string {
  const part: Partial<StudyFormDraft> = { ...draft };
  for (const key of SETTLED_BY_TAB) delete part[key];
  return JSON.stringify(part);
}
