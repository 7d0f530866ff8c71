import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// The auto entry installs the IDB* globals (IDBKeyRange…) that the store and idb use.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { encodeStudyLink } from '../../../src/core/study/link.ts';
import type { StudyStatus } from '../../../src/core/ports.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import type { PendingDownload } from '../../../src/llm/weights-to-download.ts';
import {
  LET_GO_IN_ANOTHER_TAB,
  LINK_STARTING_ELSEWHERE,
  RUNNING_IN_ANOTHER_TAB,
  StudyLauncher,
  UNREAD_LINK_PROBLEM,
  linkIdentity,
  linkWouldDownload,
  linkWouldSendKey,
} from '../../../src/ui/study/study-launcher.svelte.ts';
import type { TabRun } from '../../../src/ui/shared/tab-run.ts';
import { StudyLibrary } from '../../../src/ui/study/study-library.svelte.ts';
import { contractConfig } from '../../support/study-store-contract.ts';
import { originLocks } from './origin-locks.ts';
import { environment, studyResultFile } from '../results/result-file-fixtures.ts';

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

/** A launcher that records what it would start or resume instead of running anything. */
class RecordingLauncher extends StudyLauncher {
  readonly calls: string[] = [];
  override async start(): Promise<string | null> {
    this.calls.push('start');
    return 'new-study';
  }
  override async resume(studyId: string): Promise<boolean> {
    this.calls.push(`resume ${studyId}`);
    return true;
  }
}

async function setUp(
  stored: { id: string; status: StudyStatus; link?: string }[],
  ranInThisTab: string | null = null,
  keys: { sentTo?: string[]; known?: Record<string, string> } = {},
  toDownload: readonly PendingDownload[] = [],
) {
  const store = new IdbStudyStore(await openLabDatabase());
  for (const { id, status, link } of stored) {
    await store.putStudy(contractConfig(id));
    await store.setStatus(id, status);
    if (link !== undefined) await store.setLink(id, link);
  }
  const form = new StudyForm();
  /** The study this tab ran before the reload, as sessionStorage keeps it. */
  const tab: { run: TabRun | null } = { run: ranInThisTab === null ? null : { id: ranInThisTab, keyedEndpoints: keys.sentTo ?? [] } };
  const library = new StudyLibrary({
    store: async () => store,
    environmentHere: async () => {
      throw new Error('not used');
    },
    runningHere: () => new Set(),
  });
  const launcher = new RecordingLauncher(
    {
      store: async () => store,
      dataset: async () => null,
      sandbox: async () => {
        throw new Error('not used');
      },
      models: {
        apiKeyFor: (root) => keys.known?.[root],
        webllm: async () => Promise.reject(new Error('not used')),
        weightsToDownload: async (ids) => toDownload.filter((pending) => ids.includes(pending.modelId)),
      },
      setAddress: () => undefined,
      thisTab: { get: () => tab.run, set: (run) => (tab.run = run) },
    },
    form,
    library,
    2,
  );
  return { launcher, form, tab, store };
}

/** Another tab of this origin runs the study `id` until the returned function lets go of it (navigator.locks is stubbed). */
function studyHeldByAnotherTab(id: string): () => void {
  const origin = originLocks();
  vi.stubGlobal('navigator', { locks: origin });
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  void origin.request(`feedback-lab:study:${id}`, { ifAvailable: true }, () => held);
  return () => release();
}

async function linkQuery(extra: Record<string, string> = {}, autorun = true): Promise<URLSearchParams> {
  const form = new StudyForm();
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:9/v1';
  form.repeats = 3;
  const query = new URLSearchParams(await encodeStudyLink(form.toLink({ autorun })));
  for (const [name, value] of Object.entries(extra)) query.set(name, value);
  return query;
}

describe('opening a study link', () => {
  it('fills the form and waits for Run when the link does not say autorun', async () => {
    const { launcher, form } = await setUp([]);
    await launcher.openLink(await linkQuery({}, false));
    expect(launcher.calls).toEqual([]);
    expect(form.repeats).toBe(3);
    expect(form.engine).toBe('openai');
  });

  it('starts a new study with autorun=1 when no study came from this link', async () => {
    const { launcher } = await setUp([{ id: 'other', status: 'running', link: 'study=1&b=mbpp' }]);
    await launcher.openLink(await linkQuery());
    expect(launcher.calls).toEqual(['start']);
  });

  it('does not start by itself a study that would send an API key this browser holds: it fills the form and says why', async () => {
    const { launcher, form } = await setUp([], null, { known: { 'http://127.0.0.1:9/v1': 'sk-saved' } });
    await launcher.openLink(await linkQuery());
    // The link's author chose the endpoint and the run's size, and the user's paid key went along.
    expect(launcher.calls).toEqual([]);
    expect(launcher.errors).toEqual([linkWouldSendKey('http://127.0.0.1:9/v1')]);
    expect(form.repeats).toBe(3);
  });

  it('does not start by itself a study whose in-browser models are not downloaded yet: it names them and their size, and waits for Run', async () => {
    const linkForm = new StudyForm();
    linkForm.engine = 'webllm';
    const query = new URLSearchParams(await encodeStudyLink(linkForm.toLink({ autorun: true })));
    const ids = Object.values(linkForm.toDraft().models).map((binding) => binding.id);
    expect(ids.length).toBeGreaterThan(0);
    const pending = ids.map((modelId) => ({ modelId, bytes: 900_000_000 }));
    const { launcher, form } = await setUp([], null, {}, pending);
    await launcher.openLink(query);
    expect(launcher.calls).toEqual([]);
    expect(form.engine).toBe('webllm');
    expect(launcher.errors).toEqual([linkWouldDownload(pending)]);
    expect(launcher.errors[0]).toContain(ids.at(-1));
    expect(launcher.errors[0]).toMatch(/\(about 858 MB\)\. Nothing was started or downloaded/);

    // Downloaded already (or on an endpoint): it starts as before.
    const downloaded = await setUp([], null, {}, []);
    await downloaded.launcher.openLink(query);
    expect(downloaded.launcher.calls).toEqual(['start']);
  });

  it('says which models a link would download, with their total or without one when a size is unknown', () => {
    expect(linkWouldDownload([{ modelId: 'A-q4f16_1-MLC', bytes: 1_000_000_000 }])).toMatch(/^This link .* first download A-q4f16_1-MLC \(about 954 MB\)\. /);
    expect(
      linkWouldDownload([
        { modelId: 'A', bytes: 1 },
        { modelId: 'B', bytes: undefined },
        { modelId: 'C', bytes: 2 },
      ]),
    ).toMatch(/first download A, B and C\. Nothing/);
  });

  it('resumes the interrupted study the link started, found by its id or by the link itself', async () => {
    const query = await linkQuery();
    const byId = await setUp([{ id: 'mine', status: 'running' }]);
    await byId.launcher.openLink(await linkQuery({ sid: 'mine' }));
    expect(byId.launcher.calls).toEqual(['resume mine']);

    const byLink = await setUp([{ id: 'mine', status: 'running', link: linkIdentity(query) }]);
    await byLink.launcher.openLink(query);
    expect(byLink.launcher.calls).toEqual(['resume mine']);
  });

  it('leaves a study another tab is running to that tab, and says so without claiming it will resume anywhere', { timeout: 20_000 }, async () => {
    const release = studyHeldByAnotherTab('mine');
    try {
      const { launcher } = await setUp([{ id: 'mine', status: 'running' }]);
      // The same address opened in a second tab (a duplicated tab, a shared link) while the first runs it.
      await launcher.openLink(await linkQuery({ sid: 'mine' }));
      expect(launcher.calls).toEqual([]);
      const said = launcher.errors.join(' ');
      // It used to say the study "resumes there": it runs there, and this tab never takes it over by itself.
      expect(said).not.toMatch(/resumes/);
      expect(said).toMatch(/running in another tab.*goes on there/);
      expect(said).toMatch(/card below.*offers Resume if that tab is closed/);
      release();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('does not take up a study that its tab cancelled while this one waited for that tab to let go', { timeout: 20_000 }, async () => {
    const release = studyHeldByAnotherTab('mine');
    try {
      const { launcher, store } = await setUp([{ id: 'mine', status: 'running' }]);
      const opening = launcher.openLink(await linkQuery({ sid: 'mine' }));
      // The first tab's user presses Cancel a moment after the address was opened here.
      await new Promise((resolve) => setTimeout(resolve, 700));
      await store.setStatus('mine', 'cancelled');
      release();
      await opening;
      expect(launcher.calls).toEqual([]);
      expect(launcher.errors).toEqual([]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('starts the study of a link opened in two tabs at once only once: the second waits for the first to store it, then leaves it there', { timeout: 20_000 }, async () => {
    const origin = originLocks();
    vi.stubGlobal('navigator', { locks: origin });
    let letGo: () => void = () => undefined;
    try {
      const first = await setUp([]);
      const second = await setUp([]);
      const query = await linkQuery();
      let stored: () => void = () => undefined;
      const loaded = new Promise<void>((resolve) => (stored = resolve));
      // The first tab's start: the benchmark and Python load, then the study and its link are stored and it runs, holding its lock.
      first.launcher.start = async () => {
        first.launcher.calls.push('start');
        await loaded;
        await first.store.putStudy(contractConfig('from-link'));
        await first.store.setStatus('from-link', 'running');
        await first.store.setLink('from-link', linkIdentity(query));
        void origin.request('feedback-lab:study:from-link', { ifAvailable: true }, () => new Promise<void>((resolve) => (letGo = resolve)));
        return 'from-link';
      };
      const opening = first.launcher.openLink(query);
      const openingToo = second.launcher.openLink(new URLSearchParams(query));
      await expect.poll(() => second.launcher.errors).toEqual([LINK_STARTING_ELSEWHERE]);
      stored();
      await Promise.all([opening, openingToo]);
      expect(first.launcher.calls).toEqual(['start']);
      expect(second.launcher.calls).toEqual([]);
      expect(second.launcher.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    } finally {
      letGo();
      vi.unstubAllGlobals();
    }
  });

  it('opened again as shared (no sid), finds the study it started in any state, and says so instead of running it twice (audit R214-1)', async () => {
    for (const status of ['done', 'paused', 'cancelled', 'failed'] as const) {
      const query = await linkQuery();
      const { launcher } = await setUp([{ id: 'shared', status, link: linkIdentity(query) }]);
      await launcher.openLink(query);
      expect(launcher.calls, status).toEqual([]);
      expect(launcher.errors[0], status).toMatch(/^This link's study, “.*”, is stored here already \((finished|paused|cancelled|stopped by an error)\), so it was not started again\./);
    }
  });

  it('does not run again a study that finished, nor one the user paused or cancelled', async () => {
    for (const status of ['done', 'paused', 'cancelled'] as const) {
      const { launcher } = await setUp([{ id: 'mine', status }]);
      await launcher.openLink(await linkQuery({ sid: 'mine' }));
      expect(launcher.calls, status).toEqual([]);
    }
  });

  it('reads each address once, and lists every problem of a broken link', async () => {
    const { launcher } = await setUp([]);
    const query = await linkQuery();
    await launcher.openLink(query);
    await launcher.openLink(new URLSearchParams(query));
    expect(launcher.calls).toEqual(['start']);

    const broken = await setUp([]);
    await broken.launcher.openLink(new URLSearchParams('study=1&b=python&r=0&arm=p:nope'));
    expect(broken.launcher.calls).toEqual([]);
    expect(broken.launcher.unreadLinkLines[0]).toBe(
      'This study link cannot be read, so the form was not filled in from it: it still shows the defaults, not the link’s study.',
    );
    expect(broken.launcher.unreadLinkLines.slice(1, -1).join(' ')).toMatch(/b: .*r: .*arm\[0\]/s);
  });

  it('keeps Run study from running the form under an unreadable link until the user chooses the form, or opens a readable link', async () => {
    const unused = () => Promise.reject(new Error('not used'));
    const library = { refresh: unused, askToKeep: () => undefined } as unknown as StudyLibrary;
    const launcher = new StudyLauncher({ store: unused, dataset: unused, sandbox: unused, models: { apiKeyFor: () => undefined, webllm: unused }, setAddress: () => undefined }, new StudyForm(), library, 1);
    await launcher.openLink(new URLSearchParams('study=1&b=humaneval&r=1&arm=p:llama-solo&endpoint=http://a.test/v1&endpoint=http://b.test/v1'), { formEdited: true });
    expect(launcher.unreadLinkLines).toEqual([
      'This study link cannot be read, so the form was not filled in from it: it still shows what was filled in earlier in this tab, not the link’s study.',
      'endpoint: given 2 times; a study link gives it once (only arm= and m= repeat).',
      'Correct the link and open it again, or press “Use the form instead” to run the form as it stands; until then Run study is off.',
    ]);
    expect(launcher.problems()[0]).toBe(UNREAD_LINK_PROBLEM);
    // Run study is off on the page; a start that comes anyway is refused for it, before anything is loaded.
    expect(await launcher.start()).toBeNull();
    expect(launcher.refusal.fields).toContain(UNREAD_LINK_PROBLEM);

    launcher.useFormInstead();
    expect(launcher.problems()).not.toContain(UNREAD_LINK_PROBLEM);
    expect(launcher.unreadLinkLines).toEqual([]);

    // A readable link opened after an unreadable one fills the form, and nothing stands in its way.
    await launcher.openLink(new URLSearchParams('study=1&b=humaneval&arm=p:nope'));
    expect(launcher.unreadLink).not.toBeNull();
    await launcher.openLink(await linkQuery({}, false));
    expect(launcher.unreadLink).toBeNull();
  });
});

describe('reloading the tab that ran a study started from the form', () => {
  it('goes on with that study by itself, as a link’s study does', async () => {
    const { launcher } = await setUp([{ id: 'other', status: 'running' }, { id: 'mine', status: 'running' }], 'mine');
    await launcher.resumeAfterReload();
    expect(launcher.calls).toEqual(['resume mine']);
  });

  it('leaves alone a study the user paused, cancelled or saw finish, and one this tab did not run', async () => {
    for (const status of ['done', 'paused', 'cancelled'] as const) {
      const { launcher, tab } = await setUp([{ id: 'mine', status }], 'mine');
      await launcher.resumeAfterReload();
      expect(launcher.calls, status).toEqual([]);
      expect(tab.run, status).toBeNull();
    }
    const { launcher } = await setUp([{ id: 'other', status: 'running' }]);
    await launcher.resumeAfterReload();
    expect(launcher.calls).toEqual([]);
  });

  it('does not go on without the API key it was sending, which a reload forgets: it says to type it again and press Resume', async () => {
    const root = 'http://127.0.0.1:9/v1';
    const forgotten = await setUp([{ id: 'mine', status: 'running' }], 'mine', { sentTo: [root] });
    await forgotten.launcher.resumeAfterReload();
    expect(forgotten.launcher.calls).toEqual([]);
    expect(forgotten.launcher.errors.join(' ')).toMatch(/did not go on by itself after the reload: it was sending an API key to http:\/\/127\.0\.0\.1:9\/v1/);
    expect(forgotten.launcher.errors.join(' ')).toMatch(/Type the key into API key under Engine .*then press Resume on its card/);
    // Said once: its card's Resume is the way on from here.
    expect(forgotten.tab.run).toBeNull();

    // The Models page remembers a key for that endpoint: the study goes on with it.
    const remembered = await setUp([{ id: 'mine', status: 'running' }], 'mine', { sentTo: [root], known: { [root]: 'sk-kept' } });
    await remembered.launcher.resumeAfterReload();
    expect(remembered.launcher.calls).toEqual(['resume mine']);
  });

  it('does not resume by itself a study stopped by an error, which its card lists as such', async () => {
    const { launcher } = await setUp([{ id: 'mine', status: 'failed' }], 'mine');
    await launcher.resumeAfterReload();
    expect(launcher.calls).toEqual([]);
  });
});

describe('a finished replay study with errored units', () => {
  it('is listed as a replay, and is not run again: its errored units are calls the file never recorded', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = { ...contractConfig('replayed'), models: { 'llama3.2:3b': { engine: 'replay' as const, id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC' } } };
    await store.putStudy(config);
    await store.finishUnit(config.id, {
      unitId: 'solo/0/HumanEval/0',
      armId: 'solo',
      repeat: 0,
      problemId: 'HumanEval/0',
      result: { status: 'errored', message: 'The replayed file holds no run of HumanEval/0.', attempts: 1, stepCount: 0 },
    });
    await store.setStatus(config.id, 'done');
    const [listing] = await store.listStudies();
    expect(listing).toMatchObject({ replay: true, erroredUnits: 1 });

    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => {
          throw new Error('a replay study with nothing to run must not load its dataset');
        },
        sandbox: async () => {
          throw new Error('not used');
        },
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
      },
      new StudyForm(),
      new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() }),
      1,
    );
    expect(await launcher.resume(config.id)).toBe(false);
    expect(launcher.errors.join(' ')).toMatch(/never recorded: replaying them again ends the same way/);
  });
});

describe('resuming a replay study', () => {
  it('refuses to take its replies from a file that is not the one it was started from', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const config = { ...contractConfig('replayed'), models: { 'llama3.2:3b': { engine: 'replay' as const, id: 'Llama-3.2-3B-Instruct-q4f16_1-MLC' } } };
    await store.putStudy(config);
    // Interrupted: the store says running, no tab runs it.
    const form = new StudyForm();
    form.engine = 'replay';
    form.replay = { fileName: 'another-study.json', doc: await studyResultFile() };
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => ({ benchmark: 'humaneval', problems: [], sha256: config.datasetSha256, source: 'test', failures: [] }),
        sandbox: async () => {
          throw new Error('the sandbox must not start for a study that cannot get its replies');
        },
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
      },
      form,
      new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() }),
      1,
    );
    expect(await launcher.resume(config.id)).toBe(false);
    expect(launcher.errors.join(' ')).toMatch(/^another-study\.json \(“.*”\) is not the file this study replays/);
  });
});

describe('the environment a study runs in', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is kept with the study as a run starts, so that its exports say what ran it', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ data: [] }), { headers: { 'Content-Type': 'application/json' } }));
    const store = new IdbStudyStore(await openLabDatabase());
    const config = contractConfig('kept-environment');
    await store.putStudy(config);
    const ranWith = environment({ appVersion: '0.1.0', recordedAt: '2026-11-20T09:00:00.000Z' });
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => ({ benchmark: 'humaneval', problems: [], sha256: config.datasetSha256, source: 'test', failures: [] }),
        sandbox: async () => ({ run: async () => Promise.reject(new Error('no program runs here')), close: async () => undefined }),
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
        environmentHere: async () => ranWith,
      },
      new StudyForm(),
      new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() }),
      1,
    );
    await launcher.resume(config.id);
    await vi.waitFor(async () => expect((await store.studyRecord(config.id))?.environmentsHere).toEqual([ranWith]));
  });
});

describe('a study this tab is taking up', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  // The lock is held from the claim, while models are bound and Python starts (seconds): the list,
  // finding it held with no run here yet, said "paused in another tab" of the study just resumed.
  it('counts as running here from its claim, before its run exists (audit R186-5)', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ data: [] }), { headers: { 'Content-Type': 'application/json' } }));
    const store = new IdbStudyStore(await openLabDatabase());
    const config = contractConfig('taken-up');
    await store.putStudy(config);
    let startPython: () => void = () => undefined;
    const pythonStarted = new Promise<void>((resolve) => (startPython = resolve));
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => ({ benchmark: 'humaneval', problems: [], sha256: config.datasetSha256, source: 'test', failures: [] }),
        sandbox: async () => {
          await pythonStarted;
          return { run: async () => Promise.reject(new Error('no program runs here')), close: async () => undefined };
        },
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
      },
      new StudyForm(),
      new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() }),
      1,
    );
    const resumed = launcher.resume(config.id);
    // From the press, with `starting`: its card keeps the pressed button, saying Resuming…, so keyboard focus stays on it.
    expect(launcher.resuming).toBe(config.id);
    await vi.waitFor(() => expect(launcher.runningIds()).toEqual(new Set([config.id])));
    expect(launcher.run).toBeNull();
    expect(launcher.resuming).toBe(config.id);
    startPython();
    await resumed;
    // Gone with `starting`, once the run is there: the page then moves focus to its Pause.
    expect(launcher.run).not.toBeNull();
    expect({ starting: launcher.starting, resuming: launcher.resuming }).toEqual({ starting: false, resuming: null });
    await vi.waitFor(() => expect(launcher.runningIds()).toEqual(new Set()));
  });
});

describe('a study that cannot start or resume', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  async function interrupted(sandbox: () => Promise<never>) {
    // The study's endpoint answers (binding its models checks that first): what fails here is Python.
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ data: [] }), { headers: { 'Content-Type': 'application/json' } }));
    const store = new IdbStudyStore(await openLabDatabase());
    const config = contractConfig('cannot-start');
    await store.putStudy(config);
    const library = new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() });
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => ({ benchmark: 'humaneval', problems: [], sha256: config.datasetSha256, source: 'test', failures: [] }),
        sandbox,
        models: { apiKeyFor: () => undefined, webllm: async () => Promise.reject(new Error('not used')) },
        setAddress: () => undefined,
      },
      new StudyForm(),
      library,
      1,
    );
    return { launcher, config, library };
  }

  it('says Python could not start, and to reload, rather than passing on the worker’s bare error', async () => {
    const { launcher, config } = await interrupted(async () => Promise.reject(new Error('Failed to fetch pyodide.asm.wasm')));
    expect(await launcher.resume(config.id)).toBe(false);
    // Its card's button says Resume again, where keyboard focus still is.
    expect(launcher.resuming).toBeNull();
    expect(launcher.errors).toEqual([
      'Python could not start in this browser: Failed to fetch pyodide.asm.wasm',
      expect.stringMatching(/^Reload the page and try again/),
    ]);
    // Not the form's fields: the page says all of it, not "put right the fields above".
    expect(launcher.refusal.fields).toEqual([]);
  });

  it('leaves a study that another tab runs at its own sentence, with no advice to reload or resume', async () => {
    const { launcher, config } = await interrupted(async () => Promise.reject(new Error('the sandbox must not start for a study another tab runs')));
    const release = studyHeldByAnotherTab(config.id);
    expect(await launcher.resume(config.id)).toBe(false);
    expect(launcher.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    release();
  });

  it('refused because another tab took the study since its list was read, its card says so and follows it, as the sentence promises', async () => {
    const { launcher, config, library } = await interrupted(async () => Promise.reject(new Error('the sandbox must not start for a study another tab runs')));
    // The list was read while no tab ran it: its card says interrupted and offers Resume.
    await library.refresh();
    expect(library.state(library.listings[0]!)).toBe('interrupted');
    // Another tab resumed it meanwhile; this tab is not told until its list is read again.
    const release = studyHeldByAnotherTab(config.id);
    expect(await launcher.resume(config.id)).toBe(false);
    expect(launcher.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    // It used to keep saying "interrupted", with Resume, for as long as the page stayed open.
    expect(library.state(library.listings[0]!)).toBe('running in another tab');
    release();
  });

  it('stops saying the study goes on in another tab once that tab lets go of it', async () => {
    const { launcher, config, library } = await interrupted(async () => Promise.reject(new Error('the sandbox must not start for a study another tab runs')));
    const release = studyHeldByAnotherTab(config.id);
    expect(await launcher.resume(config.id)).toBe(false);
    expect(launcher.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    // Read again while that tab runs it: the sentence holds.
    await library.refresh();
    expect(launcher.errors).toEqual([RUNNING_IN_ANOTHER_TAB]);
    // That tab is closed: its list, read again a few seconds later, offers Resume. "It goes on there" stayed up beside it.
    release();
    await vi.waitFor(async () => {
      await library.refresh();
      expect(library.state(library.listings[0]!)).toBe('interrupted');
    });
    expect(launcher.errors).toEqual([LET_GO_IN_ANOTHER_TAB]);
    expect(launcher.refusal.fields).toEqual([]);
    // Any other refusal is left as it was.
    launcher.errors = ['Something else.'];
    expect(launcher.errors).toEqual(['Something else.']);
  });

  it('refuses to start while the Python workers field holds a count this machine cannot run, with the form\'s other problems', async () => {
    const { launcher, form } = await setUp([]);
    form.engine = 'openai';
    form.endpoint = 'http://127.0.0.1:9/v1';
    form.repeats = 0;
    launcher.workersField.typed = 0;
    const problems = launcher.problems();
    expect(problems).toEqual([expect.stringMatching(/^Repeats: 0 is out of range/), expect.stringMatching(/^Python workers: 0 is out of range\. Give a whole number from 1 to \d+\./)]);
    expect(await StudyLauncher.prototype.start.call(launcher)).toBeNull();
    expect(launcher.refusal).toEqual({ lines: problems, fields: problems });
    // Put right, the count typed is the one a run starts with.
    launcher.workersField.typed = 1;
    expect(launcher.problems()).toEqual([expect.stringMatching(/^Repeats/)]);
    expect(launcher.workers).toBe(1);
  });

  it('refused for the form\'s fields, it keeps which problems it was refused for, so the page can point to them', async () => {
    const { launcher, form } = await setUp([]);
    form.engine = 'openai';
    form.endpoint = 'http://127.0.0.1:9/v1';
    form.repeats = null as unknown as number;
    const problems = form.problems();
    expect(problems).toEqual([expect.stringMatching(/^Repeats: empty\./)]);
    expect(await StudyLauncher.prototype.start.call(launcher)).toBeNull();
    expect(launcher.refusal).toEqual({ lines: problems, fields: problems });
    expect(launcher.errors).toEqual(problems);
    // Any other sentence the launcher sets (a link it cannot read, a tab that runs the study) is not the fields'.
    launcher.errors = [RUNNING_IN_ANOTHER_TAB];
    expect(launcher.refusal).toEqual({ lines: [RUNNING_IN_ANOTHER_TAB], fields: [] });
  });
});
