/** A stand-in for the Web Locks API, for tests of the run locks and the libraries that claim them. */
import type { LockManagerLike } from '../../../src/ui/shared/run-locks.ts';

/** Web Locks as every tab of one origin sees them: exclusive, `ifAvailable` answers null instead of waiting. */
export function originLocks(): LockManagerLike {
  const held = new Set<string>();
  return {
    async request(name, _options, callback) {
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        await callback({ name });
      } finally {
        held.delete(name);
      }
    },
    async query() {
      return { held: [...held].map((name) => ({ name })) };
    },
  };
}
