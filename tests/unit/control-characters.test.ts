/**
 * Names and labels from other people's files, set inside the page's sentences: their
 * bidirectional controls reorder nothing outside them, and right-to-left text is isolated.
 */
import { describe, expect, it } from 'vitest';
import { isolateForDisplay, spellOutControls, withoutDisplayIsolates } from '../../src/core/control-characters.ts';

describe('isolateForDisplay', () => {
  it('leaves left-to-right labels exactly as they were', () => {
    for (const label of ['llama → exec → llama (self-refine)', 'Étude ✨', 'qwen2.5-coder:3B']) expect(isolateForDisplay(label)).toBe(label);
  });

  it('drops an override left open, which reversed the rest of the sentence', () => {
    expect(isolateForDisplay('\u202eEvil arm')).toBe('Evil arm');
    expect(`${isolateForDisplay('\u2069\u202eEvil')} ran 3 of 164`).toBe('Evil ran 3 of 164');
  });

  it('isolates right-to-left text, so the count after it stays after it', () => {
    expect(isolateForDisplay('Selbst‑Verfeinerung ✨ تحسين')).toBe('\u2068Selbst‑Verfeinerung ✨ تحسين\u2069');
    expect(isolateForDisplay('עברית')).toBe('\u2068עברית\u2069');
    expect(withoutDisplayIsolates(isolateForDisplay('עברית'))).toBe('עברית');
  });
});

describe('spellOutControls', () => {
  it('spells out ESC, DEL, C1 and bidirectional formatting characters, and keeps tab, line feed and the marks', () => {
    expect(spellOutControls('a\x1b[2Kb\x7f\x85\u202e\u2066\tc\n\u200f')).toBe('a\\u001b[2Kb\\u007f\\u0085\\u202e\\u2066\tc\n\u200f');
  });
});
