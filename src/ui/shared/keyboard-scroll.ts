/**
 * A box that scrolls (a wide table in an 800-px window, on a projector) can be scrolled from the
 * keyboard only once it can take focus, and some browsers (Safari) do not make a scroller focusable
 * by themselves. This action makes the box a named tab stop while its content overflows, and
 * nothing at all while it fits, so a page of tables that fit gains no extra Tab stops.
 *
 * Whether a box overflows is a layout question. Asking it of each box as it was mounted forced a
 * layout per table: a Results report of a big study (dozens of tables drawn in one task) spent
 * ~140 ms of its ~770 ms on them under load. One ResizeObserver for every box answers instead: it
 * reports each box once it has been laid out (and again when it or its table resizes), all in one
 * callback, where every box is measured before any is changed.
 */

interface Box {
  node: HTMLElement;
  label: string;
  /** Last state applied; null before the first measurement. */
  overflowing: boolean | null;
}

/** Each observed element (the box and its direct children) → its box. */
const boxes = new Map<Element, Box>();
let observer: ResizeObserver | null = null;

function apply(box: Box, overflowing: boolean): void {
  box.overflowing = overflowing;
  const { node } = box;
  if (overflowing) {
    node.tabIndex = 0;
    node.setAttribute('role', 'region');
    node.setAttribute('aria-label', box.label);
  } else {
    node.removeAttribute('tabindex');
    node.removeAttribute('role');
    node.removeAttribute('aria-label');
  }
}

function measureAll(entries: readonly ResizeObserverEntry[]): void {
  const touched = new Set<Box>();
  for (const entry of entries) {
    const box = boxes.get(entry.target);
    if (box) touched.add(box);
  }
  // Every read first, then every write: a write between two reads would make the second lay out again.
  const measured = [...touched].map((box) => {
    const { node } = box;
    return { box, overflowing: node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1 };
  });
  for (const { box, overflowing } of measured) if (box.overflowing !== overflowing) apply(box, overflowing);
}

export function scrollableByKeyboard(node: HTMLElement, label: string): { update(label: string): void; destroy(): void } {
  const box: Box = { node, label, overflowing: null };
  observer ??= new ResizeObserver(measureAll);
  // The box resizes with the window; its content (the table) with its rows.
  const watched = [node, ...node.children];
  for (const element of watched) {
    boxes.set(element, box);
    observer.observe(element);
  }
  return {
    update(next: string) {
      box.label = next;
      if (box.overflowing) node.setAttribute('aria-label', next);
    },
    destroy() {
      for (const element of watched) {
        if (boxes.get(element) === box) boxes.delete(element);
        observer?.unobserve(element);
      }
    },
  };
}
