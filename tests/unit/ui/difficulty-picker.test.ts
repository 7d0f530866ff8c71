import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TAXONOMY_FILE, readErrorTaxonomy } from '../../../src/core/reproduce/error-taxonomy.ts';
import { isReleasedChampionArm, type DifficultySource } from '../../../src/core/search/difficulty-source.ts';
import { passRatesByProblem } from '../../../src/core/search/fitness.ts';
import { releasedFiles } from '../../../src/ui/analysis/released-files.svelte.ts';
import { DifficultyPicker, RELEASED_LABEL } from '../../../src/ui/search/difficulty-picker.svelte.ts';
import { applySearchDraft, parseSearchDraft, searchDraftOf } from '../../../src/ui/search/search-form-draft.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { readReleasedBytes } from '../../support/study-results.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

async function resultFile(name: string): Promise<File> {
  return new File([new Uint8Array(await fileBytes(await studyResultFile()))], name, { type: 'application/json' });
}

/** A file whose bytes arrive only when `arrive()` is called: a big file still being read. */
async function slowFile(name: string): Promise<{ file: File; arrive: () => void }> {
  const bytes = await (await resultFile(name)).arrayBuffer();
  let arrive = () => {};
  const arrived = new Promise<ArrayBuffer>((resolve) => (arrive = () => resolve(bytes)));
  const file = { name, size: bytes.byteLength, type: 'application/json', arrayBuffer: () => arrived } as unknown as File;
  return { file, arrive };
}

describe('the stratified ranking picker', () => {
  it('keeps the later pick when an earlier, slower read ends after it', async () => {
    const picker = new DifficultyPicker();
    const big = await slowFile('big.json.gz');
    const first = picker.pickFile(big.file, 'humaneval');
    expect(await picker.pickFile(await resultFile('small.json'), 'humaneval')).toBe(true);
    expect(picker.loaded?.label).toBe('small.json');

    big.arrive();
    expect(await first).toBe(false);
    expect(picker.loaded?.label).toBe('small.json');
    expect(picker.reading).toBeNull();
  });

  it('stays empty when Remove is pressed while a file is read', async () => {
    const picker = new DifficultyPicker();
    const big = await slowFile('big.json.gz');
    const reading = picker.pickFile(big.file, 'humaneval');
    expect(picker.reading).toMatch(/^big\.json\.gz/);
    picker.remove();
    expect(picker.reading).toBeNull();
    big.arrive();
    await reading;
    expect(picker.loaded).toBeNull();
    expect(picker.refused).toBeNull();
  });
});

/**
 * A released-results ranking kept in a tab's form draft before the NEAT champion's arm was left
 * out of it (six arms, 984 verdicts): a reload must not put back a ranking the page then
 * describes as leaving the champion out.
 */
describe('a released-results ranking kept from before the champion was left out', () => {
  function oldReleasedRanking(): DifficultySource {
    const taxonomy = readErrorTaxonomy(JSON.parse(readReleasedBytes('error_taxonomy.json').toString('utf8')));
    const arms = taxonomy.arms.filter((a) => a.problems.length > 0);
    const verdicts = arms.flatMap((a) => a.problems.map((p) => ({ problemId: p.taskId, passed: p.passed })));
    expect(arms.some((a) => isReleasedChampionArm(a.name))).toBe(true);
    return { label: RELEASED_LABEL, benchmark: 'humaneval', passRates: passRatesByProblem(verdicts), verdicts: verdicts.length, arms: arms.map((a) => a.name) };
  }

  afterEach(() => {
    releasedFiles.texts = [];
  });

  it('is ranked again from the released run the tab holds, without the champion’s arm', async () => {
    releasedFiles.texts = [{ fileName: ERROR_TAXONOMY_FILE, text: readReleasedBytes('error_taxonomy.json').toString('utf8') }];
    const form = new SearchForm();
    form.subsetChoice = 'stratified';
    const draft = { ...searchDraftOf(form, { workers: 1 }), difficulty: oldReleasedRanking() };
    applySearchDraft(form, parseSearchDraft(JSON.stringify(draft))!);
    await expect.poll(() => form.difficulty.loaded?.verdicts).toBe(820);
    expect(form.difficulty.loaded?.arms).toHaveLength(5);
    expect(form.difficulty.loaded?.arms.some(isReleasedChampionArm)).toBe(false);
    expect(form.difficulty.kept).toBe(false);
    expect(form.difficulty.refused).toBeNull();
  });

  it('is dropped, saying why, when this browser no longer holds the released run', async () => {
    const picker = new DifficultyPicker();
    expect(await picker.restore(oldReleasedRanking())).toBe(false);
    expect(picker.loaded).toBeNull();
    expect(picker.refused?.[0]).toMatch(/counted the NEAT champion’s arm.*needs ranking again/);
    expect(picker.refused?.[1]).toMatch(/released results are not in this browser/);
  });

  it('leaves a ranking from the user’s own file as kept, champion arm or not', async () => {
    const picker = new DifficultyPicker();
    const own = { ...oldReleasedRanking(), label: 'my-study.json' };
    expect(await picker.restore(own)).toBe(true);
    expect(picker.loaded).toBe(own);
    expect(picker.kept).toBe(true);
  });
});
