/**
 * Keyboard focus on a control that a run then disables or removes (Run while it runs, Pause once
 * it turns into Resume, Cancel at the end) falls to <body>: a screen reader goes quiet and the next
 * Tab starts again from the top of the page. After such a change, the page moves focus to the
 * control or heading that took that control's place — only when it was the user's control that
 * went away, never when the user had put focus nowhere (clicked the page's text) or elsewhere,
 * so a page never jumps to a run panel under someone reading further down.
 */

/** The element that last received focus, until the user moves focus away from it on purpose. */
let lastFocused: Element | null = null;

function trackFocus(doc: Document): void {
  doc.addEventListener('focusin', (event) => {
    lastFocused = event.target instanceof Element ? event.target : null;
  });
  doc.addEventListener('focusout', (event) => {
    const left = event.target;
    if (event.relatedTarget !== null || !(left instanceof Element)) return;
    // Focus sent nowhere while the element stays there and usable: the user's choice (a click on
    // plain text, another window). An element being disabled or removed is not that; Chromium
    // fires this event while removing the element, so look once the removal is done.
    queueMicrotask(() => {
      if (lastFocused === left && left.isConnected && !left.matches(':disabled')) lastFocused = null;
    });
  });
}

if (typeof document !== 'undefined') trackFocus(document);

/** Whether focus is nowhere because the element the user was on went away or was disabled (for a while, as a file input is while it reads). */
export function focusWasLost(doc: Document = document): boolean {
  const active = doc.activeElement;
  const nowhere = active === null || active === doc.body || active === doc.documentElement || !active.isConnected || active.matches(':disabled');
  return nowhere && lastFocused !== null;
}

/** Focuses `target` if focus was lost; returns whether it did. */
export function rescueFocus(target: HTMLElement | null | undefined): boolean {
  if (!target || !focusWasLost(target.ownerDocument)) return false;
  target.focus();
  return true;
}

/** The first enabled button inside `container`: where focus goes in a run panel. */
export function firstEnabledButton(container: HTMLElement | undefined): HTMLButtonElement | null {
  return container?.querySelector<HTMLButtonElement>('button:not(:disabled)') ?? null;
}
