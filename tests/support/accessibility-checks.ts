/**
 * Accessibility checks for e2e tests: axe-core injected into the page, and the contrast checks
 * axe cannot make (text in charts, focus rings, form-field borders), with WCAG relative luminance.
 */
import type { Page } from 'playwright-core';
import { createRequire } from 'node:module';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** A violation that is not the app's to fix (inside a third-party widget, say), with why. */
export interface AllowedViolation {
  rule: string;
  target: RegExp;
  why: string;
}

/** Runs axe on what the tab shows now and returns one readable line per failing element. */
export async function axeViolations(page: Page, where: string, allowed: readonly AllowedViolation[] = []): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  // Let colour transitions finish, so contrast is measured on the colours that stay (a spinner never
  // does); then two frames, so size observers have run: the presenter's boxes become Tab stops when
  // they start to scroll, in the frame after, and axe on a loaded machine could land in between.
  await page.evaluate(async () => {
    await Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
        .map((a) => a.finished.catch(() => undefined)),
    );
    // (A page that draws no frames, hidden behind another, goes on after a second.)
    await new Promise((done) => {
      requestAnimationFrame(() => requestAnimationFrame(done));
      setTimeout(done, 1_000);
    });
  });
  const violations = await page.evaluate(async () => {
    // axe is injected above as a classic script; it is not in the app's types.
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return (violations as AxeViolation[]).flatMap((violation) =>
    violation.nodes
      .map((node) => ({ target: node.target.map(String).join(' >> '), summary: node.failureSummary ?? '' }))
      .filter(({ target }) => !allowed.some((allowed) => allowed.rule === violation.id && allowed.target.test(target)))
      .map(({ target, summary }) => `${where}: ${violation.id} (${violation.impact}) ${target} — ${violation.help}; ${summary.replace(/\s+/g, ' ').slice(0, 240)}`),
  );
}

type Rgba = [number, number, number, number];
interface ColourMath {
  parse(css: string): Rgba | null;
  over(top: Rgba, under: Rgba): Rgba;
  ratio(a: Rgba, b: Rgba): number;
  /** What shows behind `element`: its own and its ancestors' backgrounds, blended, over white. */
  backgroundOf(element: Element): Rgba;
}

/** Colour arithmetic (WCAG relative luminance) for the checks axe cannot make, as window.colourMath. */
async function installColourMath(page: Page): Promise<void> {
  await page.evaluate(() => {
    if ('colourMath' in window) return;
    const parse = (css: string): Rgba | null => {
      const parts = /rgba?\(([^)]+)\)/.exec(css)?.[1]?.split(/[\s,/]+/).filter(Boolean).map(Number);
      return parts && parts.length >= 3 ? [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1] : null;
    };
    const over = (top: Rgba, under: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + under[i]! * (1 - top[3])).concat(1) as Rgba;
    const luminance = (c: Rgba) => {
      const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
      return (hi + 0.05) / (lo + 0.05);
    };
    const backgroundOf = (element: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const colour = parse(getComputedStyle(at).backgroundColor);
        if (colour && colour[3] > 0) layers.unshift(colour);
        if (colour && colour[3] >= 1) break;
      }
      return layers.reduce<Rgba>((under, layer) => over(layer, under), [255, 255, 255, 1]);
    };
    const math: ColourMath = { parse, over, ratio, backgroundOf };
    Object.assign(window, { colourMath: math });
  });
}

/**
 * Text in charts, which axe leaves unchecked (it cannot see what an SVG shape paints behind a
 * label): each label's fill against the shapes under its centre, or against its own halo when it
 * is painted on one, at 4.5:1 (3:1 from 24px).
 */
export async function chartTextContrast(page: Page, where: string): Promise<string[]> {
  await installColourMath(page);
  const low = await page.evaluate(() => {
    const { parse, over, ratio } = (window as unknown as { colourMath: ColourMath }).colourMath;
    const problems: string[] = [];
    for (const text of document.querySelectorAll<SVGTextElement>('svg text')) {
      const box = text.getBoundingClientRect();
      if (!text.textContent?.trim() || box.width === 0) continue;
      const style = getComputedStyle(text);
      const svg = text.ownerSVGElement!;
      let background = parse(getComputedStyle(svg).backgroundColor) ?? [255, 255, 255, 1];
      const haloWidth = parseFloat(style.strokeWidth);
      const halo = style.paintOrder.startsWith('stroke') && haloWidth >= 2 ? parse(style.stroke) : null;
      if (halo) background = over(halo, background);
      else {
        // Filled boxes under the label's centre, in paint order (elementsFromPoint sees only the viewport).
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        const shapes = [...svg.querySelectorAll('rect')].filter((rect) => {
          const r = rect.getBoundingClientRect();
          return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
        });
        for (const shape of shapes) {
          const fill = parse(getComputedStyle(shape).fill);
          if (fill) background = over([fill[0], fill[1], fill[2], fill[3] * Number(getComputedStyle(shape).fillOpacity)], background);
        }
      }
      const fill = parse(style.fill);
      if (!fill) continue;
      const needed = parseFloat(style.fontSize) >= 24 ? 3 : 4.5;
      const measured = ratio(over(fill, background), background);
      if (measured < needed) problems.push(`"${text.textContent.trim().slice(0, 30)}" ${measured.toFixed(2)}:1 (fill ${style.fill} on rgb(${background.slice(0, 3).map(Math.round).join(', ')}))`);
    }
    return problems;
  });
  return low.map((problem) => `${where}: chart text contrast ${problem}`);
}

/**
 * The focused element and its focus ring: the outline's contrast against what is around it
 * (WCAG 1.4.11 asks 3:1), or 0 when it draws none.
 */
export async function focusedElement(page: Page): Promise<{ name: string; ring: number; edge: number | null }> {
  await installColourMath(page);
  return page.evaluate(() => {
    const { parse, ratio, backgroundOf } = (window as unknown as { colourMath: ColourMath }).colourMath;
    const element = document.activeElement;
    if (!element || element === document.body) return { name: 'body', ring: 0, edge: null };
    const label = element.getAttribute('aria-label') ?? (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60);
    // A disabled control still holds focus for a moment before the browser drops it to <body>.
    const name = `${element.matches(':disabled') ? 'disabled ' : ''}${element.tagName.toLowerCase()} "${label}"`;
    const style = getComputedStyle(element);
    const around = backgroundOf(element.parentElement ?? element);
    // A form field is a box drawn by its border: that edge needs 3:1 too, or an empty field is invisible.
    const field = element.matches('input:not([type=checkbox], [type=radio], [type=range]), select, textarea');
    const border = parse(style.borderTopColor);
    const edge = field && border && parseFloat(style.borderTopWidth) > 0 ? Math.max(ratio(border, around), ratio(border, backgroundOf(element))) : null;
    const outline = parse(style.outlineColor);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 || !outline) return { name, ring: 0, edge };
    return { name, ring: ratio(outline, around), edge };
  });
}


/**
 * Content wider than the box it is in, outside the boxes that are meant to scroll sideways
 * (tables, code, a form field's own text): text that spills over its neighbours, is cut off, or
 * has to be scrolled sideways to be read, which WCAG 1.4.10 (reflow) rules out at 320 px.
 * One line per box: its tag, id and classes, how wide its content is, how wide the box, its text.
 */
export async function spilledContent(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const box of document.querySelectorAll('body *')) {
      if (!(box instanceof HTMLElement) || box.closest('table, pre, textarea, select, input, .visually-hidden, [hidden]')) continue;
      const style = getComputedStyle(box);
      // An inline box has no width of its own; its block does, and is checked instead.
      if (style.display === 'inline' || style.display === 'none' || style.display === 'contents' || box.clientWidth === 0) continue;
      if (box.scrollWidth <= box.clientWidth + 1 || box.querySelector('table, pre')) continue;
      const name = `${box.tagName.toLowerCase()}${box.id ? `#${box.id}` : ''}${[...box.classList].filter((c) => !c.startsWith('svelte-')).map((c) => `.${c}`).join('')}`;
      const text = (box.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50);
      found.push(`${name} (overflow-x ${style.overflowX}): ${box.scrollWidth}px of content in ${box.clientWidth}px, "${text}"`);
    }
    return found;
  });
}
