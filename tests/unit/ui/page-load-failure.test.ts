/** A page whose code no longer loads: the tab finds the newer deploy and reloads into it, or offers to. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listText } from '../../../src/core/count-text.ts';
import { DEPLOY_RELOAD_KEY, recoverFromPageLoadFailure, reloadEffects, type PageLoadHost } from '../../../src/ui/shell/page-load-failure.ts';
import { holdTabWork, tabWork } from '../../../src/ui/shell/tab-work.ts';
import { runLocks, type LockManagerLike } from '../../../src/ui/shared/run-locks.ts';

function fakeHost(over: Partial<PageLoadHost> = {}) {
  const items = new Map<string, string>();
  const order: string[] = [];
  const host: PageLoadHost = {
    build: '/assets/index-aaaa.js',
    refreshWorker: async () => void order.push('refresh'),
    newerDeploy: async () => (order.push('compare'), true),
    work: () => [],
    session: { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) },
    reload: vi.fn(),
    ...over,
  };
  return { host, items, order };
}

describe('recovering from a page that did not load', () => {
  it('looks for the newer worker first, then reloads into the newer deploy when the tab holds nothing', async () => {
    const { host, order, items } = fakeHost();
    expect(await recoverFromPageLoadFailure(host)).toEqual({ kind: 'reloading' });
    expect(order).toEqual(['refresh', 'compare']);
    expect(host.reload).toHaveBeenCalledTimes(1);
    expect(items.get(DEPLOY_RELOAD_KEY)).toBe('/assets/index-aaaa.js');
  });

  it('offers the reload instead, naming what it would stop, when a run or scored samples are in this tab', async () => {
    const { host } = fakeHost({ work: () => ['a study running'] });
    expect(await recoverFromPageLoadFailure(host)).toEqual({ kind: 'outdated', work: ['a study running'], reloadedBefore: false });
    expect(host.reload).not.toHaveBeenCalled();
  });

  it('reloads once per build: back on the same build, it offers instead of looping', async () => {
    const { host, items } = fakeHost();
    items.set(DEPLOY_RELOAD_KEY, '/assets/index-aaaa.js');
    expect(await recoverFromPageLoadFailure(host)).toEqual({ kind: 'outdated', work: [], reloadedBefore: true });
    expect(host.reload).not.toHaveBeenCalled();
    // A later build that fails the same way gets its own try.
    const later = fakeHost({ build: '/assets/index-bbbb.js' });
    later.items.set(DEPLOY_RELOAD_KEY, '/assets/index-aaaa.js');
    expect(await recoverFromPageLoadFailure(later.host)).toEqual({ kind: 'reloading' });
  });

  it('never reloads by itself without session storage (nothing could stop a loop)', async () => {
    const { host } = fakeHost({ session: null });
    expect(await recoverFromPageLoadFailure(host)).toMatchObject({ kind: 'outdated' });
    expect(host.reload).not.toHaveBeenCalled();
  });

  it('says the network or host failed when the server has this build, or cannot be asked', async () => {
    for (const newerDeploy of [async () => false, async () => Promise.reject(new Error('offline'))]) {
      const { host } = fakeHost({ newerDeploy, refreshWorker: async () => Promise.reject(new Error('offline')) });
      expect(await recoverFromPageLoadFailure(host)).toEqual({ kind: 'unreachable' });
      expect(host.reload).not.toHaveBeenCalled();
    }
  });

  it('says what a reload does to each kind of work the tab holds', () => {
    expect(reloadEffects(['a study running', 'a search running'])).toBe('a study or a search keeps every finished step and resumes after the reload');
    // Scoring is kept in the browser since the Scoring page keeps runs: it goes on with Continue.
    expect(reloadEffects(['samples being scored'])).toBe('scoring stops and goes on from where it was with Continue');
    expect(reloadEffects(['scored samples kept only in this tab', 'a model download'])).toBe(
      'scored samples this browser could not keep are lost unless downloaded first; a model download stops',
    );
    expect(reloadEffects([])).toBe('');
  });

  it('lists the work in one phrase', () => {
    expect(listText(['a study running'])).toBe('a study running');
    expect(listText(['a study running', 'a search running', 'scored samples'])).toBe('a study running, a search running and scored samples');
  });
});

describe('the work a tab holds', () => {
  const releases: (() => unknown)[] = [];
  afterEach(() => releases.splice(0).forEach((release) => release()));

  it('is a run while its lock is held, with or without Web Locks, and nothing once released', async () => {
    expect(tabWork()).toEqual([]);
    const granted: LockManagerLike = {
      request: async (_name, _options, callback) => callback({}),
      query: async () => ({ held: [] }),
    };
    const release = await runLocks('test:', () => granted, 'a study running').claim('s1');
    expect(tabWork()).toEqual(['a study running']);
    await release!();
    expect(tabWork()).toEqual([]);

    const noLocks = await runLocks('test:', () => undefined, 'a search running').claim('x');
    expect(tabWork()).toEqual(['a search running']);
    await noLocks!();
    expect(tabWork()).toEqual([]);
  });

  it('names each kind once', () => {
    releases.push(holdTabWork('a study running'), holdTabWork('a study running'), holdTabWork('scored samples'));
    expect(tabWork()).toEqual(['a study running', 'scored samples']);
  });
});
