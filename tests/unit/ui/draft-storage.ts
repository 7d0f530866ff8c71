/** Stand-ins for the form-draft tests of the Study and Search pages. */
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';

/** A small prompt set file, as a user would pick it. */
export const PROMPT_SET = new TextEncoder().encode(
  JSON.stringify({
    format: 'feedback-lab/prompt-set',
    version: 1,
    name: 'Terse',
    prompts: [{ id: 'generator.plain', role: 'generator', text: 'Reply with Python only, nothing else.' }],
  }),
);

/** sessionStorage as a Map; `refuse` makes every call throw, as a browser with storage disabled does. */
export class MapStorage implements SettingsStorage {
  readonly items = new Map<string, string>();
  refuse = false;
  getItem(key: string): string | null {
    if (this.refuse) throw new Error('SecurityError');
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.refuse) throw new Error('QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    if (this.refuse) throw new Error('SecurityError');
    this.items.delete(key);
  }
}
