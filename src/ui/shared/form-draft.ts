/**
 * A form's draft kept in this tab's sessionStorage, so a reload (a crash, F5, the service worker
 * updating the app) gives the form back as it was: what the Study and Search forms share. Per
 * tab, as the tab's other state is: two tabs preparing two runs must not overwrite each other,
 * and a closed tab's half-filled form should not come back in the next one.
 *
 * Each form says what its draft holds and how it reads back (study-form-draft.ts,
 * search-form-draft.ts); a draft that does not read back exactly (an older build's, hand-edited,
 * cut short) is dropped, so the defaults show. The API key is never part of one (docs/models.md).
 */
import { validatePromptSet } from '../../core/prompts/prompt-set.ts';
import { writeSetting, type SettingsStorage } from '../models/saved-settings.ts';
import { readSession } from '../shell/tab-session.ts';
import type { LoadedPromptSet } from './prompt-set-picker.svelte.ts';

/** This tab's sessionStorage, or undefined where the browser refuses it (then nothing is kept, and nothing breaks). */
export function tabStorage(): SettingsStorage | undefined {
  return readSession() ?? undefined;
}

/** Reads, writes and forgets one form's draft under `key`; never throws. */
export class DraftStore<D extends object> {
  readonly #storage: SettingsStorage | undefined;
  readonly #key: string;
  readonly #parse: (raw: string | null) => D | null;

  constructor(storage: SettingsStorage | undefined, key: string, parse: (raw: string | null) => D | null) {
    this.#storage = storage;
    this.#key = key;
    this.#parse = parse;
  }

  /** The stored draft; one that does not read back is removed, so it is not tried on every load. */
  read(): D | null {
    let raw: string | null = null;
    try {
      raw = this.#storage?.getItem(this.#key) ?? null;
    } catch {
      return null;
    }
    const draft = this.#parse(raw);
    if (raw && !draft) this.clear();
    return draft;
  }

  write(draft: D): void {
    writeSetting(this.#storage, this.#key, draft);
  }

  clear(): void {
    writeSetting(this.#storage, this.#key, undefined);
  }
}

/** The JSON in `raw`, or undefined when there is none or it is not JSON. */
export function parseJson(raw: string | null): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether `value` holds no key outside `keys`: a field this build does not know means another build's draft. */
export function onlyKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

/** A loaded prompt set as a draft keeps it: null for none, undefined when it does not validate. */
export function readLoadedSet(value: unknown): LoadedPromptSet | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'object' || typeof (value as { fileName?: unknown }).fileName !== 'string') return undefined;
  const { fileName, promptSet } = value as { fileName: string; promptSet: unknown };
  const checked = validatePromptSet(promptSet);
  return checked.ok ? { fileName, promptSet: checked.promptSet } : undefined;
}

export function oneOf<T extends string>(value: unknown, known: Record<T, true>): value is T {
  return typeof value === 'string' && Object.hasOwn(known, value);
}

export function strings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((x) => typeof x === 'string');
}

/** A number field's value: a finite number, or null where the user emptied it. */
export function numberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** What a number field holds, as a draft keeps it: an emptied field (null, NaN) is null. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
