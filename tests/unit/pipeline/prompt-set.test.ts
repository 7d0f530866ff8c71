import { describe, expect, it } from 'vitest';
import {
  BUILTIN_PROMPTS,
  PROMPT_SET_EXAMPLE,
  parsePromptSet,
  promptsForRole,
  resolvePrompt,
  validatePromptSet,
} from '../../../src/core/prompts/prompt-set.ts';

const header = { format: 'feedback-lab/prompt-set', version: 1 };

describe('built-in prompt pools', () => {
  it('offer at least 4 generator, 3 analyzer and 4 refiner prompts, and the text-only roles', () => {
    const count = (role: Parameters<typeof promptsForRole>[0]) => promptsForRole(role).length;
    expect(count('generator')).toBeGreaterThanOrEqual(4);
    expect(count('analyzer')).toBeGreaterThanOrEqual(3);
    expect(count('refiner')).toBeGreaterThanOrEqual(4);
    expect(count('planner')).toBeGreaterThanOrEqual(1);
    expect(count('critic')).toBeGreaterThanOrEqual(1);
    expect(count('reviser')).toBeGreaterThanOrEqual(1);
  });

  it('has unique ids', () => {
    const ids = BUILTIN_PROMPTS.prompts.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never asks an analyzer or critic for code, so the refiner stays the one writing it', () => {
    for (const p of [...promptsForRole('analyzer'), ...promptsForRole('critic')]) {
      expect(p.text).toMatch(/(no code|not write|without a corrected|do not write|in prose only|prose)/i);
    }
  });
});

describe('prompt-set files', () => {
  it('accept the example the Study and Search pages show, which replaces two built-in texts', () => {
    const parsed = parsePromptSet(PROMPT_SET_EXAMPLE);
    expect(parsed.ok).toBe(true);
    const builtin = new Set(BUILTIN_PROMPTS.prompts.map((p) => p.id));
    expect(parsed.ok && parsed.promptSet.prompts.every((p) => builtin.has(p.id))).toBe(true);
  });

  it('override a built-in prompt by id and add new ones', () => {
    const parsed = parsePromptSet(
      JSON.stringify({
        ...header,
        name: 'study texts',
        prompts: [
          { id: 'generator.careful', role: 'generator', text: 'Their exact sentence.' },
          { id: 'refiner.extra', role: 'refiner', text: 'Another refiner.' },
        ],
      }),
    );
    if (!parsed.ok) throw new Error(parsed.errors.join(' '));
    expect(resolvePrompt({ id: 'generator.careful' }, parsed.promptSet)).toMatchObject({
      text: 'Their exact sentence.',
      source: 'prompt-set',
    });
    expect(resolvePrompt({ id: 'generator.plain' }, parsed.promptSet).source).toBe('builtin');
    expect(promptsForRole('refiner', parsed.promptSet).map((p) => p.id)).toContain('refiner.extra');
    expect(promptsForRole('generator', parsed.promptSet).find((p) => p.id === 'generator.careful')?.text).toBe(
      'Their exact sentence.',
    );
  });

  it('resolves inline text as itself and refuses unknown ids', () => {
    expect(resolvePrompt({ text: 'Be brief.' })).toEqual({ id: null, role: null, text: 'Be brief.', source: 'inline' });
    expect(() => resolvePrompt({ id: 'generator.missing' })).toThrow(/Unknown prompt id "generator\.missing"/);
  });

  it('reports every problem with its field', () => {
    const result = validatePromptSet({
      format: 'something-else',
      version: 1,
      prompts: [
        { id: 'a', role: 'generator', text: 'x' },
        { id: 'a', role: 'generator', text: 'y' },
        { id: 'has space', role: 'poet', text: '' },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^format: expected "feedback-lab\/prompt-set", found "something-else"/),
        expect.stringMatching(/^prompts\[1\]\.id: "a" appears twice/),
        expect.stringMatching(/^prompts\[2\]\.id: /),
        expect.stringMatching(/^prompts\[2\]\.role: expected one of generator, analyzer, refiner/),
        expect.stringMatching(/^prompts\[2\]\.text: /),
      ]),
    );
  });

  it('says when a file comes from a newer version, and when it is not JSON', () => {
    const newer = validatePromptSet({ ...header, version: 2, prompts: [{ id: 'a', role: 'critic', text: 'x' }] });
    expect(newer.ok ? [] : newer.errors).toEqual([expect.stringMatching(/^version: .*version 2.*Reload the app/)]);
    const broken = parsePromptSet('{"format":');
    expect(broken.ok ? [] : broken.errors).toEqual([expect.stringMatching(/^This is not a JSON file/)]);
  });
});
