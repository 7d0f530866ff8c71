/**
 * Model settings kept in this browser (localStorage). Reading never throws: storage can be
 * disabled, full, or hold a value from an older version, and none of that should stop the page.
 */
import { browserSettings } from '../../llm/saved-model-source.ts';

export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The same accessor the tab's WebLLM engine reads its saved model source with. */
export const browserStorage: () => SettingsStorage | undefined = browserSettings;

export function readSetting<T extends object>(storage: SettingsStorage | undefined, key: string, fallback: T): T {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return fallback;
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? { ...fallback, ...(parsed as Partial<T>) } : fallback;
  } catch {
    return fallback;
  }
}

export function writeSetting(storage: SettingsStorage | undefined, key: string, value: object | undefined): void {
  try {
    if (value === undefined) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or privacy mode: the setting lasts for this visit only.
  }
}
