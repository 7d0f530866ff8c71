import { describe, expect, it } from 'vitest';
import { createSearchSetup } from '../../../src/core/search/search-setup.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';
import { PROBLEMS } from '../study/study-fixtures.ts';

function endpointForm(): SearchForm {
  const form = new SearchForm();
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:11434/v1';
  form.defaultEndpointModel = 'fake-model';
  form.subsetSize = 5;
  return form;
}

async function studyFile(name = 'study.json'): Promise<File> {
  const bytes = await fileBytes(await studyResultFile());
  return new File([new Uint8Array(bytes)], name, { type: 'application/json' });
}

describe('stratified subsets on the search form', () => {
  it('will not start stratified without a ranking, and starts with the picked file’s pass rates', async () => {
    const form = endpointForm();
    form.subsetChoice = 'stratified';
    expect(form.problems()).toEqual([expect.stringMatching(/^Stratified subsets .* need pass rates/)]);
    expect(await form.difficulty.pickFile(await studyFile(), 'humaneval')).toBe(true);
    expect(form.problems()).toEqual([]);
    const setup = createSearchSetup(form.toDraft(), { id: 'search-test', created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: 'b'.repeat(64) });
    expect(setup.config.subset).toMatchObject({ kind: 'stratified', passRates: { 'HumanEval/900': 1, 'HumanEval/903': 0 } });

    // Back to rotating: the loaded file stays for later but the search rotates.
    form.subsetChoice = 'rotating';
    expect(createSearchSetup(form.toDraft(), { id: 'search-test', created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: 'b'.repeat(64) }).config.subset).toEqual({
      kind: 'rotating',
    });
  });

  it('refuses a file over another benchmark, a file that is not a result file, and a subset larger than the ranking', async () => {
    const form = endpointForm();
    form.subsetChoice = 'stratified';
    expect(await form.difficulty.pickFile(await studyFile(), 'mbpp')).toBe(false);
    expect(form.difficulty.refused).toEqual([expect.stringMatching(/study\.json holds HumanEval runs, but the search is on MBPP/)]);

    expect(await form.difficulty.pickFile(new File(['{"hello": 1}'], 'notes.json'), 'humaneval')).toBe(false);
    expect(form.difficulty.refused?.[0]).toMatch(/^notes\.json cannot rank the problems: /);
    expect(form.difficulty.loaded).toBeNull();

    await form.difficulty.pickFile(await studyFile(), 'humaneval');
    form.subsetSize = 6;
    expect(form.problems()).toEqual([expect.stringMatching(/study\.json ranks 5 problems, fewer than the subset size \(6\)/)]);
    // The benchmark changed after the file was picked.
    form.subsetSize = 5;
    form.benchmark = 'mbpp';
    expect(form.problems().some((p) => /holds HumanEval runs, but the search is on MBPP/.test(p))).toBe(true);
  });

  it('counts the ranking against the pool drawn from the loaded problems, not only against the file', async () => {
    const form = endpointForm();
    form.subsetChoice = 'stratified';
    form.subsetSize = 2;
    await form.difficulty.pickFile(await studyFile(), 'humaneval');
    expect(form.problems()).toEqual([]);
    // The file ranks HumanEval/900-904; a pool of the first 3 of the study fixtures' problems holds three of them.
    form.datasetProblems = () => PROBLEMS;
    form.selectionKind = 'first';
    form.n = 3;
    expect(form.poolIds(form.datasetProblems())).toEqual(['HumanEval/900', 'HumanEval/901', 'HumanEval/902']);
    expect(form.problems()).toEqual([]);
    form.subsetSize = 3;
    expect(form.problems()).toEqual([]);
    // Listed ids the file does not hold: it ranks none of them (and the loaded problems lack them too).
    form.selectionKind = 'ids';
    form.idsText = '1, 2, 3';
    expect(form.problems()).toEqual([
      'Problem ids: unknown HumanEval problem ids: HumanEval/1, HumanEval/2, HumanEval/3.',
      expect.stringMatching(/study\.json ranks 0 of the pool’s problems, fewer than the subset size \(3\)/),
    ]);
  });
});
