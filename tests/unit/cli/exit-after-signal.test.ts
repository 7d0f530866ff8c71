/** A command stopped by a signal exits as shells report a process that signal ended. */
import { describe, expect, it } from 'vitest';
import { exitAfterSignal } from '../../../cli/usage-error.ts';

describe('exitAfterSignal', () => {
  it('is 128 + the signal number: 130 after Ctrl+C, 143 after SIGTERM, 129 after a closed terminal', () => {
    expect(exitAfterSignal('SIGINT')).toBe(130);
    expect(exitAfterSignal('SIGTERM')).toBe(143);
    expect(exitAfterSignal('SIGHUP')).toBe(129);
  });
});
