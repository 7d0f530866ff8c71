/**
 * A prompt set loaded on the Study page: the form says what it changes for the chosen arms, the
 * study it starts sends the set's texts and records them in its config (so its result file holds
 * them), and "Copy study link" refuses rather than hand out a link that would send other texts.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { decodeStudyLink, encodeStudyLink } from '../../../src/core/study/link.ts';
import type { WebLLMSession } from '../../../src/llm/webllm-session.ts';
import { openLabDatabase } from '../../../src/store/database.ts';
import { IdbStudyStore } from '../../../src/store/study-store.ts';
import { StudyForm } from '../../../src/ui/study/study-form.svelte.ts';
import { StudyLauncher } from '../../../src/ui/study/study-launcher.svelte.ts';
import { StudyLibrary } from '../../../src/ui/study/study-library.svelte.ts';
import { environment, fileBytes } from '../results/result-file-fixtures.ts';
import { PROBLEMS, truthModel, truthSandbox } from '../study/study-fixtures.ts';

const GENERATOR_TEXT = 'You are the study’s generator. Reply with Python only.';
const REFINER_TEXT = 'You are the study’s refiner. Fix the code from the traceback.';

function file(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

const STUDY_TEXTS = file({
  format: 'feedback-lab/prompt-set',
  version: 1,
  name: 'The study’s texts',
  prompts: [
    { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
    { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
    { id: 'generator.mine', role: 'generator', text: 'A generator of my own.' },
  ],
});

const ANALYZER_ONLY = file({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'analyzer.diagnose', role: 'analyzer', text: 'Say what is wrong.' }] });

function endpointForm(): StudyForm {
  const form = new StudyForm();
  form.engine = 'openai';
  form.endpoint = 'http://127.0.0.1:11434/v1';
  form.defaultEndpointModel = 'fake-model';
  return form;
}

describe('a prompt set on the study form', () => {
  it('says which built-in texts it replaces and which of them the chosen arms send, following the arms', () => {
    const form = endpointForm();
    expect(form.prompts.read('study-texts.json', STUDY_TEXTS)).toBe(true);
    expect(form.prompts.loaded?.fileName).toBe('study-texts.json');
    expect(form.promptSetLines).toEqual([
      '2 prompts replace built-in texts: generator.plain, refiner.fix.',
      '1 new id, not among the built-in prompts: generator.mine.',
      'The chosen arms send 2 of these texts: generator.plain, refiner.fix.',
    ]);
    form.togglePreset('llama-self-refine', false);
    expect(form.promptSetLines.at(-1)).toBe('The chosen arms send 1 of these texts: generator.plain.');

    form.prompts.read('analyzer.json', ANALYZER_ONLY);
    expect(form.promptSetLines.at(-1)).toBe('None of them is sent by the chosen arms: this study would send the built-in texts only.');
  });

  it('refuses a broken file with every problem listed, and leaves no set loaded', () => {
    const form = endpointForm();
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    const broken = file({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'writer', text: '' }] });
    expect(form.prompts.read('broken.json', broken)).toBe(false);
    expect(form.prompts.loaded).toBeNull();
    expect(form.promptSet).toBeUndefined();
    expect(form.prompts.refused).toEqual({
      fileName: 'broken.json',
      errors: [expect.stringMatching(/^prompts\[0\]\.role: expected one of generator/), expect.stringMatching(/^prompts\[0\]\.text: expected the prompt's text/)],
    });
    // A result file picked by mistake is named as one.
    form.prompts.read('results.json', file({ format: 'feedback-lab/results', version: 1 }));
    expect(form.prompts.refused?.errors).toEqual([expect.stringMatching(/^This is a Feedback Lab result file, not a prompt set/)]);
    form.prompts.remove();
    expect(form.prompts.refused).toBeNull();
  });

  it('lists a prompt the arms send that the set gives another role among what the study cannot start with', () => {
    const form = endpointForm();
    const moved = file({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'refiner', text: 'Fix it.' }] });
    expect(form.prompts.read('moved.json', moved)).toBe(true);
    const problem =
      'Prompt set: generator.plain is a refiner prompt in moved.json, but the chosen arms send it from a generator. ' +
      'Make it a generator prompt in the file, untick the arms that send it, or remove the prompt set.';
    expect(form.problems()).toEqual([problem]);
    // Run study refuses with the same sentence, not with the config's field paths.
    expect(() => form.toDraft()).toThrow(expect.objectContaining({ problems: [problem] }));
    form.prompts.remove();
    expect(form.problems()).toEqual([]);
  });

  it('is not used by a replay, whose file holds the texts its study sent', () => {
    const form = endpointForm();
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    form.engine = 'replay';
    expect(form.promptSet).toBeUndefined();
    expect(form.promptsALinkWouldLose()).toEqual([]);
  });

  it('refuses to copy a study link that would send the built-in texts instead, pointing to the result file', async () => {
    const form = endpointForm();
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    expect(form.promptsALinkWouldLose()).toEqual(['generator.plain', 'refiner.fix']);
    expect(() => form.linkForSharing()).toThrow(
      /^No link was copied: a study link cannot carry prompt texts, so opened anywhere it would send the built-in texts for generator\.plain, refiner\.fix instead of the loaded set's\. To share this study, run it and share its result file \(Export \.json\).*feedback-lab run --study FILE.*Remove the prompt set/,
    );
    // The study itself still starts with the set: only sharing it as a link is refused.
    expect(() => form.toDraft()).not.toThrow();

    // A set that changes nothing the arms send leaves the link exact, so it is copied.
    form.prompts.read('analyzer.json', ANALYZER_ONLY);
    expect(form.promptsALinkWouldLose()).toEqual([]);
    expect(form.linkForSharing()).toEqual(form.toLink());
    form.prompts.remove();
    expect(form.linkForSharing()).toEqual(form.toLink());
  });

  it('is put away when a study link fills the form: the link describes the whole study, built-in texts included', async () => {
    const form = endpointForm();
    const decoded = await decodeStudyLink(await encodeStudyLink(form.toLink()));
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    if (!decoded.ok) throw new Error('the link should decode');
    form.fromLink(decoded.link);
    expect(form.prompts.loaded).toBeNull();
    // Not silently: the page says, where the set was, which file went away and why.
    expect(form.prompts.putAwayNote).toMatch(/^The study link put away the prompt set study-texts\.json: a link describes its study with the built-in texts/);
    // Picking a set again (or Remove) clears the sentence; a link over no set says nothing.
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    expect(form.prompts.putAwayNote).toBeNull();
    form.prompts.remove();
    form.fromLink(decoded.link);
    expect(form.prompts.putAwayNote).toBeNull();
  });

  it('says on each arm what it changes there: the texts the arm sends, or the role it cannot send', () => {
    const form = endpointForm();
    const solo = form.arms.find((a) => a.id === 'llama-solo')!.pipeline;
    const refine = form.arms.find((a) => a.id === 'llama-self-refine')!.pipeline;
    expect(form.promptSetEffectOn([solo])).toBeNull();
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    expect(form.promptSetEffectOn([solo])?.changedInUse).toEqual(['generator.plain']);
    expect(form.promptSetEffectOn([refine])?.changedInUse).toEqual(['generator.plain', 'refiner.fix']);
    const moved = file({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'refiner.fix', role: 'generator', text: 'Write it.' }] });
    form.prompts.read('moved.json', moved);
    expect(form.promptSetEffectOn([solo])?.misfits).toEqual([]);
    expect(form.promptSetEffectOn([refine])?.misfits).toEqual([{ id: 'refiner.fix', setRole: 'generator', usedAs: 'refiner' }]);
    // A replay sends no prompts: no card says a set changes it.
    form.engine = 'replay';
    expect(form.promptSetEffectOn([refine])).toBeNull();
  });
});

describe('a study started with a prompt set', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });

  it('sends the set’s texts as system messages, records them in its config and result file, and stores no link', async () => {
    const store = new IdbStudyStore(await openLabDatabase());
    const model = truthModel();
    const session = { models: { plan: () => undefined, model: () => model } } as unknown as WebLLMSession;
    const form = new StudyForm();
    form.engine = 'webllm';
    form.shaderF16 = true;
    form.selectionKind = 'all';
    form.prompts.read('study-texts.json', STUDY_TEXTS);
    const library = new StudyLibrary({ store: async () => store, environmentHere: async () => Promise.reject(new Error('not used')), runningHere: () => new Set() });
    const launcher = new StudyLauncher(
      {
        store: async () => store,
        dataset: async () => ({ benchmark: 'humaneval', problems: PROBLEMS, sha256: 'b'.repeat(64), source: 'test', failures: [] }),
        sandbox: async () => truthSandbox(),
        models: { apiKeyFor: () => undefined, webllm: async () => session },
        setAddress: () => undefined,
      },
      form,
      library,
      1,
    );
    const id = await launcher.start();
    expect(launcher.errors).toEqual([]);
    expect(id).not.toBeNull();
    await vi.waitFor(() => expect(launcher.run?.phase).toBe('done'), { timeout: 10_000 });

    const systemTexts = new Set(model.calls.map((call) => call.messages.find((m) => m.role === 'system')?.content));
    expect(systemTexts).toEqual(new Set([GENERATOR_TEXT, REFINER_TEXT]));
    const stored = await store.loadStudy(id as string);
    expect(stored?.config.prompts).toEqual([
      { id: 'generator.plain', role: 'generator', text: GENERATOR_TEXT },
      { id: 'refiner.fix', role: 'refiner', text: REFINER_TEXT },
    ]);
    // The exported file carries the texts, and reads back with them.
    const doc = await buildResultFile(stored!.config, resultUnitsFromStore(stored!), environment());
    const exported = await importResultFile(await fileBytes(doc));
    expect(exported.config.prompts.map((p) => p.text)).toEqual([GENERATOR_TEXT, REFINER_TEXT]);
    // Its link would send other texts: the study is not filed under any link.
    expect((await store.studyRecord(id as string))?.link).toBeUndefined();
  });
});
