/**
 * A hash router: the page is whatever `location.hash` names, so the app works from any static
 * host and from a file of links without server rewrites.
 */
import { findRoute, parseHash, type Location, type RouteDefinition } from './routes.ts';

export class HashRouter {
  location = $state<Location>(parseHash(globalThis.location?.hash ?? ''));
  route: RouteDefinition = $derived(findRoute(this.location.path));

  /** Follows the address bar from now on; returns a stop function. */
  attach(): () => void {
    const onHashChange = () => {
      // In-page anchors (`#main`) are not routes: keep the current page.
      if (location.hash === '' || location.hash.startsWith('#/')) this.location = parseHash(location.hash);
    };
    addEventListener('hashchange', onHashChange);
    onHashChange();
    return () => removeEventListener('hashchange', onHashChange);
  }

  go(href: string): void {
    location.hash = href.startsWith('#') ? href.slice(1) : href;
  }
}

/**
 * Writes a state of the current page into the address without leaving it: `push` makes it a step
 * Back returns from (choosing a problem), `replace` updates the step the reader is on (typing a
 * filter). The router follows, so the page's `query` says what the address says.
 */
export function writeAddress(href: string, mode: 'push' | 'replace'): void {
  const hash = href.startsWith('#') ? href : `#${href}`;
  if (location.hash === hash) return;
  if (mode === 'push') history.pushState(history.state, '', hash);
  else history.replaceState(history.state, '', hash);
  dispatchEvent(new HashChangeEvent('hashchange'));
}
