/**
 * A presenter who tabbed into the code and presses → sees the next scene replace the box they
 * were in: the browser drops focus to <body>, a screen reader goes quiet and the next Tab starts
 * at the toolbar again. The stage keeps focus where it makes sense instead: on the box of the
 * same name in the new scene (the tests stay the tests), else one of the same kind (the code
 * under test becomes the code the refiner was shown, then its diff, then the final code), as
 * long as it scrolls (a Tab stop); else on the scene's heading, which a screen reader reads out.
 * Only when focus was on the stage and went away with it: focus on the toolbar, or put nowhere
 * by a click on the text, stays where it is.
 */
import { focusWasLost } from '../shared/focus-rescue.ts';
import { applyScrollStop, overflows } from './scroll-stop.ts';

/** What a box on stage is, to find its like in another scene. */
export interface BoxMark {
  /** What the box holds: `data-box` of its element ('code', 'tests', 'traceback', 'text'). */
  kind: string;
  /** Its accessible name ("Code under test"). */
  label: string;
}

export interface Candidate<T> extends BoxMark {
  /** Whether it scrolls (it is a Tab stop); one that does not is no place for focus. */
  scrolls: boolean;
  item: T;
}

/** The box in the new scene that takes over from `lost`, or null: the same name first, then the same kind. */
export function successor<T>(lost: BoxMark, candidates: readonly Candidate<T>[]): T | null {
  const open = candidates.filter((c) => c.scrolls);
  return (open.find((c) => c.label === lost.label) ?? open.find((c) => c.kind === lost.kind))?.item ?? null;
}

function markOf(element: Element): BoxMark | null {
  const box = element.closest<HTMLElement>('[data-box]');
  if (!box) return null;
  return { kind: box.dataset.box ?? '', label: box.getAttribute('aria-label') ?? '' };
}

/** Where focus goes on the stage once the box it was in has gone. */
function newHome(stage: HTMLElement, lost: BoxMark | null): HTMLElement {
  if (lost) {
    // The boxes were drawn a moment ago: their size observer has not run yet, so measure here.
    const candidates = [...stage.querySelectorAll<HTMLElement>('[data-box]')].map((item) => ({
      item,
      kind: item.dataset.box ?? '',
      label: item.getAttribute('aria-label') ?? '',
      scrolls: overflows(item),
    }));
    const box = successor(lost, candidates);
    if (box) {
      applyScrollStop(box, true);
      return box;
    }
  }
  const heading = stage.querySelector<HTMLElement>('h2') ?? stage;
  // Focusable from here, not by Tab: a heading is no control.
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}

/**
 * Where focus goes back to when a dialog over the presenter (the keyboard help) closes: to
 * `before`, the element that had it when the dialog opened, if that is still there. A box on
 * stage that came to fit meanwhile (the window resized) lost its place in the Tab order when
 * focus left it for the dialog: it takes focus again out of that order, as it would have kept it.
 * When `before` has gone (a live run's scene changed, or its failure took the stage): its like on
 * the new stage, else the scene's heading; with no stage (the setup), `otherwise`. Focus that was
 * nowhere when the dialog opened stays nowhere. Returns the element focused, or null.
 */
export function returnFocus(before: Element | null, stage: HTMLElement | null, otherwise: HTMLElement | null): HTMLElement | null {
  const doc = (stage ?? otherwise ?? before)?.ownerDocument;
  if (!doc || !(before instanceof HTMLElement) || before === doc.body || before === doc.documentElement) return null;
  if (before.isConnected) {
    if (before.hasAttribute('data-box') && stage?.contains(before) && !before.hasAttribute('tabindex')) before.tabIndex = -1;
    before.focus();
    if (doc.activeElement === before) return before;
  }
  const home = stage ? newHome(stage, markOf(before)) : otherwise;
  home?.focus();
  return home !== null && doc.activeElement === home ? home : null;
}

/** Svelte action on the stage: keeps focus on it when the scene under a focused box changes. */
export function keepStageFocus(stage: HTMLElement): { destroy(): void } {
  const doc = stage.ownerDocument;
  /** Whether focus was last on the stage, and in which box (null: on the stage, in none). */
  let onStage = false;
  let lastBox: BoxMark | null = null;
  const onFocusIn = (event: FocusEvent) => {
    const target = event.target;
    onStage = target instanceof Element && stage.contains(target);
    lastBox = onStage ? markOf(target as Element) : null;
  };
  doc.addEventListener('focusin', onFocusIn);
  // After Svelte has drawn the new scene (the records come once its update is done).
  const changes = new MutationObserver(() => {
    if (!onStage || !focusWasLost(doc)) return;
    newHome(stage, lastBox).focus();
  });
  changes.observe(stage, { childList: true, subtree: true });
  return {
    destroy() {
      changes.disconnect();
      doc.removeEventListener('focusin', onFocusIn);
    },
  };
}
