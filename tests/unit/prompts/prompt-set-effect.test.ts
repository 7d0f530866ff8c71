import { describe, expect, it } from 'vitest';
import { llamaSelfRefine, llamaSolo } from '../../../src/core/pipeline/presets.ts';
import {
  describeSearchEffect,
  describeStudyEffect,
  promptSetEffect,
  promptUses,
} from '../../../src/core/prompts/prompt-set-effect.ts';
import { BUILTIN_PROMPTS, type PromptSet, type RolePrompt } from '../../../src/core/prompts/prompt-set.ts';

function set(...prompts: RolePrompt[]): PromptSet {
  return { format: 'feedback-lab/prompt-set', version: 1, prompts };
}

const builtinText = (id: string) => BUILTIN_PROMPTS.prompts.find((p) => p.id === id)?.text ?? '';

const studyTexts = set(
  { id: 'generator.plain', role: 'generator', text: 'The study’s generator text.' },
  { id: 'refiner.fix', role: 'refiner', text: 'The study’s refiner text.' },
  { id: 'analyzer.diagnose', role: 'analyzer', text: builtinText('analyzer.diagnose') },
  { id: 'generator.mine', role: 'generator', text: 'A generator of my own.' },
);

describe('what a prompt set changes for a study', () => {
  it('names the built-in texts it replaces, those it repeats word for word, its new ids, and which of them the arms send', () => {
    const uses = promptUses([llamaSolo, llamaSelfRefine]);
    expect(uses).toEqual([
      { id: 'generator.plain', role: 'generator' },
      { id: 'refiner.fix', role: 'refiner' },
    ]);
    const effect = promptSetEffect(studyTexts, uses);
    expect(effect).toMatchObject({
      replaced: ['generator.plain', 'refiner.fix'],
      restated: ['analyzer.diagnose'],
      added: ['generator.mine'],
      changedInUse: ['generator.plain', 'refiner.fix'],
      misfits: [],
    });
    expect(describeStudyEffect(effect, 2)).toEqual([
      '2 prompts replace built-in texts: generator.plain, refiner.fix.',
      '1 prompt repeats its built-in text word for word: analyzer.diagnose.',
      '1 new id, not among the built-in prompts: generator.mine.',
      'The chosen arms send 2 of these texts: generator.plain, refiner.fix.',
    ]);
  });

  it('says so when the chosen arms send none of its texts, so the study runs the built-in ones', () => {
    const onlyAnalyzer = set({ id: 'analyzer.diagnose', role: 'analyzer', text: 'Another diagnosis.' });
    const effect = promptSetEffect(onlyAnalyzer, promptUses([llamaSolo, llamaSelfRefine]));
    expect(effect.changedInUse).toEqual([]);
    expect(describeStudyEffect(effect, 2).at(-1)).toBe('None of them is sent by the chosen arms: this study would send the built-in texts only.');
    expect(describeStudyEffect(promptSetEffect(onlyAnalyzer, []), 0).at(-1)).toBe('No arms are chosen yet.');
  });

  it('does not count a text repeated word for word as a change the arms send', () => {
    const same = set({ id: 'generator.plain', role: 'generator', text: builtinText('generator.plain') });
    expect(promptSetEffect(same, promptUses([llamaSolo])).changedInUse).toEqual([]);
  });

  it('warns when the set gives an id the arms send to another role, which no study can start with', () => {
    const moved = set({ id: 'generator.plain', role: 'refiner', text: 'Now a refiner text.' });
    const effect = promptSetEffect(moved, promptUses([llamaSolo]));
    expect(effect.misfits).toEqual([{ id: 'generator.plain', setRole: 'refiner', usedAs: 'generator' }]);
    expect(describeStudyEffect(effect, 1).at(-1)).toBe(
      'generator.plain is a refiner prompt in this set, but the chosen arms send it from a generator: the study cannot start with this set.',
    );
  });

  it('says "an analyzer", not "a analyzer"', () => {
    const moved = set({ id: 'refiner.fix', role: 'analyzer', text: 'Now an analyzer text.' });
    expect(describeStudyEffect(promptSetEffect(moved, promptUses([llamaSelfRefine])), 1).at(-1)).toBe(
      'refiner.fix is an analyzer prompt in this set, but the chosen arms send it from a refiner: the study cannot start with this set.',
    );
  });

  it('names the first few ids of a long set and counts the rest', () => {
    const many = set(...Array.from({ length: 9 }, (_, i) => ({ id: `generator.extra-${i}`, role: 'generator' as const, text: `Text ${i}.` })));
    expect(describeStudyEffect(promptSetEffect(many, []), 1)[0]).toBe(
      '9 new ids, not among the built-in prompts: generator.extra-0, generator.extra-1, generator.extra-2, generator.extra-3, generator.extra-4, generator.extra-5 and 3 more.',
    );
  });
});

describe('what a prompt set changes for a search', () => {
  const withPlanner = set(...studyTexts.prompts, { id: 'planner.mine', role: 'planner', text: 'Plan first.' });

  it('says how many prompts each pool of every built-in prompt holds and how many come from the set; other roles are left out', () => {
    const builtinPool = (role: string) => BUILTIN_PROMPTS.prompts.filter((p) => p.role === role).length;
    expect(describeSearchEffect(withPlanner, 'every-built-in')).toEqual([
      '2 prompts replace built-in texts: generator.plain, refiner.fix.',
      '1 prompt repeats its built-in text word for word: analyzer.diagnose.',
      '2 new ids, not among the built-in prompts: generator.mine, planner.mine.',
      `The search's prompt pools: ${builtinPool('generator') + 1} generator, ${builtinPool('analyzer')} analyzer, ${builtinPool('refiner')} refiner prompts, 4 of them from this set.`,
      '1 prompt is for roles the search does not evolve (planner): not used here.',
    ]);
  });

  it('with the study’s pool sizes (the default), counts those pools and names a replaced text they leave out', () => {
    expect(describeSearchEffect(withPlanner)).toEqual([
      '2 prompts replace built-in texts: generator.plain, refiner.fix.',
      '1 prompt repeats its built-in text word for word: analyzer.diagnose.',
      '2 new ids, not among the built-in prompts: generator.mine, planner.mine.',
      "The search's prompt pools: 4 generator, 2 analyzer, 3 refiner prompts, 3 of them from this set.",
      "refiner.fix is not in the pools of the study's sizes, so its text is not used: choose every built-in prompt under Prompt pools to use it.",
      '1 prompt is for roles the search does not evolve (planner): not used here.',
    ]);
  });
});
