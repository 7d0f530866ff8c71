/** The presenter's stage as the browser tests read it: the scene on show and waiting for one. */
import type { Locator, Page } from 'playwright-core';

/** The scene on stage. */
export const scene = (page: Page): Locator => page.locator('article.scene');

/** Waits until the scene on stage is of `kind` (problem, generation, execution, …). */
export async function waitForScene(page: Page, kind: string, timeout = 30_000): Promise<void> {
  await page.locator(`article.scene[data-scene="${kind}"]`).waitFor({ timeout });
}
