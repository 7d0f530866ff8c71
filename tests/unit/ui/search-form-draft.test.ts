/**
 * The Search form's draft: what the user filled in comes back after a reload (the prompt set
 * and a stratified ranking included, so the restored form starts exactly the search the first
 * one would have), emptied fields come back empty, a draft that no longer reads back is dropped
 * for the defaults, and Reset asks only when it would discard an edit.
 */
import { describe, expect, it } from 'vitest';
import { MapStorage, PROMPT_SET } from './draft-storage.ts';
import { FormDraftKeeper } from '../../../src/ui/shared/form-draft-keeper.svelte.ts';
import { SEARCH_DRAFT_KEY, SearchDraftStore, applySearchDraft, parseSearchDraft, searchDraftOf, type SearchFormDraft } from '../../../src/ui/search/search-form-draft.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

/** A form filled in by hand: every kind of field changed from its default, ranked by a picked result file. */
async function filledForm(): Promise<SearchForm> {
  const form = new SearchForm();
  form.name = 'Stratified on a short pool';
  form.selectionKind = 'ids';
  form.idsText = '900, 901, 902, 903';
  form.n = 30;
  form.selectionSeed = 9;
  form.populationSize = 6;
  form.generations = 3;
  form.subsetSize = 2;
  form.evaluationsPerGenome = 2;
  form.selection = 'species-proportional';
  form.thresholdRule = 'collapse';
  form.parsimony = 0.05;
  form.eliteCount = 1;
  form.crossoverRate = 0.5;
  form.rates = { ...form.rates, swapModel: 0.4 };
  form.seed = 77;
  form.atZero = true;
  form.cacheCalls = false;
  form.maxMinutes = 12.5;
  form.maxTokens = 50_000;
  form.mode = 'standard';
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:8080/v1';
  form.apiKey = 'sk-secret';
  form.defaultEndpointModel = 'fake-model';
  form.modelNames = { llama: 'llama3.2:3b' };
  expect(form.prompts.read('terse.json', PROMPT_SET)).toBe(true);
  form.subsetChoice = 'stratified';
  const bytes = await fileBytes(await studyResultFile());
  expect(await form.difficulty.pickFile(new File([new Uint8Array(bytes)], 'earlier-study.json'), 'humaneval')).toBe(true);
  form.columnOrder = 'balanced';
  return form;
}

/** A keeper over a fresh form, as a reloaded tab's desk builds it. */
function reloadedTab(storage: MapStorage, workers = { value: 2 }) {
  const form = new SearchForm();
  form.defaultEndpointModel = 'fake-model';
  const keeper = new FormDraftKeeper(new SearchDraftStore(storage), {
    snapshot: () => searchDraftOf(form, { workers: workers.value }),
    apply: (draft) => {
      applySearchDraft(form, draft);
      workers.value = draft.workers;
    },
    settledByTab: ['engine', 'endpoint', 'workers'],
    debounceMs: 5,
  });
  return { form, keeper, workers };
}

/**
 * A draft named "kept yesterday" as an older build kept it, without `field`, restored into a
 * reloaded tab; `older` is that draft as stored.
 */
function restoredWithout(field: keyof SearchFormDraft) {
  const storage = new MapStorage();
  const { [field]: _none, ...older } = searchDraftOf(new SearchForm(), { workers: 1 });
  storage.items.set(SEARCH_DRAFT_KEY, JSON.stringify({ ...older, name: 'kept yesterday' }));
  const tab = reloadedTab(storage);
  return { ...tab, restored: tab.keeper.restore(), older };
}

describe('the search form draft', () => {
  it('gives back every field, the prompt set and the stratified ranking after a reload, so the same search starts; never the API key', async () => {
    const storage = new MapStorage();
    const first = await filledForm();
    expect(first.problems()).toEqual([]);
    new SearchDraftStore(storage).write(searchDraftOf(first, { workers: 3 }));
    const { form, keeper, workers } = reloadedTab(storage);
    expect(keeper.restore()).not.toBeNull();
    expect(keeper.restored).toBe(true);
    expect(form.toDraft()).toEqual(first.toDraft());
    expect(form.toDraft().columnOrder).toBe('balanced');
    expect(form.difficulty.loaded?.label).toBe('earlier-study.json');
    expect(form.difficulty.kept).toBe(true);
    expect(form.prompts.loaded?.fileName).toBe('terse.json');
    expect(form.promptSet).toEqual(first.promptSet);
    expect(workers.value).toBe(3);
    expect(form.apiKey).toBe('');
    expect(storage.items.get(SEARCH_DRAFT_KEY)).not.toContain('sk-secret');
  });

  it('saves the form once the edits pause, and at once on flush', async () => {
    const storage = new MapStorage();
    const { form, keeper } = reloadedTab(storage);
    form.name = 'Typed';
    keeper.changed();
    expect(storage.items.has(SEARCH_DRAFT_KEY)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(parseSearchDraft(storage.items.get(SEARCH_DRAFT_KEY) ?? null)?.name).toBe('Typed');
    form.subsetChoice = 'stratified';
    keeper.changed();
    keeper.flush();
    expect(parseSearchDraft(storage.items.get(SEARCH_DRAFT_KEY) ?? null)?.subsetChoice).toBe('stratified');
  });

  it('gives emptied fields back empty, so the form still names them', () => {
    const storage = new MapStorage();
    const first = new SearchForm();
    first.populationSize = null as unknown as number;
    first.rates = { ...first.rates, addStage: Number.NaN };
    first.subsetChoice = 'stratified';
    new SearchDraftStore(storage).write(searchDraftOf(first, { workers: 1 }));
    const { form, keeper } = reloadedTab(storage);
    keeper.restore();
    expect(form.problems()).toEqual(first.problems());
    expect(form.problems()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Population/), expect.stringMatching(/add a stage/), expect.stringMatching(/^Stratified subsets/)]),
    );
  });

  it('reads a draft kept before the threshold rule existed as the default rule', () => {
    const { form, restored } = restoredWithout('thresholdRule');
    expect(restored).not.toBeNull();
    expect([form.name, form.thresholdRule]).toEqual(['kept yesterday', 'band']);
  });

  it("reads a draft kept before the column order existed as the study's order", () => {
    const { form, restored } = restoredWithout('columnOrder');
    expect(restored).not.toBeNull();
    expect([form.name, form.columnOrder]).toEqual(['kept yesterday', 'easiest-first']);
  });

  it("reads a draft kept before the prompt pools choice existed as the study's pool sizes, and refuses a choice it does not know", () => {
    const { form, restored, older } = restoredWithout('promptPools');
    expect(restored).not.toBeNull();
    expect([form.name, form.promptPools]).toEqual(['kept yesterday', 'study-sized']);
    expect(parseSearchDraft(JSON.stringify({ ...older, promptPools: 'huge' }))).toBeNull();
  });

  it('gives an unreadable budget back as unreadable, not as "no limit"', () => {
    const storage = new MapStorage();
    const first = new SearchForm();
    first.endpoint = 'http://localhost:11434/v1';
    first.maxMinutes = Number.NaN; // what the panel holds for "1o" typed in a number field
    first.maxTokens = 20_000;
    new SearchDraftStore(storage).write(searchDraftOf(first, { workers: 1 }));
    const { form, keeper } = reloadedTab(storage);
    keeper.restore();
    expect(form.maxMinutes).toBeNaN();
    expect(form.maxTokens).toBe(20_000);
    expect(form.problems()).toEqual(first.problems());
    expect(form.problems()).toEqual([expect.stringMatching(/^Wall-time budget/)]);
  });

  const fresh = (): SearchFormDraft => searchDraftOf(new SearchForm(), { workers: 1 });
  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ ...fresh(), version: 2 })],
    ['a field it does not know', JSON.stringify({ ...fresh(), temperature: 0.2 })],
    ['a field missing', JSON.stringify({ ...fresh(), subsetChoice: undefined })],
    ['a pool kind the search does not take', JSON.stringify({ ...fresh(), selectionKind: 'mbpp-test-split' })],
    ['a pass rate above 1', JSON.stringify({ ...fresh(), difficulty: { label: 'x.json', benchmark: 'humaneval', passRates: { 'HumanEval/0': 2 }, verdicts: 1, arms: ['a'] } })],
    ['a ranking without rates', JSON.stringify({ ...fresh(), difficulty: { label: 'x.json', benchmark: 'humaneval', passRates: {}, verdicts: 1, arms: [] } })],
    ['a threshold rule the search does not know', JSON.stringify({ ...fresh(), thresholdRule: 'sometimes' })],
    ['a column order the search does not know', JSON.stringify({ ...fresh(), columnOrder: 'hardest-first' })],
    ['a budget that is neither a number nor unreadable', JSON.stringify({ ...fresh(), maxTokens: 'lots' })],
    ['a broken prompt set', JSON.stringify({ ...fresh(), promptSet: { fileName: 'p.json', promptSet: { prompts: 'none' } } })],
  ])('drops a draft with %s: the defaults show, and the draft is forgotten', (_why, raw) => {
    const storage = new MapStorage();
    storage.items.set(SEARCH_DRAFT_KEY, raw);
    const { form, keeper } = reloadedTab(storage);
    expect(keeper.restore()).toBeNull();
    expect(searchDraftOf(form, { workers: 1 })).toEqual(fresh());
    expect(storage.items.has(SEARCH_DRAFT_KEY)).toBe(false);
  });

  it('keeps working where the browser refuses storage', () => {
    const storage = new MapStorage();
    storage.refuse = true;
    const { keeper } = reloadedTab(storage);
    expect(keeper.restore()).toBeNull();
    expect(() => keeper.save()).not.toThrow();
  });

  it('says Reset would discard edits only when there are some, and forgets the draft on reset', () => {
    const storage = new MapStorage();
    const { form, keeper } = reloadedTab(storage);
    expect(keeper.edited).toBe(false);
    form.engine = 'webllm';
    expect(keeper.edited).toBe(false);
    form.generations = 5;
    expect(keeper.edited).toBe(true);
    keeper.save();
    applySearchDraft(form, searchDraftOf(new SearchForm(), { workers: 2 }));
    keeper.forget();
    expect(keeper.edited).toBe(false);
    expect(form.generations).toBe(20);
    expect(storage.items.has(SEARCH_DRAFT_KEY)).toBe(false);
  });
});
