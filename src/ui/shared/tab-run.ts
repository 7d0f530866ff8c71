/**
 * The run (a study or a search) this tab runs, kept where a reload of the tab finds it again
 * (sessionStorage), with the endpoints it was sent an API key for. The key itself is never kept,
 * so a key typed into the form (not remembered by the Models page) is gone after a reload: a run
 * that went on by itself without it got 401 for every call and stopped by an error. After a
 * reload a run goes on by itself only if the tab knows a key for each of those endpoints again.
 */
import type { ModelBinding } from '../../core/study/config.ts';
import { apiRoot } from '../../llm/endpoint-url.ts';
import type { SettingsStorage } from '../models/saved-settings.ts';

/** The run this tab runs, as a reload of the tab finds it. */
export interface TabRun {
  /** The study's or search's id. */
  id: string;
  /** The endpoints (API roots) it was sent an API key for, by this tab. */
  keyedEndpoints: readonly string[];
}

export interface TabRunRecord {
  get(): TabRun | null;
  set(run: TabRun | null): void;
}

/** The API key this tab sends to an endpoint's API root, if any (the form's `apiKeyFor`). */
type ApiKeyFor = (root: string) => string | undefined;

/** The record under `key` in the tab's storage: it survives a reload of the tab, not its closing. Never throws. */
export function tabRunRecord(storage: SettingsStorage | undefined, key: string): TabRunRecord {
  return {
    get: () => {
      try {
        const text = storage?.getItem(key) ?? null;
        return text === null ? null : readTabRun(text);
      } catch {
        return null;
      }
    },
    set: (run) => {
      try {
        if (run === null) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify(run));
      } catch {
        // Storage refused (privacy mode, quota): a reload then shows the run as interrupted, with Resume.
      }
    },
  };
}

/**
 * The record as stored: JSON, or the Study page's older form, the study's id alone (before the tab
 * kept which endpoints had a key).
 */
export function readTabRun(text: string): TabRun | null {
  if (!text.startsWith('{')) return { id: text, keyedEndpoints: [] };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { id, keyedEndpoints } = value as Record<string, unknown>;
    if (typeof id !== 'string' || !Array.isArray(keyedEndpoints) || !keyedEndpoints.every((root) => typeof root === 'string')) return null;
    return { id, keyedEndpoints };
  } catch {
    return null;
  }
}

/** The endpoints a run's models are sent an API key for, by this tab. */
export function keyedEndpoints(models: Readonly<Record<string, ModelBinding>>, apiKeyFor: ApiKeyFor): string[] {
  const roots = Object.values(models).flatMap((binding) => (binding.engine === 'openai' && binding.baseUrl ? [apiRoot(binding.baseUrl)] : []));
  return [...new Set(roots)].filter((root) => apiKeyFor(root) !== undefined);
}

/** The endpoints run `id` was sent a key for that this tab no longer knows one for: empty if the record is another run's. */
export function lostKeys(record: TabRun | null, id: string, apiKeyFor: ApiKeyFor): string[] {
  if (record?.id !== id) return [];
  return record.keyedEndpoints.filter((root) => apiKeyFor(root) === undefined);
}

/**
 * Why a run did not go on by itself after a reload, and how to go on: `run` names it (“Keyed”),
 * `engine` is the form's engine fieldset and `resume` the button to press then.
 */
export function keyLostSentence(run: string, lost: readonly string[], where: { engine: string; resume: string }): string {
  return (
    `${run} did not go on by itself after the reload: it was sending an API key to ${lost.join(' and ')}, and a reload forgets a key typed into the form. ` +
    `Type the key into API key under ${where.engine} (or have the Models page remember it), then press ${where.resume}.`
  );
}
