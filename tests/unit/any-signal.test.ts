/**
 * Safari 17.0-17.3 has no `AbortSignal.any` (it came in 17.4; Firefox 124). Every call the app
 * made threw there, and a study's runner caught the TypeError as a failed attempt and retried it
 * without waiting, for ever: the Study page froze at its first unit (audit R205-1, reproduced in
 * Chromium with `delete AbortSignal.any`). These tests take `AbortSignal.any` away the same way.
 */
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { anySignal } from '../../src/core/any-signal.ts';
import { MemoryStudyStore } from '../../src/core/study/memory-store.ts';
import { runStudy } from '../../src/core/study/runner.ts';
import { PROBLEMS, TRUTH, studyConfig, truthModel, truthSandbox } from './study/study-fixtures.ts';

const SRC = join(import.meta.dirname, '../../src');

describe('anySignal where the platform has no AbortSignal.any', () => {
  const original = Object.getOwnPropertyDescriptor(AbortSignal, 'any');
  beforeEach(() => {
    Reflect.deleteProperty(AbortSignal, 'any');
  });
  afterEach(() => {
    if (original) Object.defineProperty(AbortSignal, 'any', original);
  });

  it('aborts with the reason of the first source to abort, once', () => {
    const a = new AbortController();
    const b = new AbortController();
    const both = anySignal([a.signal, b.signal]);
    let fired = 0;
    both.addEventListener('abort', () => fired++);
    expect(both.aborted).toBe(false);
    b.abort('second');
    a.abort('first');
    expect(both.aborted).toBe(true);
    expect(both.reason).toBe('second');
    expect(fired).toBe(1);
  });

  it('is aborted from the start when a source already is', () => {
    const a = new AbortController();
    const b = new AbortController();
    a.abort('done');
    const both = anySignal([a.signal, b.signal]);
    expect(both.aborted).toBe(true);
    expect(both.reason).toBe('done');
  });

  it('lets a study run to its end', async () => {
    // Each attempt's listener stays on the study's stop signal until a collection takes it off,
    // which Node would otherwise warn about.
    setMaxListeners(0);
    onTestFinished(() => setMaxListeners(defaultMaxListeners));
    const store = new MemoryStudyStore();
    const config = studyConfig();
    const end = await runStudy(config, PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, {
      concurrency: 3,
      retryDelayMs: 0,
      signal: new AbortController().signal,
    });
    expect(end.status).toBe('done');
    const stored = (await store.loadStudy(config.id))!;
    const passed = stored.finished.filter((f) => f.result.status === 'finished' && f.result.trajectory.passed).length;
    expect(passed).toBe(Object.values(TRUTH).flat().reduce((sum, n) => sum + n, 0));
  });
});

describe('the app', () => {
  it('combines signals only through anySignal, never AbortSignal.any itself', () => {
    const callers = (readdirSync(SRC, { recursive: true }) as string[])
      .filter((file) => /\.(ts|svelte)$/.test(file) && !file.endsWith('any-signal.ts'))
      .filter((file) => /AbortSignal\.any\s*\(/.test(readFileSync(join(SRC, file), 'utf8')));
    expect(callers).toEqual([]);
  });
});
