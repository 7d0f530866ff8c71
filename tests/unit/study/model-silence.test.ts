import { describe, expect, it } from 'vitest';
import { watchModelSilence } from '../../../src/core/study/model-silence.ts';

describe('the silence of a study’s models', () => {
  it('says nothing until the threshold, then whole seconds, and ends when a model is heard', () => {
    let now = 1_000;
    const silence = watchModelSilence(() => now, 30_000);
    now += 29_999;
    expect(silence.silentSeconds()).toBeNull();
    now += 1;
    expect(silence.silentSeconds()).toBe(30);
    now += 15_700;
    expect(silence.silentSeconds()).toBe(45);
    silence.heard();
    expect(silence.silentSeconds()).toBeNull();
  });
});
