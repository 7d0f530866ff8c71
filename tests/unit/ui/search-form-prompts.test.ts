import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../study/study-fixtures.ts';
import { createSearchSetup } from '../../../src/core/search/search-setup.ts';
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
});
