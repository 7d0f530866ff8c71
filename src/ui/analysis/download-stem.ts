/**
 * What a page's downloads are named after. The Results page names every table and chart it
 * offers after the studies open (`feedback-lab-<study>-<tag>-…`), so the same table or figure
 * of two reports gets two names; tables and charts sit several components deep inside a report,
 * so the stem travels by context rather than through every component between. Pages that
 * provide none (Reproduce, Search) keep the plain table and figure ids.
 */
import { getContext, setContext } from 'svelte';

const KEY = Symbol('download-stem');

/** Called while the page initialises; `stem` is read at each download, so it follows the files open. */
export function provideDownloadStem(stem: () => string): void {
  setContext(KEY, stem);
}

/** Called while a component initialises: turns an id into the download name, without extension. */
export function downloadNamer(): (id: string) => string {
  const stem = getContext<(() => string) | undefined>(KEY);
  return (id) => {
    const prefix = stem?.() ?? '';
    return prefix === '' ? id : `${prefix}-${id}`;
  };
}
