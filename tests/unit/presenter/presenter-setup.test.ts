/**
 * The presenter opened by a link that names a result file open in this tab (the Results page's
 * "Present" links): it replays that problem from that file, and says what it could not use.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NamedResultFile } from '../../../src/core/analysis/result-file-study.ts';
import { presenterLinkQuery, readPresenterLink } from '../../../src/core/presenter/link.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { KeepFileError } from '../../../src/store/kept-file-error.ts';
import { BenchmarkDataset } from '../../../src/ui/datasets/benchmark-dataset.svelte.ts';
import { fileSourceLabel, replayableFile, unitsListedText } from '../../../src/ui/presenter/file-units.ts';
import { PresenterSetup, finishedUnits } from '../../../src/ui/presenter/presenter-setup.svelte.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

/** No benchmark file anywhere: a replay goes on without the problem's tests. */
const offline = (benchmark: 'humaneval' | 'mbpp') => new BenchmarkDataset(benchmark, { cache: async () => null, makeFetchBytes: () => async () => new Uint8Array(), sources: [] });

function presenterSetup(openFiles: readonly NamedResultFile[]): PresenterSetup {
  return new PresenterSetup(setupDeps(openFiles));
}

function setupDeps(openFiles: readonly NamedResultFile[]): ConstructorParameters<typeof PresenterSetup>[0] {
  return {
    datasets: { humaneval: offline('humaneval'), mbpp: offline('mbpp') },
    sandbox: () => Promise.reject(new Error('A replay needs no sandbox.')),
    storage: undefined,
    openedResultFile: async (fileName) => {
      const opened = openFiles.find((f) => f.fileName === fileName);
      return opened ? replayableFile(opened.fileName, opened.doc) : null;
    },
  };
}

/** The link the Results page's explorer writes, read back as the presenter page reads it. */
function explorerLink(fileName: string, problemId: string) {
  return readPresenterLink(new URLSearchParams(presenterLinkQuery({ source: 'file', fileName, problemId, autostart: true })));
}

let docPromise: Promise<ResultFile> | undefined;
const doc = () => (docPromise ??= studyResultFile());

describe('a presenter link to a problem of a result file', () => {
  it('reads back the file, the problem and autostart it was written with', () => {
    const { link, problems } = explorerLink('study 1.json.gz', 'HumanEval/901');
    expect(problems).toEqual([]);
    expect(link).toMatchObject({ source: 'file', fileName: 'study 1.json.gz', problemId: 'HumanEval/901', autostart: true });
  });

  it('replays that problem from the file already open in this tab, choosing a run that refinement fixed', async () => {
    const setup = presenterSetup([{ fileName: 'study.json', doc: await doc() }]);
    const { link, problems } = explorerLink('study.json', 'HumanEval/901');
    await setup.applyLink(link, problems);
    expect(setup.problems).toEqual([]);
    expect(setup.source).toBe('file');
    expect(setup.file?.fileName).toBe('study.json');
    expect(setup.fileUnit?.problemId).toBe('HumanEval/901');
    // Its solo runs failed with nothing to refine; the self-refine runs fixed it.
    const runs = finishedUnits(await doc()).filter((u) => u.problemId === 'HumanEval/901');
    expect(runs.find((u) => !u.passed)?.armLabel).toBe('llama solo');
    expect(setup.fileUnit).toMatchObject({ armLabel: 'llama self-refine', passed: true });
    expect(setup.fileUnit?.story).toMatch(/^\w+ → .*passed$/);

    const show = await setup.buildShow();
    expect(show.subject.problemId).toBe('HumanEval/901');
    // The fixture's arm is renamed ('llama self-refine'), so its label says something the pipeline's name does not.
    expect(show.subject.sourceLabel).toMatch(/^study\.json · llama self-refine · repeat \d+$/);
  });

  it('says how many units of the file are left out of the list, having no run to replay', async () => {
    const whole = await doc();
    const file = replayableFile('study.json', whole);
    expect(unitsListedText(file)).toBe(`${file.units.length} finished in study.json`);
    const [first, ...rest] = whole.units;
    const errored = { ...whole, units: [{ armId: first!.armId, repeat: first!.repeat, problemId: first!.problemId, status: 'errored', message: 'refused', attempts: 1, steps: [] }, ...rest] } as ResultFile;
    expect(unitsListedText(replayableFile('study.json', errored))).toBe(`${file.units.length - 1} finished in study.json; 1 errored, unfinished or never run, with no run to replay, not listed`);
  });

  it('names the arm once in the header: its label is left out when it is the pipeline name the toolbar already shows', () => {
    const name = 'llama → exec → llama (self-refine)';
    expect(`${name} · ${fileSourceLabel('first-tour.json', name, name, 0)}`).toBe('llama → exec → llama (self-refine) · first-tour.json · repeat 1');
    expect(fileSourceLabel('first-tour.json', 'baseline', 'llama solo', 2)).toBe('first-tour.json · baseline · repeat 3');
  });

  it('keeps an override in a label or a file name from reversing the rest of the header', () => {
    expect(fileSourceLabel('rtl.json', 'Solo \u202eevil', 'llama solo', 0)).toBe('rtl.json · Solo evil · repeat 1');
    expect(fileSourceLabel('\u202enosj.exe', 'تحسين', 'llama solo', 1)).toBe('nosj.exe · \u2068تحسين\u2069 · repeat 2');
  });

  it('asks for the file when this tab does not have it open, then picks the problem once it is opened here', async () => {
    const setup = presenterSetup([]);
    const { link, problems } = explorerLink('study.json', 'HumanEval/903');
    await setup.applyLink(link, problems);
    expect(setup.file).toBeNull();
    expect(setup.problems.join(' ')).toMatch(/study\.json is not open in this tab.*open it here/);

    await setup.openFile(new File([(await fileBytes(await doc())) as BlobPart], 'study.json'));
    expect(setup.fileError).toBeNull();
    expect(setup.fileUnit?.problemId).toBe('HumanEval/903');
  });

  it('replays the run a link names, keeps the file it came from, and finds it again by the key its address carries', async () => {
    const stored = new Map<string, { fileName: string; blob: Blob }>();
    const keptFiles = async () => ({
      keep: async (fileName: string, blob: Blob) => (stored.set('k1', { fileName, blob }), 'k1'),
      get: async (key: string) => stored.get(key) ?? null,
    });
    const bytes = await fileBytes(await doc());
    const solo = finishedUnits(await doc()).find((u) => u.problemId === 'HumanEval/901' && u.armLabel === 'llama solo')!;
    const first = new PresenterSetup({ ...setupDeps([]), keptFiles });
    const linked = readPresenterLink(
      new URLSearchParams(presenterLinkQuery({ source: 'file', fileName: 'study.json', problemId: 'HumanEval/901', armId: solo.armId, run: solo.repeat + 1 })),
    );
    expect(linked.problems).toEqual([]);
    await first.applyLink(linked.link, linked.problems);
    await first.openFile(new File([bytes as BlobPart], 'study.json'));
    // The run named, not the most telling one of the problem.
    expect(first.fileUnit?.key).toBe(solo.key);
    await vi.waitFor(() => expect(first.keptKey).toBe('k1'));
    const address = first.linkQuery(true);
    expect(address).toMatchObject({ source: 'file', file: 'study.json', kept: 'k1', problem: 'HumanEval/901', arm: solo.armId, run: String(solo.repeat + 1) });

    // A reload: nothing open in the tab, the file read back from where it was kept.
    const reloaded = new PresenterSetup({ ...setupDeps([]), keptFiles });
    const again = readPresenterLink(new URLSearchParams(address));
    await reloaded.applyLink(again.link, again.problems);
    expect(reloaded.problems).toEqual([]);
    expect(reloaded.fileUnit?.key).toBe(solo.key);
    expect(reloaded.keptKey).toBe('k1');

    // Storage cleared since: a sentence that says so and what to do.
    stored.clear();
    const cleared = new PresenterSetup({ ...setupDeps([]), keptFiles });
    await cleared.applyLink(again.link, again.problems);
    expect(cleared.file).toBeNull();
    expect(cleared.problems.join(' ')).toMatch(/study\.json is no longer kept in this browser.*open the file here again/);
  });

  it('says the storage could not be opened, not that the file is gone, when the kept-files database fails (a private window, storage blocked)', async () => {
    const address = presenterLinkQuery({ source: 'file', fileName: 'study.json', kept: 'k1', problemId: 'HumanEval/901', autostart: false });
    const { link, problems } = readPresenterLink(new URLSearchParams(address));
    const refused = () => Promise.reject(new DOMException('The user denied permission to access the database.', 'UnknownError'));
    for (const keptFiles of [refused, async () => ({ keep: refused, get: refused })]) {
      const setup = new PresenterSetup({ ...setupDeps([]), keptFiles });
      await setup.applyLink(link, problems);
      expect(setup.file).toBeNull();
      const said = setup.problems.join(' ');
      expect(said).toMatch(/study\.json is kept in this browser for this show, but this site's storage could not be opened \(a private window, or storage blocked for this site\).*open the file here again/);
      expect(said).not.toContain('no longer kept');
    }
  });

  it('says when a picked file could not be kept for a reload (browser full), and the show still works', async () => {
    const keptFiles = async () => ({
      keep: (fileName: string) => Promise.reject(new KeepFileError(fileName, new DOMException('', 'QuotaExceededError'))),
      get: async () => null,
    });
    const setup = new PresenterSetup({ ...setupDeps([]), keptFiles });
    setup.source = 'file';
    await setup.openFile(new File([(await fileBytes(await doc())) as BlobPart], 'study.json'));
    expect(setup.file?.fileName).toBe('study.json');
    await vi.waitFor(() => expect(setup.keepProblem).toBe('study.json could not be kept in this browser (this browser has no room left for it): the show works, but after a reload the file must be opened here again.'));
    expect(setup.linkQuery(false)).not.toHaveProperty('kept');
  });

  it('says why a picked file is refused: what to do, and each field at fault', async () => {
    const setup = presenterSetup([]);
    const broken = structuredClone(await doc()) as unknown as { units: { repeat: unknown }[] };
    broken.units[0]!.repeat = 'zero';
    await setup.openFile(new File([JSON.stringify(broken)], 'broken.json'));
    expect(setup.fileError).toMatchObject({ fileName: 'broken.json', message: expect.stringMatching(/wrong type or value/), hint: expect.stringMatching(/\S/) });
    expect(setup.fileError?.details).toEqual([expect.stringMatching(/^units\[0\]\.repeat: /)]);
    expect(setup.reading).toBe(false);
    await setup.openFile(new File([(await fileBytes(await doc())) as BlobPart], 'study.json'));
    expect(setup.fileError).toBeNull();
    expect(setup.file?.fileName).toBe('study.json');
  });

  it('says so when the file has no finished run of the problem, and offers its most telling run instead', async () => {
    const setup = presenterSetup([{ fileName: 'study.json', doc: await doc() }]);
    const { link, problems } = explorerLink('study.json', 'HumanEval/42');
    await setup.applyLink(link, problems);
    const shown = setup.fileUnit;
    expect(setup.problems).toEqual([`study.json has no finished run of HumanEval/42: showing ${shown?.problemId} (${shown?.armLabel}, run ${(shown?.repeat ?? 0) + 1}) instead.`]);
    expect(shown?.story.startsWith('passed')).toBe(false);
    // The show says it too, for as long as it runs: the setup's list is gone once it starts.
    expect((await setup.buildShow()).subject.note).toBe(setup.problems[0]);
  });

  it('says on stage which run it shows when the link names a run the file lacks, and keeps the way back to Results', async () => {
    const setup = presenterSetup([{ fileName: 'study.json', doc: await doc() }]);
    const problemId = finishedUnits(await doc())[0]!.problemId;
    const armId = finishedUnits(await doc())[0]!.armId;
    const { link, problems } = readPresenterLink(
      new URLSearchParams(presenterLinkQuery({ source: 'file', fileName: 'study.json', problemId, armId, run: 9, autostart: true, results: 'problem=HumanEval%2F3&run=2' })),
    );
    await setup.applyLink(link, problems);
    expect(setup.fileUnit?.problemId).toBe(problemId);
    const show = await setup.buildShow();
    expect(show.subject.note).toMatch(new RegExp(`^study\\.json has no finished run 9 of .+ on ${problemId.replace('/', '\\/')}: showing .+, run \\d instead\\.$`));
    expect(setup.linkQuery(true).results).toBe('problem=HumanEval%2F3&run=2');
    // Another run picked by hand is the one asked for: no note.
    const other = setup.file!.units.find((u) => u.key !== setup.fileUnitKey)!;
    setup.fileUnitKey = other.key;
    expect((await setup.buildShow()).subject.note).toBeNull();
  });
});

describe('a presenter link that names an endpoint', () => {
  afterEach(() => vi.unstubAllGlobals());

  /** This browser remembers a key for its own server, as the Models page keeps it when "remember" is ticked. */
  function rememberingSetup(): PresenterSetup {
    const items = new Map([['feedback-lab.endpoint', JSON.stringify({ baseUrl: 'http://127.0.0.1:11434', model: 'llama3.2:3b', apiKey: 'sk-mine' })]]);
    return new PresenterSetup({
      datasets: { humaneval: offline('humaneval'), mbpp: offline('mbpp') },
      sandbox: () => Promise.reject(new Error('No run here.')),
      storage: { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) },
    });
  }
  const linkTo = (endpoint: string) =>
    readPresenterLink(new URLSearchParams(presenterLinkQuery({ source: 'endpoint', endpoint, model: 'm', problemId: 'HumanEval/0', autostart: true })));

  it('never hands the key remembered for this browser’s server to the server the link names', async () => {
    const setup = rememberingSetup();
    expect(setup.endpoint.keyToSend()).toBe('sk-mine');
    const { link, problems } = linkTo('http://203.0.113.9:8080/v1');
    await setup.applyLink(link, problems);
    expect(setup.endpoint.baseUrl).toBe('http://203.0.113.9:8080/v1');
    expect(setup.endpoint.apiKey).toBe('');
    expect(setup.endpoint.keyToSend()).toBeUndefined();
    // A key typed for that server is the presenter's own choice, and is sent.
    setup.endpoint.apiKey = 'sk-theirs';
    expect(setup.endpoint.keyToSend()).toBe('sk-theirs');
  });

  it('holds an autostart that would send the remembered key with a model the link chose, until Start (audit R215-3)', async () => {
    const setup = rememberingSetup();
    const { link, problems } = readPresenterLink(
      new URLSearchParams(presenterLinkQuery({ source: 'endpoint', model: 'o1-pro', problemId: 'HumanEval/0', autostart: true })),
    );
    await setup.applyLink(link, problems);
    expect(setup.endpoint.keyToSend()).toBe('sk-mine');
    expect(await setup.autostartHeld()).toBe(
      'This link starts a live show at once on http://127.0.0.1:11434 with the model "o1-pro", sending the API key this browser holds for that endpoint. Nothing was started: check the model and press Start.',
    );
    // To another server no key goes, and a show that sends none starts as the link says.
    const elsewhere = rememberingSetup();
    const other = linkTo('http://203.0.113.9:8080/v1');
    await elsewhere.applyLink(other.link, other.problems);
    expect(await elsewhere.autostartHeld()).toBeNull();
  });

  it('keeps the remembered key for a link to the same server, however its address is written', async () => {
    const setup = rememberingSetup();
    const { link, problems } = linkTo('http://127.0.0.1:11434/v1/');
    await setup.applyLink(link, problems);
    expect(setup.endpoint.keyToSend()).toBe('sk-mine');
  });

  it('checks the link’s server without the remembered key, and without saving over the Models page’s endpoint', async () => {
    const saved = JSON.stringify({ baseUrl: 'http://127.0.0.1:11434', model: 'llama3.2:3b', apiKey: 'sk-mine' });
    const items = new Map([['feedback-lab.endpoint', saved]]);
    const setup = new PresenterSetup({
      datasets: { humaneval: offline('humaneval'), mbpp: offline('mbpp') },
      sandbox: () => Promise.reject(new Error('No run here.')),
      storage: { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) },
    });
    const sent: (string | null)[] = [];
    vi.stubGlobal('fetch', async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers).get('authorization'));
      return new Response(JSON.stringify({ data: [{ id: 'm' }] }), { status: 200 });
    });
    // Changed by hand, the key still in its field: Check does not send it there.
    setup.endpoint.baseUrl = 'http://203.0.113.9:8080';
    await setup.endpoint.connect({ keep: false });
    expect(setup.endpoint.status).toBe('connected');
    expect(sent).toEqual([null]);
    // A key typed for the link's server is sent, and kept in memory only, as the field says.
    const { link, problems } = linkTo('http://203.0.113.9:8080/v1');
    await setup.applyLink(link, problems);
    setup.endpoint.apiKey = 'sk-theirs';
    await setup.endpoint.connect({ keep: false });
    expect(sent).toEqual([null, 'Bearer sk-theirs']);
    expect(items.get('feedback-lab.endpoint')).toBe(saved);
  });

  it('does not send the remembered key when the address is changed by hand either', () => {
    const setup = rememberingSetup();
    setup.endpoint.baseUrl = 'http://203.0.113.9:8080';
    expect(setup.endpoint.apiKey).toBe('sk-mine');
    expect(setup.endpoint.keyToSend()).toBeUndefined();
  });
});

describe('a presenter link that starts a live show in this browser by itself', () => {
  const liveLink = (preset: string) => readPresenterLink(new URLSearchParams(presenterLinkQuery({ source: 'webllm', problemId: 'HumanEval/0', presetId: preset, autostart: true })));

  it('waits for Start while its models are not downloaded, naming them and their size', async () => {
    const asked: string[] = [];
    const setup = new PresenterSetup({
      ...setupDeps([]),
      webllmDownloads: async (pipeline) => {
        asked.push(pipeline.id);
        return [{ modelId: 'Llama-3.2-3B-Instruct-q4f16_1-MLC', bytes: 1_900_000_000 }];
      },
    });
    const link = liveLink('llama-self-refine');
    await setup.applyLink(link.link, link.problems);
    expect(setup.source).toBe('webllm');
    const held = await setup.autostartHeld();
    expect(held).toMatch(/^This link starts a live show in this browser, which would first download Llama-3\.2-3B-Instruct-q4f16_1-MLC \(about 1\.8 GB\)\. Nothing was started or downloaded: press Start/);
    expect(asked).toEqual(['llama-self-refine']);
  });

  it('starts as before when they are downloaded, and never asks for a recording or an endpoint', async () => {
    let asked = 0;
    const setup = new PresenterSetup({ ...setupDeps([]), webllmDownloads: async () => (asked++, []) });
    const live = liveLink('llama-self-refine');
    await setup.applyLink(live.link, live.problems);
    expect(await setup.autostartHeld()).toBeNull();
    const demo = readPresenterLink(new URLSearchParams(presenterLinkQuery({ source: 'demo', autostart: true })));
    await setup.applyLink(demo.link, demo.problems);
    expect(await setup.autostartHeld()).toBeNull();
    expect(asked).toBe(1);
  });
});

describe('the presenter set up for a live run on an endpoint', () => {
  it('says before Start that every role of a cross-model pipeline asks the one model named, and nothing for a pipeline of one model (audit R203-4)', () => {
    const setup = presenterSetup([]);
    setup.presetId = 'qwen-to-llama';
    expect(setup.endpointRolesNote).toBe(
      "This pipeline's roles use qwen2.5:1.5b and llama3.2:3b; on an endpoint every role asks the one model named here. The Study page asks each role's own model.",
    );
    setup.presetId = 'llama-self-refine';
    expect(setup.endpointRolesNote).toBeNull();
  });
});
