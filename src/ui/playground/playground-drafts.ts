/**
 * The Playground's edited code kept in this tab's sessionStorage, so a reload (F5, a crash, the
 * app updating itself) gives back what was typed, problem by problem. Per tab, like the Study and
 * Search form drafts (form-draft.ts): two tabs trying two ideas must not overwrite each other.
 */
import { DraftStore, parseJson, tabStorage } from '../shared/form-draft.ts';
import type { SettingsStorage } from '../models/saved-settings.ts';

export const PLAYGROUND_DRAFT_KEY = 'feedback-lab:playground-drafts';

/** Problem id → the code the editor held for it, for code that differs from where it started. */
export interface PlaygroundDrafts {
  code: Record<string, string>;
}

const PROBLEM_ID = /^(HumanEval|Mbpp)\/\d+$/;

/** A stored draft that reads back exactly; anything else (another build's, hand-edited, cut short) is null. */
export function parsePlaygroundDrafts(raw: string | null): PlaygroundDrafts | null {
  const value = parseJson(raw);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const code = (value as { code?: unknown }).code;
  if (Object.keys(value).some((key) => key !== 'code') || typeof code !== 'object' || code === null || Array.isArray(code)) return null;
  const entries = Object.entries(code as Record<string, unknown>);
  if (!entries.every(([id, text]) => PROBLEM_ID.test(id) && typeof text === 'string')) return null;
  return { code: Object.fromEntries(entries) as Record<string, string> };
}

export class PlaygroundDraftStore extends DraftStore<PlaygroundDrafts> {
  constructor(storage: SettingsStorage | undefined = tabStorage()) {
    super(storage, PLAYGROUND_DRAFT_KEY, parsePlaygroundDrafts);
  }
}
