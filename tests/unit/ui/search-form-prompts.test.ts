import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../study/study-fixtures.ts';
import { createSearchSetup } from '../../../src/core/search/search-setup.ts';
import { STUDY_SIZED_PROMPT_IDS } from '../../../src/core/search/search-config.ts';
import { applySearchDraft, parseSearchDraft, searchDraftOf } from '../../../src/ui/search/search-form-draft.ts';
import { SearchForm } from '../../../src/ui/search/search-form.svelte.ts';

const SET = new TextEncoder().encode(
  JSON.stringify({
    format: 'feedback-lab/prompt-set',
    version: 1,
    prompts: [
      { id: 'refiner.fix', role: 'refiner', text: 'The study’s refiner text.' },
      { id: 'refiner.mine', role: 'refiner', text: 'A refiner of my own.' },
    ],
  }),
);

describe('a prompt set on the search form', () => {
  it('says what it does to the pools, and the search starts with its texts in them', () => {
    const form = new SearchForm();
    form.engine = 'openai';
    form.endpoint = 'http://127.0.0.1:11434/v1';
    form.defaultEndpointModel = 'fake-model';
    form.subsetSize = 5;
    expect(form.promptSetLines).toEqual([]);
    form.prompts.read('refiners.json', SET);
    // The study's pool sizes by default: refiner.fix is not among them, so its text goes unused, and the form says so.
    expect(form.promptSetLines).toEqual([
      '1 prompt replaces a built-in text: refiner.fix.',
      '1 new id, not among the built-in prompts: refiner.mine.',
      "The search's prompt pools: 3 generator, 2 analyzer, 4 refiner prompts, 1 of them from this set.",
      "refiner.fix is not in the pools of the study's sizes, so its text is not used: choose every built-in prompt under Prompt pools to use it.",
    ]);
    form.promptPools = 'every-built-in';
    expect(form.promptSetLines).toEqual([
      '1 prompt replaces a built-in text: refiner.fix.',
      '1 new id, not among the built-in prompts: refiner.mine.',
      expect.stringMatching(/^The search's prompt pools: 5 generator, 3 analyzer, 6 refiner prompts, 2 of them from this set\.$/),
    ]);
    const setup = createSearchSetup(form.toDraft(), {
      id: 'search-test',
      created: '2026-05-01T10:00:00.000Z',
      problems: PROBLEMS,
      datasetSha256: 'b'.repeat(64),
      ...(form.promptSet ? { promptSet: form.promptSet } : {}),
    });
    expect(setup.config.promptPools.refiner).toContain('refiner.mine');
    expect(setup.prompts.find((p) => p.id === 'refiner.fix')?.text).toBe('The study’s refiner text.');
  });

  it('starts a search with the study’s pool sizes by default, every built-in prompt when asked, and keeps the choice in the draft', () => {
    const setupOf = (form: SearchForm) =>
      createSearchSetup(form.toDraft(), { id: 'search-test', created: '2026-05-01T10:00:00.000Z', problems: PROBLEMS, datasetSha256: 'b'.repeat(64) });
    const form = new SearchForm();
    form.engine = 'openai';
    form.endpoint = 'http://127.0.0.1:11434/v1';
    form.defaultEndpointModel = 'fake-model';
    form.subsetSize = 5;
    const study = setupOf(form).config.promptPools;
    expect([study.generator.length, study.analyzer.length, study.refiner.length]).toEqual([3, 2, 3]);
    expect(study).toEqual(STUDY_SIZED_PROMPT_IDS);
    form.promptPools = 'every-built-in';
    const every = setupOf(form).config.promptPools;
    expect([every.generator.length, every.analyzer.length, every.refiner.length]).toEqual([5, 3, 5]);
    const again = new SearchForm();
    applySearchDraft(again, parseSearchDraft(JSON.stringify(searchDraftOf(form, { workers: 1 })))!);
    expect(again.promptPools).toBe('every-built-in');
  });
});
