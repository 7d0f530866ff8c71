/**
 * The presenter's own display settings, kept in this browser: the type size (a projector across
 * a hall needs bigger type than a laptop) and light or dark. Dark and light here are the
 * presenter's high-contrast palettes; by default it follows the app's theme.
 */
import { readSetting, writeSetting, type SettingsStorage } from '../models/saved-settings.ts';

const KEY = 'feedback-lab.presenter';
export const MIN_SCALE = 0.7;
export const MAX_SCALE = 2;
const STEP = 0.1;

interface SavedPrefs {
  scale: number;
  scheme: 'light' | 'dark' | null;
}

export class PresenterPrefs {
  scale = $state(1);
  /** Null follows the app's theme. */
  scheme = $state<'light' | 'dark' | null>(null);
  readonly #storage: SettingsStorage | undefined;

  constructor(storage: SettingsStorage | undefined) {
    this.#storage = storage;
    const saved = readSetting<SavedPrefs>(storage, KEY, { scale: 1, scheme: null });
    this.scale = clampScale(Number(saved.scale));
    this.scheme = saved.scheme === 'light' || saved.scheme === 'dark' ? saved.scheme : null;
  }

  bigger(): void {
    this.scale = clampScale(this.scale + STEP);
    this.#save();
  }

  smaller(): void {
    this.scale = clampScale(this.scale - STEP);
    this.#save();
  }

  /** Switches to the other palette from the one showing. */
  toggleScheme(showing: 'light' | 'dark'): void {
    this.scheme = showing === 'dark' ? 'light' : 'dark';
    this.#save();
  }

  #save(): void {
    writeSetting(this.#storage, KEY, { scale: this.scale, scheme: this.scheme });
  }
}

function clampScale(value: number): number {
  if (!Number.isFinite(value)) return 1;
  return Math.round(Math.min(MAX_SCALE, Math.max(MIN_SCALE, value)) * 10) / 10;
}
