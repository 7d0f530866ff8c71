/**
 * Placeholder text (src/ui/styles/app.css) at 4.5:1 on the fields of both themes (WCAG 1.4.3).
 * The placeholders carry meaning: "none" in the Search budgets, the name a study gets when its
 * name is left blank, the GPU memory used when none is given. Left to Chromium they were #757575,
 * 3.54:1 on the dark theme's field background (#1d2026). The rule fades the field's own text
 * colour, so it is measured here as that colour at the rule's strength over the field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const appCss = readFileSync(join(import.meta.dirname, '../../../src/ui/styles/app.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** `--name` in the rule block whose selector is `selector`. */
function variable(selector: string, name: string): string {
  const start = appCss.indexOf(`${selector} {`);
  expect(start, `a ${selector} block in app.css`).toBeGreaterThanOrEqual(0);
  const block = appCss.slice(start, appCss.indexOf('}', start));
  const value = new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})\\s*;`).exec(block)?.[1];
  expect(value, `--${name} in ${selector}`).toBeDefined();
  return value!;
}

const channels = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('placeholder text', () => {
  it('is the field’s text colour faded no further than 4.5:1 on the field, in the light and the dark theme', () => {
    const rule = /::placeholder\s*\{([^}]*)\}/.exec(appCss)?.[1];
    expect(rule, "a ::placeholder rule in app.css (Chromium's own grey is 3.54:1 on the dark theme's fields)").toBeDefined();
    const strength = /color:\s*color-mix\(in srgb,\s*currentColor\s+(\d+(?:\.\d+)?)%,\s*transparent\)/.exec(rule!)?.[1];
    expect(strength, 'the placeholder colour as the field’s text colour, faded').toBeDefined();
    // A placeholder's opacity multiplies in (Firefox's default is 0.54): the rule sets it to 1.
    expect(rule).toMatch(/opacity:\s*1\s*;/);
    const alpha = Number(strength) / 100;
    for (const selector of [':root', ":root[data-theme='dark']"]) {
      const [text, field] = [channels(variable(selector, 'text')), channels(variable(selector, 'surface'))];
      const shown = text.map((c, i) => c * alpha + field[i]! * (1 - alpha));
      expect(contrast(shown, field), `${selector}: placeholder on a field`).toBeGreaterThanOrEqual(4.5);
      // Still told apart from a value typed in: clearly fainter than the text itself.
      expect(contrast(shown, field), `${selector}: placeholder as strong as the text`).toBeLessThan(contrast(text, field) * 0.75);
    }
  });
});
