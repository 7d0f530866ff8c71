/** The presenter's keyboard: one key per action, the same in every show. */

export type PresenterAction = 'toggle-pause' | 'next' | 'previous' | 'restart' | 'fullscreen' | 'bigger' | 'smaller' | 'blank' | 'help' | 'close';

export interface KeyHelp {
  keys: string;
  action: string;
}

export const KEY_HELP: readonly KeyHelp[] = [
  { keys: 'Space', action: 'Pause or resume (step by step: next step). A live model writes on while paused; the screen shows it on resume, or at →' },
  { keys: '→', action: 'Next step (finishes the one playing first)' },
  { keys: '←', action: 'Previous step (a replay pauses there)' },
  { keys: 'R', action: 'Restart from the problem' },
  { keys: 'B or .', action: 'Black screen, paused (any of these keys brings the show back)' },
  { keys: 'F', action: 'Full screen on or off' },
  { keys: '+ / −', action: 'Larger or smaller type' },
  { keys: 'Tab, then ↑ ↓', action: 'Scroll the code, tests or traceback that has focus, when it is too long to show whole (→ and ← still step)' },
  { keys: '?', action: 'This help (a playing show waits while it is open)' },
  { keys: 'Esc', action: 'Close this help, or end the black screen' },
];

/**
 * The action for a key press, or null to let the browser have it: keys with Ctrl, Alt or Meta
 * (Ctrl+R reloads, Ctrl++ zooms) and keys typed into a form field are never taken. Space on a
 * focused control (`onControl`: a button, a link, a disclosure, a scrolling code pane) is that
 * control's: it presses the button or scrolls the pane, as everywhere else, instead of pausing
 * the show, or restarting a finished one under the verdict the room was reading.
 */
export function actionForKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>,
  inField: boolean | 'menu',
  onControl = false,
): PresenterAction | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.key === 'Escape') return 'close';
  // A menu (the speed) keeps ↑, ↓ and its letters, but a clicker's PageDown or → never means
  // "change this menu": with focus left on it after a look, they changed the speed instead of
  // moving the talk on (audit R212-2).
  if (inField === 'menu') return CLICKER_KEYS[event.key] ?? null;
  if (inField) return null;
  switch (event.key) {
    case ' ':
    case 'Spacebar':
      return onControl ? null : 'toggle-pause';
    case 'ArrowRight':
    case 'PageDown':
      return 'next';
    case 'ArrowLeft':
    case 'PageUp':
      return 'previous';
    case 'r':
    case 'R':
      return 'restart';
    case 'f':
    case 'F':
      return 'fullscreen';
    // A clicker's "blank screen" button sends B or a full stop, as slide software expects.
    case 'b':
    case 'B':
    case '.':
      return 'blank';
    case '+':
    case '=':
      return 'bigger';
    case '-':
    case '_':
    case '−':
      return 'smaller';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/**
 * A clicker's "start slideshow" button sends F5 (from the start) or Shift+F5 (from here), as slide
 * software expects: in a browser that reloads the page, and a live show started over with a new
 * reply, its key forgotten (audit R212-3). While a show is on it means full screen instead.
 */
export function isSlideshowKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'altKey' | 'metaKey'>): boolean {
  return event.key === 'F5' && !event.ctrlKey && !event.altKey && !event.metaKey;
}

/** The keys a presentation clicker sends to move on or back. */
const CLICKER_KEYS: Readonly<Record<string, PresenterAction>> = { PageDown: 'next', ArrowRight: 'next', PageUp: 'previous', ArrowLeft: 'previous' };

/**
 * Whether a key event comes from somewhere the user types (so R is a letter there, not restart):
 * true for a text field, 'menu' for a drop-down, which gives up a clicker's keys (actionForKey).
 */
export function isTypingTarget(target: EventTarget | null): boolean | 'menu' {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  if (element.closest('input, textarea') !== null) return true;
  return element.closest('select') !== null ? 'menu' : false;
}

/**
 * Whether a key event comes from an element the user moved focus to (a button, a link, a summary,
 * a code pane Chromium lets Tab reach because it scrolls), as opposed to the page itself: the
 * body, or a region the app focuses only to move the reader there (`tabindex="-1"`, as the app's
 * main region after a navigation).
 */
export function isControlTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element === element.ownerDocument.body || element === element.ownerDocument.documentElement) return false;
  return !(element.hasAttribute('tabindex') && element.tabIndex < 0);
}
