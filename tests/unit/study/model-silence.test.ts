import { describe, expect, it } from 'vitest';
import type { LanguageModel } from '../../../src/core/ports.ts';
import { listenToModel, listenToModels, watchModelSilence } from '../../../src/core/study/model-silence.ts';

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

describe('a model listened to for its silence (audit R191-2)', () => {
  it('counts each call and load while it is in hand, ended or failed, and hears every token and piece of reasoning', async () => {
    let inHand = 0;
    let heard = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const model = listenToModel(
      {
        id: 'm',
        chat: async (_messages, _options, call) => {
          call?.onReasoning?.();
          call?.onToken?.('a');
          await held;
          return { text: 'a', finishReason: 'stop' } as Awaited<ReturnType<LanguageModel['chat']>>;
        },
        prepare: async () => {
          throw new Error('no weights');
        },
      },
      () => heard++,
      (delta) => (inHand += delta),
    );
    const tokens: string[] = [];
    const reply = model.chat([], { temperature: 0, max_tokens: 1 }, { onToken: (delta) => tokens.push(delta) });
    expect(inHand).toBe(1);
    await expect(model.prepare!()).rejects.toThrow('no weights');
    expect(inHand).toBe(1);
    release();
    await reply;
    expect(inHand).toBe(0);
    expect(heard).toBe(2);
    expect(tokens).toEqual(['a']);
  });
});

describe("a run's models listened to together", () => {
  it('counts the calls of every model, and hears a first call after none, so the silence starts from it', async () => {
    let heard = 0;
    const models = listenToModels(() => heard++);
    const releases: (() => void)[] = [];
    const held = (id: string): LanguageModel => ({
      id,
      chat: () => new Promise((resolve) => releases.push(() => resolve({ text: '', finishReason: 'stop' } as Awaited<ReturnType<LanguageModel['chat']>>))),
    });
    const [a, b] = [models.listen(held('a')), models.listen(held('b'))];
    expect(models.inHand()).toBe(false);
    const first = a.chat([], { temperature: 0, max_tokens: 1 });
    const second = b.chat([], { temperature: 0, max_tokens: 1 });
    expect({ inHand: models.inHand(), heard }).toEqual({ inHand: true, heard: 1 });
    releases[0]!();
    await first;
    expect(models.inHand()).toBe(true);
    releases[1]!();
    await second;
    expect(models.inHand()).toBe(false);
    void a.chat([], { temperature: 0, max_tokens: 1 });
    expect(heard).toBe(2);
  });
});
