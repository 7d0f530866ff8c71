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
