/**
 * Where keyboard focus was, over the seconds a run takes to start: every element that held it, in
 * order (each once while it held it), read every 50 ms and at every focus change. Focus that fell
 * to <body> for those seconds (Python starting) shows up as '<body>' — a screen reader went quiet
 * and the next Tab started from the top of the page.
 */
import type { Page } from 'playwright-core';

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
