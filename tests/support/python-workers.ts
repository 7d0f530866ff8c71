/**
 * The Study and Search forms' "Python workers" field, set as a user sets it: typed, then left.
 * Each worker is a Pyodide start, 3–5 s of a core
 * on the CI machine, and a page starts all of them before its first model call: a test that is
 * not about running programs side by side asks for one (docs/performance.md, "CI time").
 */
import type { Locator, Page } from 'playwright-core';

/** Sets the field to `count` in `scope` (a page, or the form that holds the field) and waits until it shows it. */
export async function setPythonWorkers(scope: Page | Locator, count: number): Promise<void> {
  const field = scope.getByLabel(/^Python workers/);
  await field.fill(String(count));
  await field.blur();
  // A count this machine cannot run is refused at the field (9 where 2 is the most): it must be one it runs.
  if ((await field.getAttribute('aria-invalid')) === 'true') throw new Error(`The Python workers field refuses ${count}.`);
}
