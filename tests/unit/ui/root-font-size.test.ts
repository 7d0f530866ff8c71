/**
 * The page's text follows the reader's text size in the browser's settings (Chrome's Font size:
 * Large, Very large; Firefox's Default font size). src/ui/styles/app.css set the root to 16px,
 * which overrode it: with a 24px default the app still drew 16px text, and every rem with it
 * (checked in Chromium with the DevTools protocol's Page.setFontSizes). A relative root size
 * keeps 16px for everyone on the default and scales the rest; zoom is no substitute for
 * someone who has set it once for every site.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const appCss = readFileSync(join(import.meta.dirname, '../../../src/ui/styles/app.css'), 'utf8');

/** The font-size declarations of every rule whose selector list names `html` or `body`. */
function rootFontSizes(css: string): string[] {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...withoutComments.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
    .filter(([, selectors]) => selectors!.split(',').some((s) => /^(html|body|:root)$/.test(s.trim())))
    .flatMap(([, , body]) => [...body!.matchAll(/(?:^|;)\s*font-size\s*:\s*([^;]+)/g)].map((m) => m[1]!.trim()));
}

describe('the root text size', () => {
  it('is relative to the browser setting, never an absolute length', () => {
    const sizes = rootFontSizes(appCss);
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size, `html/body font-size ${size}`).toMatch(/^(\d+(\.\d+)?%|medium|\d+(\.\d+)?(r?em))$/);
  });
});
