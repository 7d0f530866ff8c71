/**
 * Keyboard focus on a control that a run then disables or removes (Run while it runs, Pause once
 * it turns into Resume, Cancel at the end) falls to <body>: a screen reader goes quiet and the next
 * Tab starts again from the top of the page. After such a change, the page moves focus to the
 * control or heading that took that control's place — only when focus was lost, never away from
 * somewhere the user put it.
 */

/** Whether the focused element is gone, disabled, or focus is nowhere in particular. */
export function focusWasLost(doc: Document = document): boolean {
  const active = doc.activeElement;
  if (active === null || active === doc.body || active === doc.documentElement) return true;
  if (!active.isConnected) return true;
  return active.matches(':disabled');
}

/** Focuses `target` if focus was lost; returns whether it did. */
export function rescueFocus(target: HTMLElement | null | undefined): boolean {
  if (!target || !focusWasLost(target.ownerDocument)) return false;
  target.focus();
  return true;
}

/** The first enabled button inside `container`, else `fallback`: where focus goes in a run panel. */
export function firstEnabledButton(container: HTMLElement | undefined): HTMLButtonElement | null {
  return container?.querySelector<HTMLButtonElement>('button:not(:disabled)') ?? null;
}
