import { describe, expect, it } from 'vitest';
import { llamaSelfRefine, llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { studyPromptSet } from '../../../src/core/study/config.ts';
import { createStudyConfig } from '../../../src/core/study/create-config.ts';
import { decodeStudyLink, encodeStudyLink } from '../../../src/core/study/link.ts';
import { MemoryStudyStore } from '../../../src/core/study/memory-store.ts';
import { runStudy } from '../../../src/core/study/runner.ts';
import { summarizeArms } from '../../../src/core/study/summary.ts';
import { linkIdentity, newStudyId } from '../../../src/ui/study/study-launcher.svelte.ts';
import { FormProblems } from '../../../src/ui/shared/form-problems.ts';
import { refusal } from './form-refusal.ts';
import { parseIds } from '../../../src/ui/shared/problem-selection.ts';
import { PAIRING_MATRIX, StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { replayModels, replaySourceMismatch } from '../../../src/ui/study/replay-study.ts';
import { StudyRun } from '../../../src/ui/study/study-run.svelte.ts';
import { PROBLEMS, TRUTH, studyConfig, truthModel, truthSandbox } from '../study/study-fixtures.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const ENDPOINT = 'http://127.0.0.1:11434/v1';

function endpointForm(): StudyForm {
  const form = new StudyForm();
  form.engine = 'openai';
  form.endpoint = ENDPOINT;
  form.defaultEndpointModel = 'fake-model';
  return form;
}

describe('the study form', () => {
  it('names every number it cannot start with as it is typed, an emptied field as empty, never as 0 or seed 0', () => {
    // bind:value gives null for a number input the user has emptied.
    const emptied = null as unknown as number;
    const form = endpointForm();
    expect(form.problems()).toEqual([]);
    form.repeats = emptied;
    form.selectionKind = 'random';
    form.n = emptied;
    form.seed = emptied;
    expect(form.problems()).toEqual([
      'N: empty. Give a whole number from 1 to 164.',
      'Seed: empty. Give a whole number (the same seed draws the same problems).',
      'Repeats: empty. Give a whole number from 1 to 100.',
    ]);
    // Starting (or copying a link) refuses with every one of them, for the page to list.
    expect(refusal(form)).toEqual(form.problems());
    expect(() => form.toLink()).toThrow(FormProblems);

    // A fraction was rounded before (2.5 repeats ran 3); a count beyond the benchmark failed only after loading it.
    form.repeats = 2.5;
    form.n = 500;
    form.seed = 3;
    expect(form.problems()).toEqual([
      'N: 500 is out of range. Give a whole number from 1 to 164.',
      'Repeats: 2.5 is not a whole number. Give a whole number from 1 to 100.',
    ]);
    form.benchmark = 'mbpp';
    expect(form.problems()[0]).toBe('N: 500 is out of range. Give a whole number from 1 to 427.');
    form.benchmark = 'humaneval';
    form.repeats = 101;
    form.n = 5;
    expect(form.problems()).toEqual(['Repeats: 101 is out of range. Give a whole number from 1 to 100.']);

    form.repeats = 2;
    expect(form.problems()).toEqual([]);
    expect(form.toDraft().selection).toEqual({ kind: 'random', n: 5, seed: 3 });
    expect(form.plan).toBe('2 arms × 2 repeats over the chosen problems.');
    // Any whole seed, as study links have always carried.
    form.seed = -7;
    expect(form.toDraft().selection).toEqual({ kind: 'random', n: 5, seed: -7 });
    // The fields a choice hides are not held against it.
    form.selectionKind = 'all';
    form.n = emptied;
    expect(form.problems()).toEqual([]);
  });

  it('lets a replay start whatever its locked fields hold: the file brings its problems and repeats', () => {
    const form = new StudyForm();
    form.engine = 'replay';
    form.repeats = null as unknown as number;
    expect(form.problems()).toEqual([]);
  });

  it('starts with the study’s headline pair: llama solo against llama self-refine', () => {
    const form = new StudyForm();
    expect(form.arms.map((arm) => arm.id)).toEqual([llamaSolo.id, llamaSelfRefine.id]);
    expect(form.modelKeys).toEqual(['llama3.2:3b']);
  });

  it('binds every model key to the endpoint under the endpoint’s default model, and says so in its link', async () => {
    const form = endpointForm();
    form.selectionKind = 'ids';
    form.idsText = '0, 2 HumanEval/5';
    form.repeats = 2;
    const draft = form.toDraft();
    expect(draft.models).toEqual({ 'llama3.2:3b': { engine: 'openai', id: 'fake-model', baseUrl: ENDPOINT } });
    expect(draft.selection).toEqual({ kind: 'ids', ids: ['HumanEval/0', 'HumanEval/2', 'HumanEval/5'] });
    const link = form.toLink();
    expect(link.modelNames).toEqual({ 'llama3.2:3b': 'fake-model' });
    expect(link.endpoint).toBe(ENDPOINT);
  });

  it('describes the same study after a trip through a link', async () => {
    const form = endpointForm();
    form.name = 'Round trip';
    form.selectionKind = 'random';
    form.n = 12;
    form.seed = 7;
    form.mode = 'standard';
    form.pairingMatrix = true;
    form.togglePreset('coder-solo', true);
    const decoded = await decodeStudyLink(await encodeStudyLink(form.toLink({ autorun: true })));
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.link.autorun).toBe(true);

    const opened = new StudyForm();
    opened.fromLink(decoded.link);
    expect(opened.engine).toBe('openai');
    expect(opened.arms.map((arm) => arm.id).sort()).toEqual(form.arms.map((arm) => arm.id).sort());
    // Presets come back as presets; the matrix arms, which are not presets, as ticked arms of the link.
    expect(opened.presetIds.sort()).toEqual(['coder-solo', 'llama-self-refine', 'llama-solo']);
    expect(opened.linkArms).toHaveLength(PAIRING_MATRIX.length);
    expect(opened.toDraft()).toEqual(form.toDraft());
  });

  it('keeps a link’s arm order from opening it to copying and running it; an arm ticked by hand goes last', async () => {
    // Not the list's order: self-refine before solo, and a forced preset (a link arm, listed after the presets) first.
    const search = 'study=1&b=humaneval&sel=first&n=2&r=1&arm=pf:qwen-to-llama&arm=p:llama-self-refine&arm=p:llama-solo&engine=openai&endpoint=http://127.0.0.1:11434/v1';
    const decoded = await decodeStudyLink(search);
    if (!decoded.ok) throw new Error(decoded.errors.join('\n'));
    const form = new StudyForm();
    form.fromLink(decoded.link);
    const linkOrder = ['qwen-to-llama-forced', 'llama-self-refine', 'llama-solo'];
    expect(form.arms.map((arm) => arm.id)).toEqual(linkOrder);
    expect(form.armOrderNote).toBe(
      'They run, and their results are listed, in this order: qwen → exec → llama (cross-model) (forced iterations), llama → exec → llama (self-refine), llama3.2:3b solo.',
    );
    // Copy study link gives the link's order, and so does the study it starts.
    expect(new URLSearchParams(await encodeStudyLink(form.toLink())).getAll('arm')).toEqual(['pf:qwen-to-llama', 'p:llama-self-refine', 'p:llama-solo']);
    expect(form.toDraft().arms.map((arm) => arm.id)).toEqual(linkOrder);

    // Ticked by hand: last, in the order ticked; unticked and ticked again: last again.
    form.togglePreset('coder-solo', true);
    form.togglePreset('llama-self-refine', false);
    form.togglePreset('llama-self-refine', true);
    expect(form.arms.map((arm) => arm.id)).toEqual(['qwen-to-llama-forced', 'llama-solo', 'coder-solo', 'llama-self-refine']);
    // The pairing matrix has no order of its own: its arms follow, in the list's order.
    form.pairingMatrix = true;
    expect(form.arms.map((arm) => arm.id).slice(4)).toEqual(PAIRING_MATRIX.map((p) => p.id));
  });

  it('picks WebLLM builds for the GPU at hand, unless the user chose another', () => {
    const form = new StudyForm();
    form.engine = 'webllm';
    form.shaderF16 = false;
    expect(form.toDraft().models['llama3.2:3b']).toMatchObject({ engine: 'webllm', id: 'Llama-3.2-3B-Instruct-q4f32_1-MLC', quantization: 'q4f32_1' });
    form.shaderF16 = true;
    expect(form.toDraft().models['llama3.2:3b']?.id).toBe('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    form.modelNames = { 'llama3.2:3b': 'Llama-3.2-1B-Instruct-q4f16_1-MLC' };
    expect(form.toLink().modelNames).toEqual({ 'llama3.2:3b': 'Llama-3.2-1B-Instruct-q4f16_1-MLC' });
  });

  it('says what is missing instead of making a study that cannot run', () => {
    const form = endpointForm();
    form.endpoint = ' ';
    expect(() => form.toLink()).toThrow(/endpoint’s address/);
    form.endpoint = ENDPOINT;
    form.presetIds = [];
    expect(() => form.toDraft()).toThrow(/at least one arm/);
    form.engine = 'replay';
    expect(() => form.toDraft()).toThrow(/result file to replay/);
    expect(() => form.toLink()).toThrow(/cannot be shared as a link/);
  });

  it('reads problem ids with or without their benchmark prefix', () => {
    expect(parseIds(' 3,4;  Mbpp/7 ', 'mbpp')).toEqual(['Mbpp/3', 'Mbpp/4', 'Mbpp/7']);
    expect(parseIds('', 'humaneval')).toEqual([]);
  });
});

describe('study links on the page', () => {
  it('recognise the same link whatever autorun and the study id added to it say', () => {
    const a = new URLSearchParams('study=1&b=humaneval&arm=p%3Allama-solo&autorun=1');
    const b = new URLSearchParams('study=1&b=humaneval&arm=p%3Allama-solo&sid=study-x1');
    expect(linkIdentity(a)).toBe(linkIdentity(b));
    expect(linkIdentity(a)).not.toContain('autorun');
  });

  it('get study ids a stored study accepts, different each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newStudyId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/);
  });
});

describe('replaying a result file', () => {
  async function recorded(): Promise<ResultFile> {
    const store = new MemoryStudyStore();
    const config = studyConfig();
    await runStudy(config, PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store, now: () => 0 }, { retryDelayMs: 0 });
    const stored = (await store.loadStudy(config.id))!;
    return buildResultFile(config, resultUnitsFromStore(stored), {
      appVersion: '0',
      userAgent: 'test',
      gpu: null,
      webllmVersion: null,
      pyodideVersion: null,
      crossOriginIsolated: false,
      recordedAt: '2026-05-01T00:00:00.000Z',
    });
  }

  it('runs the file’s arms again from its recorded replies and gets its verdicts, arm by arm', async () => {
    const doc = await recorded();
    const form = new StudyForm();
    form.engine = 'replay';
    form.replay = { fileName: 'recorded.json', doc };
    expect(form.arms.map((arm) => arm.id)).toEqual(doc.config.arms.map((arm) => arm.id));
    // Every arm has its own keys, so solo and self-refine never answer from each other's replies.
    expect(new Set(form.modelKeys).size).toBe(doc.config.arms.length);

    const config = createStudyConfig(form.toDraft(), {
      id: 'replayed',
      created: '2026-05-02T00:00:00.000Z',
      problems: PROBLEMS,
      datasetSha256: doc.config.datasetSha256,
      promptSet: studyPromptSet(doc.config),
    });
    expect(Object.values(config.models).every((binding) => binding.engine === 'replay')).toBe(true);
    const models = replayModels(doc);
    const store = new MemoryStudyStore();
    const end = await runStudy(config, PROBLEMS, { model: (key) => models.get(key)!, sandbox: truthSandbox(), store, now: () => 0 }, { retryDelayMs: 0 });
    expect(end.status).toBe('done');
    const stored = (await store.loadStudy('replayed'))!;
    expect(stored.finished.every((unit) => unit.result.status === 'finished')).toBe(true);
    const passed = Object.fromEntries(summarizeArms(config, stored.finished).map((arm) => [arm.armId, arm.passedPerRepeat]));
    expect(passed).toEqual(TRUTH);
  });

  it('ends a unit a partial file never ran at once, saying so, instead of retrying it for nothing', async () => {
    const full = await recorded();
    // The study was stopped before its last unit: the file lacks it.
    const missing = full.units.at(-1)!;
    const doc: ResultFile = { ...full, units: full.units.slice(0, -1) };
    const form = new StudyForm();
    form.engine = 'replay';
    form.replay = { fileName: 'partial.json', doc };
    const config = createStudyConfig(form.toDraft(), {
      id: 'replayed-partial',
      created: '2026-05-02T00:00:00.000Z',
      problems: PROBLEMS,
      datasetSha256: doc.config.datasetSha256,
      promptSet: studyPromptSet(doc.config),
    });
    const models = replayModels(doc);
    const store = new MemoryStudyStore();
    const run = new StudyRun(config);
    // No retryDelayMs: the page's own (2 s, then 4 s) would apply to every retry.
    const end = await run.run(PROBLEMS, { model: (key) => models.get(key)!, sandbox: truthSandbox(), store, now: () => 0 }, { concurrency: 2 });
    expect(end?.status).toBe('done');
    const errored = (await store.loadStudy('replayed-partial'))!.finished.filter((unit) => unit.result.status === 'errored');
    expect(errored.map((unit) => [unit.armId, unit.problemId, unit.repeat])).toEqual([[missing.armId, missing.problemId, missing.repeat]]);
    const result = errored[0]!.result as { message: string; attempts: number };
    expect(result.attempts).toBe(1);
    expect(result.message).toContain(`The replayed file holds no run of ${missing.problemId}`);
    expect(result.message).toContain('had not run it');
  });

  it('accepts for a resume only a file like the one the replay study was started from, since another study’s replies would answer silently', async () => {
    const doc = await recorded();
    const form = new StudyForm();
    form.engine = 'replay';
    form.replay = { fileName: 'recorded.json', doc };
    // The form's own Repeats (1) is not what a replay runs: the file's repeats are.
    expect(form.plan).toBe(`${doc.config.arms.length} arms × ${doc.config.repeats} repeats over the chosen problems.`);
    // Its cost is the file's units, and no model call.
    const units = doc.config.problemIds.length * doc.config.arms.length * doc.config.repeats;
    expect(form.cost()).toBe(
      `On ${doc.config.problemIds.length} problems: ${units} units (a unit is one problem through one arm, once). A replay calls no model: every reply comes from the file, and only Python runs here.`,
    );
    const config = createStudyConfig(form.toDraft(), {
      id: 'replayed',
      created: '2026-05-02T00:00:00.000Z',
      problems: PROBLEMS,
      datasetSha256: doc.config.datasetSha256,
      promptSet: studyPromptSet(doc.config),
    });
    // The same file again (a reload, then Resume): nothing differs.
    expect(replaySourceMismatch(config, { fileName: 'recorded.json', doc: structuredClone(doc) })).toBeNull();
    // Another study's file with the same arm ids, so the same replay keys, on other problems.
    const other: ResultFile = { ...doc, config: { ...doc.config, name: 'Another study', problemIds: doc.config.problemIds.slice(1) } };
    expect(replaySourceMismatch(config, { fileName: 'other.json', doc: other })).toBe(
      'other.json (“Another study”) is not the file this study replays: its problems differ. Choose the file the study was started from under “Replay a result file”, then resume it again.',
    );
  });
});

describe('the study form before Run study', () => {
  it('says what the study will cost: problems × arms × repeats as units, and the most model calls they can make', async () => {
    const humaneval = await loadTestProblems('humaneval');
    const form = endpointForm();
    // The defaults: the first 10 problems, llama solo (1 call) and llama self-refine (1 + 3 calls), 1 repeat.
    expect(form.cost(humaneval)).toBe(
      'On 10 problems: 20 units (a unit is one problem through one arm, once), at most 50 model calls (fewer when a unit passes before its last iteration).',
    );
    form.repeats = 3;
    form.selectionKind = 'all';
    expect(form.cost()).toBe('On 164 problems: 984 units (a unit is one problem through one arm, once), at most 2,460 model calls (fewer when a unit passes before its last iteration).');
    // Solo alone never stops early: its one call per unit is the cost.
    form.togglePreset(llamaSelfRefine.id, false);
    expect(form.cost()).toBe('On 164 problems: 492 units (a unit is one problem through one arm, once), at most 492 model calls.');
    // Typed ids count as typed; the MBPP test split only once MBPP is loaded.
    form.selectionKind = 'ids';
    form.idsText = '0, 2, 5';
    form.repeats = 1;
    expect(form.cost()).toBe('On 3 problems: 3 units (a unit is one problem through one arm, once), at most 3 model calls.');
    form.benchmark = 'mbpp';
    form.selectionKind = 'mbpp-test-split';
    expect(form.cost()).toBeNull();
    expect(form.cost(await loadTestProblems('mbpp'))).toBe('On 257 problems: 257 units (a unit is one problem through one arm, once), at most 257 model calls.');
    // A study that cannot start has no cost to show.
    form.repeats = 0;
    expect(form.cost()).toBeNull();
  });

  it('names typed problem ids it cannot run as they are typed: none, one listed twice, one the benchmark does not hold', async () => {
    const humaneval = await loadTestProblems('humaneval');
    const form = endpointForm();
    form.selectionKind = 'ids';
    form.idsText = '  ';
    expect(form.problems(humaneval)).toEqual(['Problem ids: none given. Type the ids to run, e.g. 0, 2, 12 or HumanEval/0.']);
    form.idsText = '3, HumanEval/3';
    expect(form.problems(humaneval)).toEqual(['Problem ids: HumanEval/3 is listed twice. List each problem once.']);
    form.idsText = '3, 164, HumanEval/x';
    expect(form.problems(humaneval)).toEqual(['Problem ids: unknown HumanEval problem ids: HumanEval/164, HumanEval/x.']);
    // Before the benchmark is loaded only what needs no dataset is said; Run study still refuses the rest.
    expect(form.problems()).toEqual([]);
    expect(form.cost(humaneval)).toBeNull();
    // The benchmark's own problems, not another's: HumanEval's ids say nothing of MBPP's.
    form.benchmark = 'mbpp';
    form.idsText = '2, 3';
    expect(form.problems(humaneval)).toEqual([]);
    expect(form.problems(await loadTestProblems('mbpp'))).toEqual([]);
    form.idsText = '5';
    expect(form.problems(await loadTestProblems('mbpp'))).toEqual(['Problem ids: unknown MBPP problem id: Mbpp/5.']);
  });

  it('explains the problems chosen and what repeats and the harness mode do, for the choice made', () => {
    const form = endpointForm();
    expect(form.selectionNote).toBe('The first N HumanEval problems, in the file’s order: a quick look, not a sample.');
    form.selectionKind = 'random';
    expect(form.selectionNote).toMatch(/same seed draws the same problems/);
    form.benchmark = 'mbpp';
    form.selectionKind = 'mbpp-test-split';
    expect(form.selectionNote).toMatch(/numbered 11 to 510 \(257 of them/);
    expect(form.runNote).toMatch(/^A repeat runs every arm on every problem again/);
    // The study mode's surprise is said where it is chosen: answers that can never pass.
    expect(form.runNote).toMatch(/HumanEval\/32, 38 and 50 pass only when a reply writes out again the helpers their prompts define/);
    form.mode = 'standard';
    expect(form.runNote).toMatch(/puts the HumanEval prompt \(its imports and helpers\) before each reply’s code/);
  });

  it('says why Run study is disabled when no arm is ticked', () => {
    const form = endpointForm();
    form.togglePreset(llamaSolo.id, false);
    form.togglePreset(llamaSelfRefine.id, false);
    expect(form.problems()).toEqual(['Arms: none chosen. Tick at least one arm to run.']);
    expect(form.cost()).toBeNull();
    form.pairingMatrix = true;
    expect(form.problems()).toEqual([]);
    expect(form.cost()).toBe(`On 10 problems: ${10 * PAIRING_MATRIX.length} units (a unit is one problem through one arm, once), at most ${10 * PAIRING_MATRIX.length * 4} model calls (fewer when a unit passes before its last iteration).`);
  });
});

describe('a study run’s panel at its end', () => {
  it('says, once cancelled, that nothing stored is lost and where to resume it; nothing of the kind while it runs or once done', async () => {
    const run = new StudyRun(studyConfig());
    expect(run.endNote).toBeNull();
    const ended = run.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 1 });
    run.cancel();
    expect((await ended)?.status).toBe('cancelled');
    expect(run.phase).toBe('cancelled');
    expect(run.endNote).toBe(
      'Every step stored so far stays in this browser: Resume it from its card under the form to go on where it stopped, or export what it has.',
    );

    const finished = new StudyRun(studyConfig());
    await finished.run(PROBLEMS, { model: () => truthModel(), sandbox: truthSandbox(), store: new MemoryStudyStore(), now: () => 0 }, { concurrency: 2 });
    expect(finished.phase).toBe('done');
    expect(finished.endNote).toBeNull();
  });
});

describe('time limits a study link set', () => {
  it('are said on the form with the paper’s own, and can be put back, instead of riding along unseen into the next study', async () => {
    const form = endpointForm();
    expect(form.limitsNote).toBe('Python time limits: each program may run 10 s (a few slow tasks more), and each problem 120 s in all, as in the paper.');
    const params = await encodeStudyLink({ ...form.toLink(), limits: { timeoutMs: 2_500, problemTimeCapMs: 30_000 } });
    const decoded = await decodeStudyLink(params);
    if (!decoded.ok) throw new Error(decoded.errors.join(' '));
    form.fromLink(decoded.link);
    expect(form.limitsFromLink).toBe(true);
    expect(form.limitsNote).toBe(
      'Python time limits from the study link: each program may run 2.5 s (a few slow tasks more), and each problem 30 s in all (the paper’s are 10 s and 120 s).',
    );
    expect(form.toDraft().limits).toEqual({ timeoutMs: 2_500, problemTimeCapMs: 30_000 });
    form.useStudyLimits();
    expect(form.limitsFromLink).toBe(false);
    expect(form.toDraft().limits).toBeUndefined();
    expect(form.toLink().limits).toBeUndefined();
  });
});

describe('choices the form cannot start with that no number field shows', () => {
  it('names the MBPP test split kept after Benchmark went to HumanEval, instead of copying a link no one can open', async () => {
    const form = endpointForm();
    form.benchmark = 'mbpp';
    form.selectionKind = 'mbpp-test-split';
    expect(form.problems()).toEqual([]);
    // The choice leaves the list with MBPP; it used to stay chosen, unseen, with nothing said.
    form.benchmark = 'humaneval';
    const said = 'Problems: the MBPP test split is MBPP’s. Choose MBPP as the benchmark, or which HumanEval problems to run.';
    expect(form.problems()).toEqual([said]);
    expect(form.cost()).toBeNull();
    expect(() => form.linkForSharing()).toThrow(FormProblems);
    expect(refusal(form)).toEqual([said]);
    form.selectionKind = 'first';
    expect(form.problems()).toEqual([]);
  });

  it('names more arms than a study runs (a link’s own, with the presets ticked too), before the config check refuses them', async () => {
    const arms = Array.from({ length: 64 }, (_, i) => ({ id: `c${i}`, label: `Custom ${i}`, pipeline: { ...llamaSolo, id: `c${i}`, name: `Custom ${i}` }, forcedIterations: false }));
    const decoded = await decodeStudyLink(
      await encodeStudyLink({ benchmark: 'humaneval', selection: { kind: 'first', n: 1 }, arms, repeats: 1, mode: 'study', engine: 'openai', endpoint: ENDPOINT, modelNames: {}, autorun: false }),
    );
    if (!decoded.ok) throw new Error(decoded.errors.join('\n'));
    const form = endpointForm();
    form.fromLink(decoded.link);
    expect(form.problems()).toEqual([]);
    form.pairingMatrix = true;
    const said = `Arms: ${64 + PAIRING_MATRIX.length} chosen, and a study runs at most 64. Untick ${PAIRING_MATRIX.length} of them.`;
    expect(form.problems()).toEqual([said]);
    expect(form.cost()).toBeNull();
    expect(() => form.linkForSharing()).toThrow(FormProblems);
    expect(refusal(form)).toEqual([said]);
    form.pairingMatrix = false;
    expect(form.problems()).toEqual([]);
  });
});

describe('arms that share an id', () => {
  it('are named as a problem, not run as one of them while the other stays ticked', async () => {
    // A link's copy of the solo preset with a hotter generator, under the preset's id.
    const hot = { ...llamaSolo, generator: { ...llamaSolo.generator, temperature: 0.9 } };
    const search = await encodeStudyLink({
      benchmark: 'humaneval',
      selection: { kind: 'first', n: 2 },
      arms: [{ id: llamaSolo.id, label: 'My hot solo', pipeline: hot, forcedIterations: false }],
      repeats: 1,
      mode: 'study',
      engine: 'openai',
      endpoint: ENDPOINT,
      modelNames: {},
      autorun: false,
    });
    const decoded = await decodeStudyLink(search);
    if (!decoded.ok) throw new Error(decoded.errors.join('\n'));
    const form = endpointForm();
    form.fromLink(decoded.link);
    expect(form.problems()).toEqual([]);
    expect(form.arms.map((arm) => arm.label)).toEqual(['My hot solo']);
    // Ticking the preset by hand used to drop the link's arm from the study, its box still ticked.
    form.togglePreset(llamaSolo.id, true);
    const said = 'Arms: “llama3.2:3b solo” and “My hot solo” (from the study link) are both called llama-solo, and a study runs one arm per id. Untick one of them.';
    expect(form.problems()).toEqual([said]);
    expect(() => form.linkForSharing()).toThrow(FormProblems);
    expect(() => form.toDraft()).toThrow(FormProblems);
    form.toggleLinkArm(llamaSolo.id, false);
    expect(form.problems()).toEqual([]);
    expect(form.arms.map((arm) => arm.label)).toEqual(['llama3.2:3b solo']);
    // The same arm from both places is one arm, as before.
    form.toggleLinkArm(llamaSolo.id, true);
    form.linkArms = [{ id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false }];
    expect(form.problems()).toEqual([]);
    expect(form.arms).toHaveLength(1);
  });
});

describe('a study link copied from the form', () => {
  it('is refused when its study name is longer than a link carries, rather than copied for every browser to refuse (audit R163)', async () => {
    const form = endpointForm();
    form.name = '🎉'.repeat(200);
    const link = form.linkForSharing();
    expect(link.name).toBe('🎉'.repeat(200));
    expect((await decodeStudyLink(await encodeStudyLink(link))).ok).toBe(true);
    form.name = 'e\u0301'.repeat(101);
    expect(() => form.linkForSharing()).toThrow(
      'No link was copied: a study link carries a study name of at most 200 characters, and this one has 202, so the link would be refused wherever it was opened. Shorten the study name, then copy the link again.',
    );
  });

  it('is refused while the form says its typed ids are not the benchmark’s, instead of naming other problems', async () => {
    const humaneval = await loadTestProblems('humaneval');
    const form = endpointForm();
    form.selectionKind = 'ids';
    form.idsText = '0, 164';
    expect(() => form.linkForSharing(humaneval)).toThrow('Problem ids: unknown HumanEval problem id: HumanEval/164.');
    form.idsText = '0, 163';
    expect(form.linkForSharing(humaneval).selection).toEqual({ kind: 'ids', ids: ['HumanEval/0', 'HumanEval/163'] });
  });

  it('is known stale once the form describes another study, and not before', () => {
    const form = endpointForm();
    const copied = JSON.stringify(form.linkForSharing());
    expect(form.linkKey()).toBe(copied);
    // Typing the same again, or a field a link does not carry (the workers), changes nothing.
    form.repeats = 1;
    expect(form.linkKey()).toBe(copied);
    form.repeats = 3;
    expect(form.linkKey()).not.toBe(copied);
    form.repeats = 1;
    form.togglePreset(llamaSolo.id, false);
    expect(form.linkKey()).not.toBe(copied);
    // A form that describes no study has no link at all.
    form.togglePreset(llamaSelfRefine.id, false);
    expect(form.linkKey()).toBeNull();
  });
});
