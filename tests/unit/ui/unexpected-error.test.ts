/**
 * An error nothing in the app handled, once it is on screen, is shown to the user (audit R205): a
 * button whose handler threw looked as if it did nothing. Cancelling on purpose is not news.
 */
import { describe, expect, it } from 'vitest';
import { noteError, unexpectedErrorMessage } from '../../../src/ui/shell/unexpected-error.ts';

describe('what the unexpected-error notice says', () => {
  it('quotes an error with its kind, and a thrown string as it is', () => {
    expect(unexpectedErrorMessage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      "TypeError: Cannot read properties of undefined (reading 'id')",
    );
    expect(unexpectedErrorMessage(new Error('the store is closed'))).toBe('the store is closed');
    expect(unexpectedErrorMessage('no worker')).toBe('no worker');
    expect(unexpectedErrorMessage(undefined, 'Uncaught RangeError: bad length')).toBe('Uncaught RangeError: bad length');
    expect(unexpectedErrorMessage(new RangeError(' '))).toBe('RangeError');
  });

  it('says nothing of work cancelled on purpose, a harmless ResizeObserver report or another origin’s script', () => {
    expect(unexpectedErrorMessage(new DOMException('The operation was aborted.', 'AbortError'))).toBeNull();
    expect(unexpectedErrorMessage(new DOMException('signal timed out', 'TimeoutError'))).toBeNull();
    expect(unexpectedErrorMessage(null, 'ResizeObserver loop completed with undelivered notifications.')).toBeNull();
    expect(unexpectedErrorMessage(null, 'Script error.')).toBeNull();
    expect(unexpectedErrorMessage(undefined, '')).toBeNull();
  });

  it('keeps a long message to one screen, on one line', () => {
    const message = unexpectedErrorMessage(new Error(`bad\n\n${'x'.repeat(1000)}`))!;
    expect(message.length).toBe(300);
    expect(message).toMatch(/^bad x+…$/);
  });

  it('counts a message that comes again instead of listing it twice, and keeps the last three', () => {
    let seen = noteError([], 'a');
    seen = noteError(seen, 'b');
    seen = noteError(seen, 'a');
    expect(seen).toEqual([
      { message: 'b', times: 1 },
      { message: 'a', times: 2 },
    ]);
    for (const m of ['c', 'd', 'e']) seen = noteError(seen, m);
    expect(seen.map((entry) => entry.message)).toEqual(['c', 'd', 'e']);
  });
});
