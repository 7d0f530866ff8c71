/**
 * Where keyboard focus was, over the seconds a run takes to start: every element that held it, in
 * order (each once while it held it), read every 50 ms and at every focus change. Focus that fell
 * to <body> for those seconds (Python starting) shows up as '<body>' — a screen reader went quiet
 * and the next Tab started from the top of the page.
 */
import type { Locator, Page } from 'playwright-core';

export interface FocusTrail {
  /** Stops recording and gives the trail: 'button: Resuming… (aria-disabled)', '<body>', 'button: Pause'… */
  stop(): Promise<string[]>;
}

export async function recordFocusTrail(page: Page): Promise<FocusTrail> {
  await page.evaluate(() => {
    const trail: string[] = [];
    const describe = () => {
      const element = document.activeElement;
      if (!element || element === document.body || element === document.documentElement) return '<body>';
      const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim();
      return `${element.tagName.toLowerCase()}: ${text}${element.getAttribute('aria-disabled') === 'true' ? ' (aria-disabled)' : ''}`;
    };
    const note = () => {
      const now = describe();
      if (trail.at(-1) !== now) trail.push(now);
    };
    note();
    const timer = window.setInterval(note, 50);
    const onFocus = () => note();
    document.addEventListener('focusin', onFocus);
    (window as unknown as { __focusTrail: () => string[] }).__focusTrail = () => {
      clearInterval(timer);
      document.removeEventListener('focusin', onFocus);
      note();
      return trail;
    };
  });
  return { stop: () => page.evaluate(() => (window as unknown as { __focusTrail: () => string[] }).__focusTrail()) };
}

/**
 * Presses `button` by keyboard, with focus recorded from just before, and waits for the run it
 * starts to be running (Python started); the trail goes on until stopped.
 */
export async function pressStartByKeyboard(page: Page, button: Locator): Promise<FocusTrail> {
  await button.focus();
  const trail = await recordFocusTrail(page);
  await page.keyboard.press('Enter');
  await page.locator('.run .phase', { hasText: /^Running$/ }).waitFor({ timeout: 60_000 });
  return trail;
}
