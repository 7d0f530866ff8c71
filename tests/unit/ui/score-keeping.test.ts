import { beforeEach, describe, expect, it } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { Sandbox } from '../../../src/core/ports.ts';
import { DatabaseRefused, openLabDatabase } from '../../../src/store/database.ts';
import { IdbScoringStore } from '../../../src/store/scoring-store.ts';
import type { SettingsStorage } from '../../../src/ui/models/saved-settings.ts';
import { tabRunRecord } from '../../../src/ui/shared/tab-run.ts';
import { tabWork } from '../../../src/ui/shell/tab-work.ts';
import { ScoreDesk, type ScoreDeskDeps } from '../../../src/ui/scoring/score-desk.svelte.ts';
import { scoringLocks } from '../../../src/ui/scoring/scoring-locks.ts';
import type { LockManagerLike } from '../../../src/ui/shared/run-locks.ts';
import { originLockManager } from './origin-locks.ts';
import { loadTestProblems } from '../../support/datasets.ts';

beforeEach(() => {
  // A fresh in-memory IndexedDB per test: no test sees another's databases.
  globalThis.indexedDB = new IDBFactory();
});

/**
 * Passes every program but those with BROKEN (a NameError) and those with HANG, which wait for
 * `gate` (or the gate it gives at the time) and then time out.
 */
function fakeSandbox(gate: Promise<void> | (() => Promise<void>) = Promise.resolve()): Sandbox {
  return {
    async run(program: string): Promise<RunResult> {
      await new Promise((resolve) => setTimeout(resolve, 2));
      if (program.includes('HANG')) {
        await (typeof gate === 'function' ? gate() : gate);
        return { status: 'timeout', durationMs: 3000, limitMs: 3000, stdout: '' };
      }
      if (!program.includes('BROKEN')) return { status: 'passed', durationMs: 1, stdout: '' };
      return { status: 'error', durationMs: 1, stdout: '', errorType: 'NameError', message: "name 'BROKEN' is not defined", traceback: "NameError: name 'BROKEN' is not defined\n" };
    },
    close: async () => undefined,
  };
}

function memoryStorage(): SettingsStorage {
  const values = new Map<string, string>();
  return { getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value), removeItem: (key) => void values.delete(key) };
}

/** One tab's desk: its own sessionStorage (a reload keeps it), the origin's locks and database. */
function tabDesk(tab: SettingsStorage, locks: LockManagerLike, overrides: Partial<ScoreDeskDeps> = {}): ScoreDesk {
  const desk = new ScoreDesk({
    sandboxes: async () => fakeSandbox(),
    store: async () => new IdbScoringStore(await openLabDatabase()),
    locks: scoringLocks(() => locks),
    thisTab: tabRunRecord(tab, 'scoring-shown-in-tab'),
    problems: async () => loadTestProblems('humaneval'),
    ...overrides,
  });
  desk.workers = 1;
  return desk;
}

/** A samples file of `n` lines; lines in `hang` wait for the sandbox's gate, lines in `broken` fail. */
function samplesFile(n: number, hang: number[] = [], broken: number[] = []): File {
  const lines = Array.from({ length: n }, (_, i) => {
    const code = hang.includes(i + 1) ? 'HANG' : broken.includes(i + 1) ? 'BROKEN' : 'True';
    return JSON.stringify({ task_id: `HumanEval/${i}`, completion: `    return ${code}\n`, model: 'm' });
  });
  return new File([lines.join('\n')], 'naps.jsonl');
}

async function score(desk: ScoreDesk, file: File) {
  const { fileLines } = await import('../../../src/ui/scoring/file-lines.ts');
  return desk.session.scoreLines(file.name, fileLines(file), await loadTestProblems('humaneval'), { benchmark: 'humaneval', mode: 'standard', workers: 1 }, file);
}

async function until(check: () => boolean, what: string) {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A gate for HANG lines, opened by `open()`. */
function closedGate(): { gate: Promise<void>; open: () => void } {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  return { gate, open };
}

/**
 * Adds to `said` each announcement the session makes over the next microtasks, as each could
 * show it (the page renders between them). Bounded: a loop of microtasks alone would starve the
 * timers and IndexedDB callbacks the run waits for.
 */
async function watchAnnouncements(session: ScoreDesk['session'], said: string[], microtasks = 200) {
  for (let i = 0; i < microtasks; i++) {
    if (said.at(-1) !== session.announcement) said.push(session.announcement);
    await Promise.resolve();
  }
}

/** The results file of the samples scored without a break, to compare a continued run's with. */
async function wholeResults(file: File) {
  const desk = tabDesk(memoryStorage(), originLockManager().manager);
  await score(desk, file);
  return desk.session.resultsFile();
}

describe('a scoring kept across a reload', () => {
  it('comes back interrupted after the tab went away mid-run, and Continue gives the file an uninterrupted run gives', async () => {
    const file = samplesFile(8, [4, 7], [2]);
    const uninterrupted = tabDesk(memoryStorage(), originLockManager().manager);
    await score(uninterrupted, file);
    const whole = uninterrupted.session.resultsFile();
    expect(whole.fileName).toBe('naps.jsonl_results.jsonl');

    // The tab scores until line 4 hangs, the verdicts before it are written, and then it is gone.
    const tab = memoryStorage();
    const origin = originLockManager();
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    let crashed = false;
    const before = tabDesk(tab, origin.manager, {
      sandboxes: async () => fakeSandbox(gate),
      // A crashed tab writes nothing more.
      store: async () => {
        const store = new IdbScoringStore(await openLabDatabase());
        return { startRun: store.startRun.bind(store), loadRun: store.loadRun.bind(store), listRuns: store.listRuns.bind(store), deleteRun: store.deleteRun.bind(store), record: async (...args: Parameters<IdbScoringStore['record']>) => (crashed ? undefined : store.record(...args)) } as unknown as IdbScoringStore;
      },
    });
    const running = score(before, file);
    await until(() => before.session.done === 3, 'three verdicts');
    await until(() => before.session.keeper?.id != null, 'the run to be kept');
    const runId = before.session.keeper!.id!;
    // The next publish tick writes the three.
    const store = new IdbScoringStore(await openLabDatabase());
    for (let i = 0; i < 100 && (await store.loadRun(runId))?.verdicts.length !== 3; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    crashed = true;
    origin.forgetTab();

    // Reloaded: the same tab's sessionStorage, a new page.
    const after = tabDesk(tab, origin.manager);
    await after.visit();
    const { session } = after;
    expect(session.phase).toBe('interrupted');
    expect(session.keeper?.id).toBe(runId);
    expect(session.stoppedLine).toBe('Scoring of naps.jsonl was interrupted at 3 of 8 samples');
    expect(session.rows.map((row) => row.line)).toEqual([1, 2, 3]);
    expect(session.summaryLine).toBe('2 passed, 1 failed');
    expect(session.resultsName).toBe('naps.jsonl_results.partial-3-of-8.jsonl');
    expect(session.unscoredTasks().map((task) => task.taskId)).toEqual(['HumanEval/3', 'HumanEval/4', 'HumanEval/5', 'HumanEval/6', 'HumanEval/7']);

    await after.continueRun(1);
    expect(session.phase).toBe('done');
    expect(session.done).toBe(8);
    expect(session.resultsFile()).toEqual(whole);

    const again = tabDesk(tab, originLockManager().manager);
    await again.visit();
    expect(again.session.phase).toBe('done');
    expect(again.session.passAtKLine).toBe(session.passAtKLine);
    expect(again.session.resultsFile()).toEqual(whole);

    open();
    await running;
    // Finished and kept: a reload would lose nothing, so the tab no longer asks first.
    expect(tabWork()).toEqual([]);
  });

  it('refuses Continue while another tab scores the run, and lists it as scoring there', async () => {
    const origin = originLockManager();
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const first = tabDesk(memoryStorage(), origin.manager, { sandboxes: async () => fakeSandbox(gate) });
    const running = score(first, samplesFile(3, [2]));
    await until(() => first.session.done === 1 && first.session.keeper?.id != null, 'the first verdict');

    // Another window: no run of its own, so it lists the kept ones.
    const other = tabDesk(memoryStorage(), origin.manager);
    await other.visit();
    expect(other.session.phase).toBe('idle');
    const [listed] = other.kept.listings;
    expect(other.kept.state(listed!)).toBe('scoring in another tab');
    await other.kept.remove(listed!.id);
    expect(other.kept.problem).toBe('This scoring is running in another tab: delete it once that tab has finished or been closed.');

    // Opened here, it is said to go on in the other tab, not to have been interrupted.
    await other.open(listed!.id);
    expect(other.session).toMatchObject({ phase: 'interrupted', elsewhere: true, continuable: true });
    expect(other.session.stoppedLine).toBe('Scoring of naps.jsonl goes on in another tab: 1 of 3 samples scored so far');
    expect(other.session.announcement).toBe('Scoring of naps.jsonl goes on in another tab: this page follows it.');
    await other.continueRun(1);
    expect(other.session.phase).toBe('interrupted');
    // Nothing on the page is called Open for the run on show: Continue is what to press again.
    expect(other.session.notice).toBe('This scoring is running in another tab: it goes on there. Press Continue again once that tab has finished or been closed.');

    // Once that tab has finished, the next reading of the list brings the run on show up to date.
    open();
    await running;
    await other.kept.refresh();
    await until(() => other.session.phase === 'done', 'the page to follow the other tab');
    expect(other.session).toMatchObject({ elsewhere: false, continuable: false, done: 3, notice: null });
    expect(other.session.announcement).toBe('Scored naps.jsonl: 2 passed, 1 failed. pass@1 0.6667 (3 tasks, 1 sample each).');
    expect(other.kept.state(other.kept.listings[0]!)).toBe('done');
    await other.kept.remove(listed!.id);
    expect(other.kept.listings).toEqual([]);
  });

  it('writes verdicts a batch per publish tick, not one transaction per verdict', async () => {
    const batches: number[] = [];
    const desk = tabDesk(memoryStorage(), originLockManager().manager, {
      store: async () => {
        const store = new IdbScoringStore(await openLabDatabase());
        const record = store.record.bind(store);
        store.record = async (runId, verdicts, progress) => {
          batches.push(verdicts.length);
          return record(runId, verdicts, progress);
        };
        return store;
      },
    });
    await score(desk, samplesFile(60, [], [7]));
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(60);
    expect(batches.length).toBeLessThan(10);
    const kept = await new IdbScoringStore(await openLabDatabase()).loadRun(desk.session.keeper!.id!);
    expect(kept?.run).toMatchObject({ status: 'done', done: 60, passed: 59 });
    expect(kept?.verdicts).toHaveLength(60);
  });

  it('keeps five: a sixth run lets go of the oldest, and the run replaced on the page stays listed', async () => {
    const desk = tabDesk(memoryStorage(), originLockManager().manager);
    await desk.visit();
    for (let i = 1; i <= 6; i++) {
      await score(desk, new File([JSON.stringify({ task_id: 'HumanEval/0', completion: '    return True\n' })], `run-${i}.jsonl`));
      await desk.kept.refresh();
    }
    expect(desk.kept.listings.map((run) => run.name)).toEqual(['run-6.jsonl', 'run-5.jsonl', 'run-4.jsonl', 'run-3.jsonl', 'run-2.jsonl']);
    expect(desk.session.keeper?.id).toBe(desk.kept.listings[0]?.id);
  });

  it('goes on in memory when the browser will not store it, says why, and asks before a reload', async () => {
    const desk = tabDesk(memoryStorage(), originLockManager().manager, {
      store: async () => {
        throw new DatabaseRefused('scored samples', new Error('The user denied permission to access the database.'));
      },
    });
    await score(desk, samplesFile(3, [], [3]));
    expect(desk.session.phase).toBe('done');
    expect(desk.session.summaryLine).toBe('2 passed, 1 failed');
    expect(desk.session.keeper?.problem).toBe(
      'this browser refused to open its database (The user denied permission to access the database); private windows of some browsers do this',
    );
    expect(tabWork()).toContain('scored samples kept only in this tab');
  });

  it('says the run is no longer kept when its database is deleted mid-run (DevTools’ “Delete database”), goes on in memory, and lists nothing', async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const desk = tabDesk(memoryStorage(), originLockManager().manager, { sandboxes: async () => fakeSandbox(gate) });
    await desk.visit();
    const running = score(desk, samplesFile(6, [4], [2]));
    await until(() => desk.session.done === 3 && desk.session.keeper?.id != null, 'three verdicts');
    await until(() => desk.kept.listings.length === 1, 'the run to be listed');

    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase('feedback-lab');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    open();
    await running;
    expect(desk.session.phase).toBe('done');
    expect(desk.session.summaryLine).toBe('4 passed, 2 failed');
    // It used to say "this browser refused to store it: Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing."
    expect(desk.session.keeper?.problem).toBe('this site’s stored data was cleared or deleted while it was scored, and what was kept of it went too');
    await until(() => desk.kept.listings.length === 0, 'the list to be read again');
    expect(tabWork()).toContain('scored samples kept only in this tab');
  });

  it('says when the browser has no room for the file', async () => {
    const desk = tabDesk(memoryStorage(), originLockManager().manager, {
      store: async () => {
        const store = new IdbScoringStore(await openLabDatabase());
        store.startRun = async () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
        return store;
      },
    });
    await score(desk, samplesFile(2));
    expect(desk.session.phase).toBe('done');
    expect(desk.session.keeper?.problem).toBe('this browser has no room left to store it');
    expect(desk.session.keeper?.id).toBeNull();
  });
});

describe('a scoring cancelled or stopped by a broken sandbox', () => {
  it('continues in its tab, and again after a reload, to the file an uninterrupted run gives, scoring each sample once', async () => {
    const file = samplesFile(8, [4, 7], [2]);
    const whole = await wholeResults(file);
    const tab = memoryStorage();
    const origin = originLockManager();
    let gate = closedGate();
    let programs = 0;
    const desk = tabDesk(tab, origin.manager, {
      sandboxes: async () => {
        const sandbox = fakeSandbox(() => gate.gate);
        return { ...sandbox, run: (...args) => (programs++, sandbox.run(...args)) };
      },
    });
    const { session } = desk;

    // Cancelled while line 4 runs: it finishes and is kept, the rest are left.
    const running = score(desk, file);
    await until(() => session.done === 3, 'three verdicts');
    session.cancel();
    gate.open();
    await running;
    expect(session.phase).toBe('cancelled');
    expect(session.continuable).toBe(true);
    expect(session.stoppedLine).toBe('Scoring of naps.jsonl was cancelled at 4 of 8 samples');

    // Continued in the tab, and cancelled again while line 7 runs.
    gate = closedGate();
    const continued = desk.continueRun(1);
    await until(() => session.busy, 'the run to go on');
    expect(session.announcement).toBe('Continuing naps.jsonl: scoring the 4 samples left of 8…');
    await until(() => session.done === 6, 'six verdicts');
    session.cancel();
    gate.open();
    await continued;
    expect(session.announcement).toBe('Cancelled after 7 of 8 samples: 4 passed, 3 failed.');

    // Reloaded: shown cancelled, with Continue, which scores the last line.
    const after = tabDesk(tab, origin.manager, {
      sandboxes: async () => {
        const sandbox = fakeSandbox();
        return { ...sandbox, run: (...args) => (programs++, sandbox.run(...args)) };
      },
    });
    await after.visit();
    expect(after.session.phase).toBe('cancelled');
    expect(after.session.continuable).toBe(true);
    expect(after.session.rows.map((row) => row.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await after.continueRun(1);
    expect(after.session.phase).toBe('done');
    expect(after.session.resultsFile()).toEqual(whole);
    expect(programs).toBe(8);
    // Other tests' runs kept only in memory are still held: this one's work is over.
    expect(tabWork()).not.toContain('samples being scored');
  });

  it('continues at once after Cancel, before the run’s last verdicts are written and its lock let go of', async () => {
    const file = samplesFile(4, [2]);
    const whole = await wholeResults(file);
    const { gate, open } = closedGate();
    const desk = tabDesk(memoryStorage(), originLockManager().manager, {
      sandboxes: async () => fakeSandbox(gate),
      // A slow disk: each batch takes a while to write.
      store: async () => {
        const store = new IdbScoringStore(await openLabDatabase());
        const record = store.record.bind(store);
        store.record = async (...args) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return record(...args);
        };
        return store;
      },
    });
    const running = score(desk, file);
    await until(() => desk.session.done === 1 && desk.session.keeper?.id != null, 'the first verdict');
    desk.session.cancel();
    open();
    await until(() => desk.session.phase === 'cancelled', 'the cancel');
    await desk.continueRun(1);
    expect(desk.session.notice).toBeNull();
    expect(desk.session.phase).toBe('done');
    expect(desk.session.resultsFile()).toEqual(whole);
    await running;
  });

  it('refuses Continue while another tab continues the run, then takes that tab’s verdicts and scores nothing again', async () => {
    const file = samplesFile(5, [2, 4]);
    const whole = await wholeResults(file);
    const origin = originLockManager();
    const first = closedGate();
    let programs = 0;
    // Armed for the last Continue: what is announced once the run is read back for it.
    let said: string[] | null = null;
    const desk: ScoreDesk = tabDesk(memoryStorage(), origin.manager, {
      sandboxes: async () => {
        const sandbox = fakeSandbox(first.gate);
        return { ...sandbox, run: (...args) => (programs++, sandbox.run(...args)) };
      },
      store: async () => {
        const store = new IdbScoringStore(await openLabDatabase());
        const loadRun = store.loadRun.bind(store);
        store.loadRun = async (...args) => {
          const kept = await loadRun(...args);
          if (said) void watchAnnouncements(desk.session, said);
          return kept;
        };
        return store;
      },
    });
    const running = score(desk, file);
    await until(() => desk.session.done === 1, 'the first verdict');
    desk.session.cancel();
    first.open();
    await running;
    expect(desk.session.done).toBe(2);

    // Another window opens it from its list and continues it.
    const second = closedGate();
    const other = tabDesk(memoryStorage(), origin.manager, { sandboxes: async () => fakeSandbox(second.gate) });
    await other.visit();
    expect(other.kept.state(other.kept.listings[0]!)).toBe('cancelled');
    await other.open(other.kept.listings[0]!.id);
    expect(other.session.continuable).toBe(true);
    const elsewhere = other.continueRun(1);
    await until(() => other.session.done === 3, 'the other tab’s verdict');

    await desk.continueRun(1);
    expect(desk.session.phase).toBe('cancelled');
    expect(desk.session.notice).toBe('This scoring is running in another tab: it goes on there. Press Continue again once that tab has finished or been closed.');

    second.open();
    await elsewhere;
    // Nothing is left to score: the run is said to be scored, never "cancelled after 5 of 5".
    said = [];
    await desk.continueRun(1);
    // (The refused Continue's reading of the list found the other tab scoring it, and the page followed.)
    expect(said).toEqual(['Scoring of naps.jsonl goes on in another tab: this page follows it.', 'Scored naps.jsonl: 3 passed, 2 failed. pass@1 0.6000 (5 tasks, 1 sample each).']);
    expect(desk.session.phase).toBe('done');
    expect(desk.session.resultsFile()).toEqual(whole);
    expect(programs).toBe(2);
  });

  it('shows, in the tab that cancelled it, that another tab took the run up, and follows that tab to its end', { timeout: 20_000 }, async () => {
    const file = samplesFile(5, [2, 4]);
    const origin = originLockManager();
    const first = closedGate();
    const desk = tabDesk(memoryStorage(), origin.manager, { sandboxes: async () => fakeSandbox(first.gate) });
    await desk.visit();
    const running = score(desk, file);
    await until(() => desk.session.done === 1, 'the first verdict');
    desk.session.cancel();
    first.open();
    await running;
    expect(desk.session.phase).toBe('cancelled');
    // This tab's list, read once its own lock is let go of, finds no tab scoring anything.
    await desk.session.settled();
    await desk.kept.refresh();
    expect(desk.kept.elsewhere.size).toBe(0);

    // Another window continues it; nothing in this tab is pressed. The list is read every 3 s.
    const second = closedGate();
    const other = tabDesk(memoryStorage(), origin.manager, { sandboxes: async () => fakeSandbox(second.gate) });
    await other.visit();
    await other.open(other.kept.listings[0]!.id);
    const elsewhere = other.continueRun(1);
    const slowly = async (check: () => boolean, what: string) => {
      for (let waited = 0; !check(); waited += 50) {
        if (waited > 8000) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await slowly(() => desk.session.elsewhere, 'this tab to see the other scoring it');
    expect(desk.session.announcement).toBe('Scoring of naps.jsonl goes on in another tab: this page follows it.');

    second.open();
    await elsewhere;
    await slowly(() => desk.session.phase === 'done', 'this tab to follow the other to its end');
    expect(desk.session.elsewhere).toBe(false);
    expect(desk.session.resultsFile()).toEqual(other.session.resultsFile());
    desk.leave();
    other.leave();
  });

  it('continues a run a broken sandbox stopped, starting Python afresh; a file that cannot be read is picked again instead', async () => {
    const file = samplesFile(6, [], [2]);
    const whole = await wholeResults(file);
    const tab = memoryStorage();
    const origin = originLockManager();
    let started = 0;
    const desk = tabDesk(tab, origin.manager, {
      // The first Python's worker dies on its fourth program, and stays broken.
      sandboxes: async () => {
        const sandbox = fakeSandbox();
        if (++started > 1) return sandbox;
        let programs = 0;
        return { ...sandbox, run: async (...args) => (++programs >= 4 ? Promise.reject(new Error('The Python sandbox broke: the worker stopped (crashed)')) : sandbox.run(...args)) };
      },
    });
    const { session } = desk;
    await score(desk, file);
    expect(session.phase).toBe('failed');
    expect(session.failure).toBe('The Python sandbox broke: the worker stopped (crashed)');
    expect(session.continuable).toBe(true);
    expect(session.stoppedLine).toBe('Scoring of naps.jsonl stopped at 3 of 6 samples');

    // A reload shows it stopped, with why and Continue.
    const reloaded = tabDesk(tab, originLockManager().manager);
    await reloaded.visit();
    expect(reloaded.session).toMatchObject({ phase: 'failed', continuable: true, failure: 'The Python sandbox broke: the worker stopped (crashed)', done: 3 });

    await desk.continueRun(1);
    expect(started).toBe(2);
    expect(session.phase).toBe('done');
    expect(session.failure).toBeNull();
    expect(session.resultsFile()).toEqual(whole);

    await score(desk, new File([''], 'empty.jsonl'));
    expect(session.phase).toBe('failed');
    expect(session.continuable).toBe(false);
  });

  it('says no verdicts are kept when Python never started, and Continue scores every sample', async () => {
    const file = samplesFile(4, [], [2]);
    const whole = await wholeResults(file);
    let started = 0;
    const desk = tabDesk(memoryStorage(), originLockManager().manager, {
      // The first time, Pyodide's download is blocked.
      sandboxes: async () => {
        if (++started === 1) throw new Error('The Python sandbox could not start: Failed to fetch');
        return fakeSandbox();
      },
    });
    const { session } = desk;
    await score(desk, file);
    expect(session).toMatchObject({ phase: 'failed', done: 0, total: 4, continuable: true, failure: 'The Python sandbox could not start: Failed to fetch' });
    expect(session.stoppedLine).toBe('Scoring of naps.jsonl stopped at 0 of 4 samples');
    expect(session.stoppedDetail).toBe(
      ': Python could not start or stopped working (why is said below). Continue scores every sample, starting Python afresh, with these settings whatever the form above says.',
    );

    await desk.continueRun(1);
    expect(session.phase).toBe('done');
    expect(session.resultsFile()).toEqual(whole);
  });
});
