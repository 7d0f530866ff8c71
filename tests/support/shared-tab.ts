/**
 * One app tab for every test of a describe, as a user goes on from one run to the next in the
 * same tab: a page of its own per test costs a page load and the start of its Python workers.
 * Each test still judges only the console errors of its own steps (`errorsOfThisTest`).
 * Registers the describe's beforeAll (open), beforeEach (note the errors so far) and afterAll
 * (close); call it at the top of the describe.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppPage } from './browser.ts';

export interface SharedTab {
  readonly app: AppPage;
  readonly page: Page;
  /** Console errors since the current test began. */
  errorsOfThisTest(): string[];
}

export function sharedTab(open: () => Promise<AppPage>, openTimeoutMs = 60_000): SharedTab {
  let app: AppPage | undefined;
  let errorsBefore = 0;
  const opened = (): AppPage => {
    if (!app) throw new Error('The shared tab is not open: its beforeAll failed.');
    return app;
  };
  beforeAll(async () => {
    app = await open();
  }, openTimeoutMs);
  beforeEach(() => {
    errorsBefore = app?.errors.length ?? 0;
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      return opened();
    },
    get page() {
      return opened().page;
    },
    errorsOfThisTest: () => opened().errors.slice(errorsBefore),
  };
}
