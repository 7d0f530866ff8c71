/**
 * The stage's boxes (code, tests, traceback, diff, a reply) scroll when what they hold is taller
 * than the room the scene gives them, and only then have anything to do with the keyboard. A box
 * is a Tab stop while its content overflows and none while it fits, so Tab does not wade through
 * five boxes on a scene where everything shows. Whether it overflows changes with the scene's
 * text (a reply streaming in), the window, the browser's zoom and the presenter's own type size:
 * the box and its children are watched for size, and the box for children coming and going.
 *
 * A focused box that stops overflowing (the type made smaller under it) keeps focus, out of the
 * Tab order (tabindex -1: the show's keys are the show's again there), until focus leaves it.
 */

interface Stop {
  node: HTMLElement;
  /** Last state applied; null before the first measurement. */
  scrolls: boolean | null;
}

/**
 * Each observed element (a box or one of its direct children) → the stops it tells about: a box
 * can be the child of another (the code in a side of the briefing that scrolls as a whole).
 */
const stops = new Map<Element, Set<Stop>>();
let resizes: ResizeObserver | null = null;

/** Whether the box's content is larger than the box: it scrolls. */
export function overflows(node: HTMLElement): boolean {
  return node.scrollHeight > node.clientHeight + 1 || node.scrollWidth > node.clientWidth + 1;
}

/** Makes `node` a Tab stop or none, as it `scrolls` or not, without taking focus away from it. */
export function applyScrollStop(node: HTMLElement, scrolls: boolean): void {
  if (scrolls) node.tabIndex = 0;
  else if (node.ownerDocument.activeElement === node) node.tabIndex = -1;
  else node.removeAttribute('tabindex');
}

function settle(stop: Stop, scrolls: boolean): void {
  if (stop.scrolls === scrolls) return;
  stop.scrolls = scrolls;
  applyScrollStop(stop.node, scrolls);
}

function measureAll(entries: readonly ResizeObserverEntry[]): void {
  const touched = new Set<Stop>();
  for (const entry of entries) for (const stop of stops.get(entry.target) ?? []) touched.add(stop);
  // Every read before any write: a write between two reads lays the stage out again.
  const measured = [...touched].map((stop) => [stop, overflows(stop.node)] as const);
  for (const [stop, scrolls] of measured) settle(stop, scrolls);
}

/** Svelte action: the box is a Tab stop exactly while it scrolls. */
export function scrollStop(node: HTMLElement): { destroy(): void } {
  const stop: Stop = { node, scrolls: null };
  resizes ??= new ResizeObserver(measureAll);
  const observer = resizes;
  const watched = new Set<Element>();
  const watch = (element: Element) => {
    const told = stops.get(element) ?? new Set<Stop>();
    if (told.size === 0) observer.observe(element);
    told.add(stop);
    stops.set(element, told);
    watched.add(element);
  };
  const unwatch = (element: Element) => {
    const told = stops.get(element);
    if (!told?.delete(stop)) return;
    watched.delete(element);
    if (told.size > 0) return;
    stops.delete(element);
    observer.unobserve(element);
  };
  watch(node);
  for (const child of node.children) watch(child);
  // Lines of a streaming reply arrive as new children: each is watched, so the box hears when
  // its content outgrows it even after the box itself has stopped growing.
  const children = new MutationObserver((records) => {
    for (const record of records) {
      for (const added of record.addedNodes) if (added instanceof Element && added.parentElement === node) watch(added);
      for (const removed of record.removedNodes) if (removed instanceof Element) unwatch(removed);
    }
  });
  children.observe(node, { childList: true });
  // Kept focusable only for as long as focus stayed on it: once it leaves, a box that fits is no stop.
  const onFocusOut = (event: FocusEvent) => {
    if (event.target === node && stop.scrolls === false) node.removeAttribute('tabindex');
  };
  node.addEventListener('focusout', onFocusOut);
  return {
    destroy() {
      children.disconnect();
      node.removeEventListener('focusout', onFocusOut);
      for (const element of [...watched]) unwatch(element);
    },
  };
}
