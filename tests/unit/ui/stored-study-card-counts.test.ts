/**
 * A study's card counts its steps in English: a study paused after its first reply read
 * "0 of 15 units done · 1 steps stored", and Delete… asked "Delete this study and its 1 steps?"
 * (audit R186-3).
 */
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import StoredStudyCard from '../../../src/ui/study/StoredStudyCard.svelte';
import type { StudyListing } from '../../../src/store/study-store.ts';

function listing(steps: number): StudyListing {
  return {
    id: 'study-1',
    name: 'First hour',
    benchmark: 'humaneval',
    created: '2026-04-21T10:00:00.000Z',
    status: 'paused',
    updatedAt: 0,
    ranHere: true,
    link: undefined,
    totalUnits: 15,
    doneUnits: 0,
    erroredUnits: 0,
    erroredReasons: [],
    replay: false,
    steps,
    arms: [],
  };
}

function card(steps: number): string {
  const noop = () => {};
  const { body } = render(StoredStudyCard, {
    props: { study: listing(steps), listed: 'paused', canResume: true, onresume: noop, onexport: noop, onsamples: noop, onresults: noop, ondelete: noop },
  });
  return body.replace(/<!--[^>]*-->/g, '');
}

describe('a stored study card', () => {
  it('says "1 step stored", not "1 steps"', () => {
    expect(card(1)).toContain('0 of 15 units done · 1 step stored ·');
    expect(card(1)).not.toContain('1 steps');
  });

  it('keeps the plural, with thousands separators, for other counts', () => {
    expect(card(0)).toContain('· 0 steps stored ·');
    expect(card(12_345)).toContain('· 12,345 steps stored ·');
  });
});

/**
 * While its Resume (or run again) starts (seconds: Python, the models), the card keeps that button,
 * aria-disabled, not disabled, saying so: disabled and then gone, it dropped keyboard focus to
 * <body> until the run's Pause came (audit R186-5).
 */
describe('a stored study card whose Resume is starting', () => {
  const noop = () => {};
  const actions = (listed: 'interrupted' | 'running here', resuming: boolean) => {
    const { body } = render(StoredStudyCard, {
      props: { study: listing(3), listed, canResume: !resuming, resuming, onresume: noop, onexport: noop, onsamples: noop, onresults: noop, ondelete: noop },
    });
    return body.replace(/<!--[^>]*-->/g, '').match(/<button[^>]*class="primary"[^>]*>[^<]*<\/button>/g) ?? [];
  };

  it('says Resuming… on a button that can hold focus, even once its card says running here', () => {
    for (const listed of ['interrupted', 'running here'] as const) {
      const [button, ...others] = actions(listed, true);
      expect(others).toEqual([]);
      expect(button).toMatch(/>\s*Resuming…\s*</);
      expect(button).toContain('aria-disabled="true"');
      expect(button).not.toMatch(/\sdisabled(=|\s|>)/);
    }
  });

  it('offers Resume, or nothing once it runs here, when not starting', () => {
    expect(actions('interrupted', false)).toEqual([expect.stringMatching(/>\s*Resume\s*</)]);
    expect(actions('running here', false)).toEqual([]);
  });
});
