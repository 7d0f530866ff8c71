/** The presenter's stage as the browser tests read it: the scene on show and waiting for one. */
import type { Locator, Page } from 'playwright-core';

/** The scene on stage. */
export const scene = (page: Page): Locator => page.locator('article.scene');

/** Waits until the scene on stage is of `kind` (problem, generation, execution, …). */
export async function waitForScene(page: Page, kind: string, timeout = 30_000): Promise<void> {
  await page.locator(`article.scene[data-scene="${kind}"]`).waitFor({ timeout });
}

/**
 * Tab stops on the stage that do not match what their box does: a box (or the scene) that is a
 * Tab stop while it fits (Tab wades through it for nothing), or one that scrolls and the keyboard
 * cannot reach. Read after two frames, once the boxes' size observer has run.
 */
export async function stageStopsOutOfStep(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const boxes = [...document.querySelectorAll<HTMLElement>('.stage [data-box], .stage article.scene')];
    return boxes.flatMap((box) => {
      const scrolls = box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
      const stop = box.getAttribute('tabindex') === '0';
      if (scrolls === stop) return [];
      const name = box.getAttribute('aria-label') ?? box.tagName.toLowerCase();
      return [`${name}: ${scrolls ? 'scrolls but is no Tab stop' : 'a Tab stop that does not scroll'}`];
    });
  });
}

/**
 * Code boxes on stage squeezed below a readable height: showing fewer than `lines` lines (or all
 * of them, if fewer) at once, while the rest of the code has to be scrolled to inside the box.
 */
export async function squeezedCode(page: Page, lines = 8): Promise<string[]> {
  return page.locator('article.scene pre.code').evaluateAll(
    (boxes, wanted) =>
      boxes.flatMap((box) => {
        const lineHeight = parseFloat(getComputedStyle(box).lineHeight);
        const total = box.querySelectorAll('.line').length;
        const shown = Math.floor((box.clientHeight + 1) / lineHeight);
        if (box.scrollHeight <= box.clientHeight + 1 || shown >= Math.min(total, wanted)) return [];
        return [`${box.getAttribute('aria-label')}: ${shown} of ${total} lines show`];
      }),
    lines,
  );
}

/**
 * Where the execution scene's banner (its verdict) stands against the part of the scene on show:
 * empty when all of it is in view, else how far it is off.
 */
export async function bannerOutOfView(page: Page): Promise<string> {
  return scene(page).evaluate((article) => {
    const banner = article.querySelector('.banner')?.getBoundingClientRect();
    if (!banner) return 'no banner';
    const shown = article.getBoundingClientRect();
    if (banner.top >= shown.top - 1 && banner.bottom <= shown.bottom + 1) return '';
    return `banner at ${Math.round(banner.top)}–${Math.round(banner.bottom)}px, the scene shows ${Math.round(shown.top)}–${Math.round(shown.bottom)}px`;
  });
}
