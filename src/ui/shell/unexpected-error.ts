/**
 * Errors nothing in the app caught, once it is on screen: a rejected promise of a button's handler,
 * an exception in a timer. A page boundary catches what breaks while drawing a page; these reach
 * only the console, and the user saw a button that did nothing (audit R205). What to say of one,
 * or null for those that are not news: an abort is how work is cancelled on purpose, Chromium's
 * ResizeObserver loop report is harmless, and "Script error." is another origin's script, which
 * says nothing more.
 */

/** The longest message quoted: a stack or a dumped object can run to pages. */
const MESSAGE_MAX = 300;

/** What an `error` event's error or an `unhandledrejection`'s reason says, or null when it is no news. */
export function unexpectedErrorMessage(reason: unknown, fallbackMessage = ''): string | null {
  const named = reason !== null && typeof reason === 'object' ? (reason as { name?: unknown; message?: unknown }) : null;
  if (named?.name === 'AbortError' || named?.name === 'TimeoutError') return null;
  const message = typeof named?.message === 'string' ? named.message : reason === undefined || reason === null ? fallbackMessage : String(reason);
  const text = message.replace(/\s+/g, ' ').trim();
  // An error thrown without words still happened: its kind is what there is to say.
  if (text === '' && typeof named?.name === 'string' && named.name !== '') return named.name;
  if (text === '' || text === 'Script error.' || /^ResizeObserver loop/.test(text)) return null;
  const name = typeof named?.name === 'string' && named.name !== 'Error' && !text.startsWith(named.name) ? `${named.name}: ` : '';
  const whole = `${name}${text}`;
  return whole.length > MESSAGE_MAX ? `${whole.slice(0, MESSAGE_MAX - 1)}…` : whole;
}

/** The notice's lines: one per distinct message, with how often it came, newest last, at most `keep`. */
export interface SeenError {
  message: string;
  times: number;
}

export function noteError(seen: readonly SeenError[], message: string, keep = 3): SeenError[] {
  const earlier = seen.find((entry) => entry.message === message);
  const rest = seen.filter((entry) => entry !== earlier);
  return [...rest, { message, times: (earlier?.times ?? 0) + 1 }].slice(-keep);
}
