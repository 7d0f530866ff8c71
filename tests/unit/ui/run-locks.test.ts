import { describe, expect, it } from 'vitest';
import { runLocks, type LockManagerLike } from '../../../src/ui/shared/run-locks.ts';

/** Web Locks as one origin sees them: exclusive, `ifAvailable` answers null instead of waiting. */
function originLocks(): LockManagerLike {
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

describe('run locks', () => {
  it('lets one tab hold a study while another is told it runs elsewhere, and frees it on release', async () => {
    const origin = originLocks();
    const studies = runLocks('feedback-lab:study:', () => origin);
    const release = await studies.claim('s1');
    expect(release).not.toBeNull();
    expect(await studies.claim('s1')).toBeNull();
    expect(await studies.heldAnywhere()).toEqual(new Set(['s1']));
    await release!();
    expect(await studies.heldAnywhere()).toEqual(new Set());
    expect(await studies.claim('s1')).not.toBeNull();
  });

  it('keeps studies and searches apart even when their ids are equal', async () => {
    const origin = originLocks();
    const studies = runLocks('feedback-lab:study:', () => origin);
    const searches = runLocks('feedback-lab:search:', () => origin);
    await studies.claim('same-id');
    expect(await searches.heldAnywhere()).toEqual(new Set());
    expect(await searches.claim('same-id')).not.toBeNull();
  });

  it('grants every claim where the browser has no Web Locks', async () => {
    const locks = runLocks('feedback-lab:study:', () => undefined);
    expect(await locks.claim('s1')).not.toBeNull();
    expect(await locks.claim('s1')).not.toBeNull();
    expect(await locks.heldAnywhere()).toEqual(new Set());
  });
});
