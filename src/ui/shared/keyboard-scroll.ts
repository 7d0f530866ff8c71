/**
 * A box that scrolls (a wide table in an 800-px window, on a projector) can be scrolled from the
 * keyboard only once it can take focus, and some browsers (Safari) do not make a scroller focusable
 * by themselves. This action makes the box a named tab stop while its content overflows, and
 * nothing at all while it fits, so a page of tables that fit gains no extra Tab stops.
 */
export function scrollableByKeyboard(node: HTMLElement, label: string): { update(label: string): void; destroy(): void } {
  const update = () => {
    const overflows = node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1;
    if (overflows) {
      node.tabIndex = 0;
      node.setAttribute('role', 'region');
      node.setAttribute('aria-label', label);
    } else {
      node.removeAttribute('tabindex');
      node.removeAttribute('role');
      node.removeAttribute('aria-label');
    }
  };
  // The box resizes with the window; its content (the table) with its rows.
  const observer = new ResizeObserver(update);
  observer.observe(node);
  for (const child of node.children) observer.observe(child);
  update();
  return {
    update(next: string) {
      label = next;
      update();
    },
    destroy() {
      observer.disconnect();
    },
  };
}
