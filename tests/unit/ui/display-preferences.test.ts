/**
 * The reader's display settings, as the stylesheets answer them (audit R210, checked in Chromium
 * with a 24-px default font, forced colours, reduced motion and more contrast):
 * - sizes that should follow the browser's text size are in rem, not px: a chart's largest drawing
 *   size (its labels stayed 11 px beside 24-px prose), the presenter's smallest type, and the
 *   playground's one-column breakpoint;
 * - under reduced motion a progress bar with no value is still (Chromium swept it natively);
 * - more contrast strengthens borders and muted text in both themes;
 * - under forced colours, marks drawn by a background alone (the presenter's caret, spinner arc,
 *   step dots and blank screen, the theme switch's knob) keep a system colour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

/** The bodies of every `@media <query> { … }` whose query contains `query`, braces balanced. */
function mediaBodies(css: string, query: string): string[] {
  const bodies: string[] = [];
  for (const match of css.matchAll(/@media ([^{]+)\{/g)) {
    if (!match[1]!.includes(query)) continue;
    let depth = 1;
    let i = match.index + match[0].length;
    const start = i;
    for (; depth > 0 && i < css.length; i++) depth += css[i] === '{' ? 1 : css[i] === '}' ? -1 : 0;
    bodies.push(css.slice(start, i - 1));
  }
  return bodies;
}

/** The declarations of the rules in `body` whose selector list includes `selector`. */
function declarations(body: string, selector: string): string {
  return [...body.matchAll(/([^{}]+)\{([^{}]*)\}/g)]
    .filter((m) => m[1]!.split(',').some((s) => s.trim() === selector))
    .map((m) => m[2]!)
    .join(';');
}

describe('text size', () => {
  it('lets a chart grow with the browser’s text: its largest size is in rem', () => {
    const frame = read('src/ui/charts/ChartFrame.svelte');
    expect(frame).toMatch(/style:max-width="\{width \/ 16\}rem"/);
    expect(frame).not.toMatch(/style:max-width="\{width\}px"/);
  });

  it('gives the presenter a smallest type in rem (15 px at the usual 16 px)', () => {
    const presenter = read('src/ui/pages/PresenterPage.svelte');
    expect(presenter).toMatch(/--type:\s*max\(0\.9375rem,\s*1\.5vw\)/);
  });

  it('puts the playground in one column by a breakpoint in rem', () => {
    const playground = read('src/ui/pages/PlaygroundPage.svelte');
    expect(playground).toMatch(/@media \(max-width: 56\.25rem\)/);
    expect(playground).not.toMatch(/@media \(max-width: \d+px\)/);
  });
});

describe('reduced motion', () => {
  it('draws a progress bar with no value as a still bar, its native animation off', () => {
    const bodies = mediaBodies(read('src/ui/styles/app.css'), 'prefers-reduced-motion: reduce');
    const rule = bodies.map((b) => declarations(b, 'progress:indeterminate')).join(';');
    expect(rule).toMatch(/appearance:\s*none/);
    expect(rule).toMatch(/repeating-linear-gradient/);
  });
});

describe('more contrast', () => {
  it('strengthens borders and muted text wherever a theme sets them: the base, the system’s dark and the chosen dark', () => {
    const [body] = mediaBodies(read('src/ui/styles/app.css'), 'prefers-contrast: more');
    expect(body, 'a prefers-contrast: more block in app.css').toBeDefined();
    for (const selector of [':root', ":root:not([data-theme='light'])", ":root[data-theme='dark']"]) {
      const rule = declarations(body!, selector);
      expect(rule, selector).toMatch(/--border:\s*var\(--field-border\)/);
      expect(rule, selector).toMatch(/--text-muted:\s*var\(--text\)/);
    }
  });
});

describe('forced colours', () => {
  it.each([
    // File, the mark, its colour there, the rule that takes it out of forcing.
    ['src/ui/presenter/CodeView.svelte', '.caret', /background:\s*CanvasText/, '.caret'],
    ['src/ui/presenter/ReplySceneView.svelte', '.caret', /background:\s*CanvasText/, '.caret'],
    ['src/ui/presenter/ExecutionSceneView.svelte', '.spinner', /border-top-color:\s*CanvasText/, '.spinner'],
    ['src/ui/presenter/PresenterStrip.svelte', '.dot.past', /background:\s*CanvasText/, '.dot'],
    ['src/ui/presenter/PresenterStrip.svelte', '.dot.current', /background:\s*Highlight/, '.dot'],
    ['src/ui/App.svelte', '.switch::after', /background:\s*ButtonText/, '.switch::after'],
  ] as const)('%s keeps %s in a system colour', (file, selector, colour, adjusted) => {
    const bodies = mediaBodies(read(file), 'forced-colors: active');
    expect(bodies.map((b) => declarations(b, selector)).join(';')).toMatch(colour);
    expect(bodies.map((b) => declarations(b, adjusted)).join(';')).toMatch(/forced-color-adjust:\s*none/);
  });

  it('keeps the presenter’s blank screen black', () => {
    const presenter = read('src/ui/pages/PresenterPage.svelte');
    expect(declarations(presenter, '.blank')).toMatch(/forced-color-adjust:\s*none/);
  });
});
