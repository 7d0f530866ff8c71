/** A stand-in for the Web Locks API, for tests of the run locks and the libraries that claim them. */
import type { LockManagerLike } from '../../../src/ui/shared/run-locks.ts';

/**
 * Web Locks as every tab of one origin sees them, exclusive (the default) and shared; a request
 * that cannot be granted at once answers null instead of waiting, as the app's `ifAvailable` asks.
 */
export function originLocks(): LockManagerLike {
  return originLockManager().manager;
}

/**
 * The same, with `forgetTab()`: a tab that crashes or reloads lets go of its locks, so a test gives
 * the reloaded tab a manager over the same names that sees none of them.
 */
export function originLockManager(): { manager: LockManagerLike; forgetTab: () => void } {
  let held = new Map<string, { mode: 'shared' | 'exclusive'; count: number }>();
  const manager: LockManagerLike = {
    async request(name, options, callback) {
      const mode = options.mode ?? 'exclusive';
      const locks = held;
      const current = locks.get(name);
      if (current && (mode === 'exclusive' || current.mode === 'exclusive')) return callback(null);
      const lock = { mode, count: (current?.count ?? 0) + 1 };
      locks.set(name, lock);
      try {
        await callback({ name });
      } finally {
        if (--lock.count === 0) locks.delete(name);
      }
    },
    async query() {
      return { held: [...held.keys()].map((name) => ({ name })) };
    },
  };
  return { manager, forgetTab: () => (held = new Map()) };
}
