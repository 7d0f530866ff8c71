/**
 * Each theme colour written once. The app's colours live in src/ui/styles/app.css; the charts'
 * (src/ui/charts/chart-theme.css) take from them every colour the app already names: the axis was
 * the app's muted text (#5a606b, #a2a9b4) and the count on a strong heat cell its accent text
 * (#ffffff, #0d1117), each written again in chart-theme.css, where a change to the app's palette
 * would have left the charts behind without a word. Dark values are, by necessity, given in two
 * blocks per file (the system's dark, the user's dark: CSS has no "or" between a media query and a
 * selector): those must say the same, rule for rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const appCss = read('src/ui/styles/app.css');
const chartCss = read('src/ui/charts/chart-theme.css');

/** The body of each `@media <query> { … }` whose query is exactly `query`, braces balanced. */
function mediaBodies(css: string, query: string): string[] {
  const bodies: string[] = [];
  const head = `@media ${query} {`;
  for (let at = css.indexOf(head); at >= 0; at = css.indexOf(head, at + 1)) {
    let depth = 1;
    let i = at + head.length;
    for (; depth > 0 && i < css.length; i++) depth += css[i] === '{' ? 1 : css[i] === '}' ? -1 : 0;
    bodies.push(css.slice(at + head.length, i - 1));
  }
  return bodies;
}

/** Each rule of a block as [selector, sorted declarations], the selector with its theme part taken off. */
function rules(body: string, themePart: string): [string, string[]][] {
  return [...body.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => [
    m[1]!.trim().replace(themePart, ':root'),
    m[2]!
      .split(';')
      .map((d) => d.trim().replace(/\s+/g, ' '))
      .filter(Boolean)
      .sort(),
  ]);
}

/** The custom properties declared in the first rule of `css` whose selector is `selector`. */
function properties(css: string, selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, `a ${selector} block`).toBeGreaterThanOrEqual(0);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim().toLowerCase()]));
}

describe('theme colours', () => {
  it.each([
    ['src/ui/styles/app.css', appCss],
    ['src/ui/charts/chart-theme.css', chartCss],
  ])('%s: the system-dark and the chosen-dark blocks say the same', (_, css) => {
    const system = mediaBodies(css, 'screen and (prefers-color-scheme: dark)').map((b) => rules(b, ":root:not([data-theme='light'])"));
    const chosen = mediaBodies(css, 'screen').map((b) => rules(b, ":root[data-theme='dark']"));
    expect(system.length, 'a prefers-color-scheme dark block').toBeGreaterThan(0);
    expect(system.every((block) => block.length > 0)).toBe(true);
    expect(chosen).toEqual(system);
  });

  it('chart-theme.css writes no colour the app’s theme already names', () => {
    const app = [...appCss.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1]!, m[2]!.toLowerCase()] as const);
    const written = [...chartCss.matchAll(/#[0-9a-fA-F]{6}\b/g)].map((m) => m[0].toLowerCase());
    for (const colour of written) {
      const named = app.filter(([, value]) => value === colour).map(([name]) => `--${name}`);
      expect(named, `${colour} in chart-theme.css is the app's ${named.join(', ')}: use the property`).toEqual([]);
    }
  });
});
