/**
 * The pages, as data. Each page is loaded on first visit, so heavy pages (the model runner with
 * WebLLM, the sandbox with Pyodide) stay out of the bundle that draws the home page.
 */
import type { Component } from 'svelte';

/** What every page receives: the query part of its hash (`#/playground?problem=HumanEval/3`). */
export interface PageProps {
  query?: URLSearchParams;
}

type PageModule = { default: Component<PageProps> };

/**
 * Pages that ignore the query declare no props, and Svelte drops props a component does not
 * declare, so any page module can stand where a PageProps page is expected.
 */
const page = (load: () => Promise<{ default: Component<never> }>) => load as unknown as () => Promise<PageModule>;

export interface RouteDefinition {
  /** The hash path without `#/`; '' is the home page. */
  path: string;
  /** The navigation link's text, and the page's name unless `heading` gives a longer one. */
  title: string;
  /**
   * The page's h1 where it is longer than the link (the link row has little room): the document
   * title and the name announced after a navigation use it, so they say what the heading says.
   */
  heading?: string;
  /** Whether the header navigation links to it. */
  inNav: boolean;
  /**
   * The page fills the whole window itself (the presenter, on a projector): the shell's header,
   * skip link and footer are not drawn, so keyboard and screen-reader users do not land on
   * links hidden under it.
   */
  fullWindow?: boolean;
  /**
   * The page reads its query once, when it opens, and afterwards writes the address itself
   * without telling the router. A new address for it (a second link clicked or pasted while it
   * is open, or Back to an earlier one) therefore opens the page afresh, instead of being ignored.
   */
  readsLinkOnce?: boolean;
  load: () => Promise<PageModule>;
}

export const ROUTES: readonly RouteDefinition[] = [
  { path: '', title: 'Home', inNav: false, load: page(() => import('./pages/HomePage.svelte')) },
  { path: 'score', title: 'Scoring', inNav: true, load: page(() => import('./pages/ScorePage.svelte')) },
  { path: 'playground', title: 'Playground', inNav: true, load: page(() => import('./pages/PlaygroundPage.svelte')) },
  { path: 'models', title: 'Models', inNav: true, load: page(() => import('./pages/ModelsPage.svelte')) },
  { path: 'study', title: 'Study', inNav: true, load: page(() => import('./pages/StudyPage.svelte')) },
  { path: 'search', title: 'Search', inNav: true, load: page(() => import('./pages/SearchPage.svelte')) },
  { path: 'results', title: 'Results', inNav: true, load: page(() => import('./pages/ResultsPage.svelte')) },
  { path: 'reproduce', title: 'Reproduce', heading: 'Reproduce the paper', inNav: true, load: page(() => import('./pages/ReproducePage.svelte')) },
  { path: 'presenter', title: 'Presenter', inNav: true, fullWindow: true, readsLinkOnce: true, load: page(() => import('./pages/PresenterPage.svelte')) },
];

export const NOT_FOUND: RouteDefinition = {
  path: '*',
  title: 'Page not found',
  inNav: false,
  load: page(() => import('./pages/NotFoundPage.svelte')),
};

export interface Location {
  path: string;
  query: URLSearchParams;
}

/** Reads `#/score?x=1` as path `score` and its query. Anything not starting with `#/` is home. */
export function parseHash(hash: string): Location {
  if (!hash.startsWith('#/')) return { path: '', query: new URLSearchParams() };
  const rest = hash.slice(2);
  const at = rest.indexOf('?');
  const rawPath = at === -1 ? rest : rest.slice(0, at);
  const path = decodeURIComponent(rawPath).replace(/\/+$/, '');
  return { path, query: new URLSearchParams(at === -1 ? '' : rest.slice(at + 1)) };
}

export function findRoute(path: string, routes: readonly RouteDefinition[] = ROUTES): RouteDefinition {
  return routes.find((route) => route.path === path) ?? NOT_FOUND;
}

/** The href for a page, for links and for code that navigates. */
export function hrefFor(path: string, query?: Record<string, string>): string {
  const search = query ? new URLSearchParams(query).toString() : '';
  return `#/${path}${search ? `?${search}` : ''}`;
}

/** The page's name, as its h1 gives it. */
export function pageName(route: RouteDefinition): string {
  return route.heading ?? route.title;
}

/** The document title: the home page's is the app's name, every other one leads with the page's. */
export function documentTitle(route: RouteDefinition): string {
  return route.path === '' ? 'Feedback Lab' : `${pageName(route)} · Feedback Lab`;
}
