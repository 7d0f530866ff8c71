/**
 * The Study form's draft: what the user filled in comes back after a reload (prompt set
 * included), a draft that no longer reads back is dropped for the defaults without an error, and
 * a study link decides over the draft unless the reload is of that very link's address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeStudyLink, type StudyLink } from '../../../src/core/study/link.ts';
import { llamaSelfRefine, llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { buildWebLLMCatalog } from '../../../src/llm/model-catalog.ts';
import { MapStorage, PROMPT_SET } from './draft-storage.ts';
import { ModelEngines } from '../../../src/ui/shared/model-engines.svelte.ts';
import { STUDY_DRAFT_KEY, StudyDraftStore, applyDraft, draftOf, parseDraft } from '../../../src/ui/study/study-form-draft.ts';
import { StudyFormKeeper } from '../../../src/ui/study/study-form-keeper.svelte.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { StudyLauncher } from '../../../src/ui/study/study-launcher.svelte.ts';
import { forgetSavedEndpoint, saveEndpoint } from './saved-endpoint-storage.ts';
import type { StudyLibrary } from '../../../src/ui/study/study-library.svelte.ts';

/** A form filled in by hand: every kind of field changed from its default. */
function filledForm(): StudyForm {
  const form = new StudyForm();
  form.name = 'Terse prompts on MBPP';
  form.benchmark = 'mbpp';
  form.selectionKind = 'random';
  form.n = 25;
  form.seed = 7;
  form.idsText = '11, 12';
  // Ticked in another order than the list's: the study runs them as ticked.
  form.togglePreset('llama-solo', false);
  form.togglePreset('llama-self-refine', false);
  form.togglePreset('coder-solo', true);
  form.togglePreset('llama-solo', true);
  form.pairingMatrix = true;
  form.repeats = 3;
  form.mode = 'standard';
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:8080/v1';
  form.apiKey = 'sk-secret';
  form.modelNames = { llama: 'llama3.2:3b' };
  form.limits = { timeoutMs: 4000 };
  expect(form.prompts.read('terse.json', PROMPT_SET)).toBe(true);
  return form;
}

/** A keeper over a fresh form, as a reloaded tab builds it. */
function reloadedTab(storage: MapStorage, workers = { value: 4 }) {
  const form = new StudyForm();
  const keeper = new StudyFormKeeper(form, new StudyDraftStore(storage), { get: () => workers.value, set: (n) => (workers.value = n) }, { debounceMs: 5 });
  return { form, keeper, workers };
}

/** A launcher that only opens links (no study is started: they do not autorun). */
function launcherFor(form: StudyForm): StudyLauncher {
  const unused = () => Promise.reject(new Error('not used'));
  return new StudyLauncher(
    { store: unused, dataset: unused, sandbox: unused, models: { apiKeyFor: () => undefined, webllm: unused }, setAddress: () => undefined },
    form,
    { refresh: unused } as unknown as StudyLibrary,
    1,
  );
}

const LINK: StudyLink = {
  name: 'Shared study',
  benchmark: 'humaneval',
  selection: { kind: 'first', n: 5 },
  arms: [{ id: llamaSelfRefine.id, label: llamaSelfRefine.name, pipeline: llamaSelfRefine, forcedIterations: false }],
  repeats: 2,
  mode: 'study',
  engine: 'openai',
  endpoint: 'http://127.0.0.1:9999/v1',
  modelNames: {},
  autorun: false,
};

describe('the study form draft', () => {
  it('gives back every field and the loaded prompt set after a reload, but never the API key', () => {
    const storage = new MapStorage();
    const first = filledForm();
    new StudyDraftStore(storage).write(draftOf(first, { workers: 3, link: null }));

    const { form, keeper, workers } = reloadedTab(storage);
    expect(keeper.restore()).toBe(true);
    expect(draftOf(form, { workers: workers.value, link: null })).toEqual(draftOf(first, { workers: 3, link: null }));
    expect(form.prompts.loaded?.fileName).toBe('terse.json');
    expect(form.promptSet?.prompts[0]?.text).toBe('Reply with Python only, nothing else.');
    expect(form.arms.map((arm) => arm.id)).toEqual(first.arms.map((arm) => arm.id));
    expect(form.arms.slice(0, 2).map((arm) => arm.id)).toEqual(['coder-solo', 'llama-solo']);
    expect(form.toLink()).toEqual(first.toLink());
    expect(form.apiKey).toBe('');
    expect(storage.items.get(STUDY_DRAFT_KEY)).not.toContain('sk-secret');
  });

  it('reads a draft kept before arms had an order, with its arms in the list’s order', () => {
    const { armOrder: _order, ...older } = draftOf(filledForm(), { workers: 1, link: null });
    const draft = parseDraft(JSON.stringify(older));
    expect(draft?.armOrder).toEqual([]);
    const form = new StudyForm();
    applyDraft(form, draft!);
    expect(form.arms.slice(0, 2).map((arm) => arm.id)).toEqual(['llama-solo', 'coder-solo']);
  });

  it('keeps an emptied number field empty, so the form still says it is empty', () => {
    const storage = new MapStorage();
    const first = new StudyForm();
    first.endpoint = 'http://localhost:11434/v1';
    first.repeats = null as unknown as number;
    new StudyDraftStore(storage).write(draftOf(first, { workers: 1, link: null }));
    const { form, keeper } = reloadedTab(storage);
    keeper.restore();
    expect(form.repeats).toBeNull();
    expect(form.problems()).toEqual(first.problems());
    expect(form.problems().length).toBe(1);
  });

  it('saves once the edits pause, and at once on flush (the page hidden or unloaded)', async () => {
    // The watch's $effect calls changed() on every edit; effects do not run under Node, the browser test covers them.
    const storage = new MapStorage();
    const { form, keeper } = reloadedTab(storage);
    form.name = 'Typed';
    keeper.changed();
    expect(storage.items.has(STUDY_DRAFT_KEY)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(parseDraft(storage.items.get(STUDY_DRAFT_KEY) ?? null)?.name).toBe('Typed');
    form.prompts.read('terse.json', PROMPT_SET);
    keeper.changed();
    keeper.flush();
    expect(parseDraft(storage.items.get(STUDY_DRAFT_KEY) ?? null)?.promptSet?.fileName).toBe('terse.json');
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ ...draftOf(new StudyForm(), { workers: 1, link: null }), version: 2 })],
    ['a preset this build does not have', JSON.stringify({ ...draftOf(new StudyForm(), { workers: 1, link: null }), presetIds: ['gone-preset'] })],
    ['a field it does not know', JSON.stringify({ ...draftOf(new StudyForm(), { workers: 1, link: null }), temperature: 0.2 })],
    ['a field missing', JSON.stringify({ ...draftOf(new StudyForm(), { workers: 1, link: null }), benchmark: undefined })],
    ['a prompt set that no longer validates', JSON.stringify({ ...draftOf(filledForm(), { workers: 1, link: null }), promptSet: { fileName: 'x.json', promptSet: { prompts: 3 } } })],
    ['a broken link arm', JSON.stringify({ ...draftOf(new StudyForm(), { workers: 1, link: null }), linkArms: [{ id: 'x', label: 'x', pipeline: {}, forcedIterations: false }] })],
  ])('drops a draft with %s quietly: the defaults show, and it is not tried again', (_why, raw) => {
    const storage = new MapStorage();
    storage.items.set(STUDY_DRAFT_KEY, raw);
    const { form, keeper } = reloadedTab(storage);
    expect(keeper.restore()).toBe(false);
    expect(draftOf(form, { workers: 1, link: null })).toEqual(draftOf(new StudyForm(), { workers: 1, link: null }));
    expect(storage.items.has(STUDY_DRAFT_KEY)).toBe(false);
  });

  it('asks for a replayed result file again by name: the file itself is not kept', () => {
    const storage = new MapStorage();
    const first = new StudyForm();
    first.engine = 'replay';
    new StudyDraftStore(storage).write({ ...draftOf(first, { workers: 1, link: null }), replayFileName: 'big-study.json.gz' });
    const { form, keeper } = reloadedTab(storage);
    keeper.restore();
    expect(form.engine).toBe('replay');
    expect(form.replay).toBeNull();
    expect(form.arms).toEqual([]);
    expect(keeper.replayToPick).toBe('big-study.json.gz');
  });

  it('keeps nothing, and throws nothing, where the browser refuses storage', () => {
    const storage = new MapStorage();
    storage.refuse = true;
    const { form, keeper } = reloadedTab(storage);
    expect(keeper.restore()).toBe(false);
    form.name = 'x';
    expect(() => keeper.save()).not.toThrow();
  });

  it('lets a study link opened in the tab decide over the draft, and the draft becomes the link’s study', async () => {
    const storage = new MapStorage();
    new StudyDraftStore(storage).write(draftOf(filledForm(), { workers: 3, link: null }));
    const { form, keeper } = reloadedTab(storage);
    keeper.restore();
    const query = new URLSearchParams(await encodeStudyLink(LINK));
    const text = query.toString();
    await launcherFor(form).openLink(query, { keepForm: keeper.holdsLink(text), onFilled: () => keeper.linkApplied(text) });

    expect(form.name).toBe('Shared study');
    expect(form.arms.map((arm) => arm.id)).toEqual([llamaSelfRefine.id]);
    expect(form.endpoint).toBe('http://127.0.0.1:9999/v1');
    expect(form.prompts.loaded).toBeNull();
    const stored = parseDraft(storage.items.get(STUDY_DRAFT_KEY) ?? null);
    expect(stored?.name).toBe('Shared study');
    expect(stored?.link).toBe(text);
  });

  it('keeps the edits made after opening a link when the page reloads on that link’s address', async () => {
    const storage = new MapStorage();
    const query = new URLSearchParams(await encodeStudyLink(LINK));
    const text = query.toString();
    const before = reloadedTab(storage);
    await launcherFor(before.form).openLink(query, { onFilled: () => before.keeper.linkApplied(text) });
    before.form.repeats = 5;
    before.form.togglePreset(llamaSolo.id, true);
    before.keeper.save();

    const after = reloadedTab(storage);
    after.keeper.restore();
    expect(after.keeper.holdsLink(text)).toBe(true);
    await launcherFor(after.form).openLink(query, { keepForm: after.keeper.holdsLink(text), onFilled: () => after.keeper.linkApplied(text) });
    expect(after.form.repeats).toBe(5);
    expect(after.form.arms.map((arm) => arm.id).sort()).toEqual([llamaSelfRefine.id, llamaSolo.id].sort());
  });

  it('fills the form from an autorun link even over kept edits: what starts is stored as the link’s study', async () => {
    const storage = new MapStorage();
    const query = new URLSearchParams(await encodeStudyLink({ ...LINK, autorun: true }));
    const text = query.toString();
    const before = reloadedTab(storage);
    // The start fails (this launcher has no library), so the address keeps no study id.
    await launcherFor(before.form).openLink(query, { onFilled: () => before.keeper.linkApplied(text) }).catch(() => undefined);
    before.form.repeats = 5;
    expect(before.form.prompts.read('terse.json', PROMPT_SET)).toBe(true);
    before.keeper.save();

    const after = reloadedTab(storage);
    after.keeper.restore();
    expect(after.form.repeats).toBe(5);
    await launcherFor(after.form).openLink(query, { keepForm: after.keeper.holdsLink(text), onFilled: () => after.keeper.linkApplied(text) }).catch(() => undefined);
    expect(after.form.repeats).toBe(2);
    expect(after.form.prompts.loaded).toBeNull();
  });

  it('says Reset would discard edits only when there are some, and forgets the draft on reset', () => {
    const storage = new MapStorage();
    const { form, keeper } = reloadedTab(storage);
    expect(keeper.edited).toBe(false);
    form.engine = 'webllm';
    expect(keeper.edited).toBe(false);
    form.repeats = 4;
    expect(keeper.edited).toBe(true);
    keeper.save();
    applyDraft(form, draftOf(new StudyForm(), { workers: 4, link: null }));
    keeper.forget();
    expect(keeper.edited).toBe(false);
    expect(storage.items.has(STUDY_DRAFT_KEY)).toBe(false);
  });

  describe('with the Models page’s endpoint', () => {
    afterEach(forgetSavedEndpoint);

    /** A tab as the Study desk builds it: the draft restored, then the Models page's settings read. */
    function deskTab(storage: MapStorage) {
      const form = new StudyForm();
      const engines = new ModelEngines(form, buildWebLLMCatalog({ webllmVersion: 'none', modelLibVersion: 'none', records: [] }), () => false);
      const keeper = new StudyFormKeeper(form, new StudyDraftStore(storage), { get: () => 1, set: () => undefined }, { followsSettings: () => engines.endpointFollowsSettings });
      keeper.restore();
      engines.readSettings();
      return { form, keeper };
    }

    it('follows a change saved on the Models page after a reload, and keeps an endpoint typed here', () => {
      const storage = new MapStorage();
      saveEndpoint('http://first.example/v1', 'served');
      const first = deskTab(storage);
      expect(first.form.endpoint).toBe('http://first.example/v1');
      first.form.name = 'Edited';
      first.keeper.save();

      // The endpoint changed on the Models page, then the tab reloaded: the form shows the new one.
      saveEndpoint('http://second.example/v1', 'served');
      const second = deskTab(storage);
      expect(second.form.name).toBe('Edited');
      expect(second.form.endpoint).toBe('http://second.example/v1');

      second.form.endpoint = 'http://typed.example/v1';
      second.keeper.save();
      saveEndpoint('http://third.example/v1', 'served');
      expect(deskTab(storage).form.endpoint).toBe('http://typed.example/v1');
    });
  });
});
