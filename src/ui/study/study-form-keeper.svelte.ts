/**
 * Keeps the Study form's draft (study-form-draft.ts) as the user edits it, and gives it back
 * after a reload (the saving is the shared FormDraftKeeper's). A study link decides over the
 * draft: a link opened in the tab fills the form and the draft follows it. Reloading the address
 * of the link the form was filled from is not opening it again: the draft holds that link's
 * study plus the edits made since, so it stays (except for a link that autoruns, which runs its
 * own study: study-launcher.svelte.ts).
 */
import { FormDraftKeeper } from '../shared/form-draft-keeper.svelte.ts';
import { applyDraft, draftOf, type StudyDraftStore, type StudyFormDraft } from './study-form-draft.ts';
import type { StudyForm } from './study-form.svelte.ts';

export interface KeptWorkers {
  get(): number;
  set(workers: number): void;
}

export class StudyFormKeeper {
  readonly #keeper: FormDraftKeeper<StudyFormDraft>;
  /** The study link the form was last filled from in this tab. */
  #link: string | null = null;
  /** The replayed file the draft named: it is not kept, so the form asks for it again. */
  replayToPick = $state<string | null>(null);

  /**
   * `followsSettings`: the form's endpoint is the Models page's (ModelEngines.endpointFollowsSettings).
   * Such an endpoint is kept empty in the draft, so after a reload the form reads the setting again.
   */
  constructor(form: StudyForm, store: StudyDraftStore, workers: KeptWorkers, options: { debounceMs?: number; followsSettings?: () => boolean } = {}) {
    const { followsSettings = () => false, ...keeperOptions } = options;
    this.#keeper = new FormDraftKeeper(store, {
      snapshot: () => {
        const draft = draftOf(form, { workers: workers.get(), link: this.#link });
        return followsSettings() ? { ...draft, endpoint: '' } : draft;
      },
      apply: (draft) => {
        applyDraft(form, draft);
        workers.set(draft.workers);
      },
      settledByTab: ['engine', 'endpoint', 'workers', 'link'],
      ...keeperOptions,
    });
  }

  /** Whether the form came back from a draft, so the GPU probe must not change its engine. */
  get restored(): boolean {
    return this.#keeper.restored;
  }

  /** Fills the form from the stored draft, if there is one that reads back; says whether it did. */
  restore(): boolean {
    const draft = this.#keeper.restore();
    if (!draft) return false;
    this.#link = draft.link;
    this.replayToPick = draft.engine === 'replay' ? draft.replayFileName : null;
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

  watch(): () => void {
    return this.#keeper.watch();
  }

  flush(): void {
    this.#keeper.flush();
  }

  save(): void {
    this.#keeper.save();
  }

  changed(): void {
    this.#keeper.changed();
  }

  /** Whether Reset would throw away something the user typed or picked. */
  get edited(): boolean {
    return this.#keeper.edited;
  }

  /** Forgets the draft; the caller has put the form back to its defaults. */
  forget(): void {
    this.#link = null;
    this.replayToPick = null;
    this.#keeper.forget();
  }
}
