import { describe, expect, it } from 'vitest';
import { runLocks } from '../../../src/ui/shared/run-locks.ts';
import { originLocks } from './origin-locks.ts';

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
