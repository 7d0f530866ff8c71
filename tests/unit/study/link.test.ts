import { describe, expect, it } from 'vitest';
import type { SelectionSpec } from '../../../src/core/benchmarks/selection.ts';
import { llamaSelfRefine, llamaSolo, neatV3Champion, qwenToLlama } from '../../../src/core/pipeline/presets.ts';
import { packJson } from '../../../src/core/study/compact-json.ts';
import { createStudyConfig } from '../../../src/core/study/create-config.ts';
import { armOfPreset } from '../../../src/core/study/config.ts';
import {
  decodeStudyLink,
  draftFromLink,
  encodeStudyLink,
  isStudyLink,
  linkFromDraft,
  longLinkNote,
  type StudyLink,
} from '../../../src/core/study/link.ts';
import { PROBLEMS, studyDraft } from './study-fixtures.ts';

const customPipeline = {
  ...qwenToLlama,
  id: 'qwen-to-llama-hot',
  name: 'qwen → llama, hotter refiner',
  stages: [{ ...qwenToLlama.stages[0]!, refiner: { ...qwenToLlama.stages[0]!.refiner, temperature: 0.7 } }],
};

function link(overrides: Partial<StudyLink> = {}): StudyLink {
  return {
    name: 'Does a hotter refiner help?',
    benchmark: 'humaneval',
    selection: { kind: 'random', n: 25, seed: 7 },
    arms: [
      { id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false },
      armOfPreset(llamaSelfRefine, true),
      { id: 'hot', label: 'hot refiner <b>bold</b>', pipeline: customPipeline, forcedIterations: false },
    ],
    repeats: 5,
    mode: 'study',
    engine: 'webllm',
    modelNames: {},
    autorun: false,
    ...overrides,
  };
}

async function roundTrip(value: StudyLink): Promise<StudyLink> {
  const search = await encodeStudyLink(value);
  const decoded = await decodeStudyLink(`?${search}`);
  if (!decoded.ok) throw new Error(decoded.errors.join('\n'));
  return decoded.link;
}

async function errorsOf(search: string): Promise<string[]> {
  const decoded = await decodeStudyLink(search);
  return decoded.ok ? [] : decoded.errors;
}

describe('study links', () => {
  it('round-trip presets, forced iterations, a custom pipeline and the whole study', async () => {
    expect(await roundTrip(link())).toEqual(link());
  });

  it('count a name’s characters as a person does, so a name of emoji or other scripts up to the limit opens (audit R163)', async () => {
    // At most 200 characters each: emoji and CJK outside the BMP are two UTF-16 units apiece.
    const names = ['🎉'.repeat(200), '𠀀'.repeat(200), `Étude ${'דראסה '.repeat(32)}🎉`];
    for (const name of names) expect(await roundTrip(link({ name }))).toEqual(link({ name }));
    const label = '✨🎉'.repeat(100);
    const arms = [{ id: 'hot', label, pipeline: customPipeline, forcedIterations: false }];
    expect((await roundTrip(link({ arms }))).arms[0]!.label).toBe(label);
    // Over the limit, still refused, in the same words.
    expect(await errorsOf(`?${await encodeStudyLink(link({ name: '🎉'.repeat(201) }))}`)).toEqual(['name: expected 1-200 characters.']);
  });

  it('round-trip every kind of selection, an endpoint with model names, limits and autorun', async () => {
    const selections: SelectionSpec[] = [
      { kind: 'all' },
      { kind: 'first', n: 20 },
      { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/32', 'HumanEval/163'] },
    ];
    for (const selection of selections) {
      expect(await roundTrip(link({ selection }))).toEqual(link({ selection }));
    }
    const mbpp = link({ benchmark: 'mbpp', selection: { kind: 'mbpp-test-split' }, mode: 'standard' });
    expect(await roundTrip(mbpp)).toEqual(mbpp);
    const endpoint = link({
      engine: 'openai',
      endpoint: 'http://localhost:11434/v1',
      modelNames: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' },
      limits: { timeoutMs: 5000, problemTimeCapMs: 60_000 },
      autorun: true,
    });
    expect(await roundTrip(endpoint)).toEqual(endpoint);
  });

  it('binds model keys that are also names of an object’s built-in members (constructor, toString)', async () => {
    const renamed = (key: string) => ({
      ...llamaSolo,
      id: `solo-${key}`,
      name: `${key} solo`,
      stages: [],
      generator: { ...llamaSolo.generator, model: key },
    });
    const arms = ['constructor', 'toString'].map((key) => ({ id: `solo-${key}`, label: `${key} solo`, pipeline: renamed(key), forcedIterations: false }));
    const endpoint = link({ arms, engine: 'openai', endpoint: 'http://localhost:11434/v1', modelNames: { constructor: 'llama3.2:3b', toString: 'qwen2.5-coder:1.5b' } });
    const decoded = await roundTrip(endpoint);
    expect(decoded.modelNames).toEqual({ constructor: 'llama3.2:3b', toString: 'qwen2.5-coder:1.5b' });
    expect(draftFromLink(decoded, { shaderF16: true }).models).toEqual({
      constructor: { engine: 'openai', id: 'llama3.2:3b', baseUrl: 'http://localhost:11434/v1' },
      toString: { engine: 'openai', id: 'qwen2.5-coder:1.5b', baseUrl: 'http://localhost:11434/v1' },
    });
    // Without names, each key is the endpoint's model name.
    const unnamed = draftFromLink(await roundTrip({ ...endpoint, modelNames: {} }), { shaderF16: true });
    expect(Object.entries(unnamed.models).map(([key, binding]) => [key, binding.id])).toEqual([
      ['constructor', 'constructor'],
      ['toString', 'toString'],
    ]);
  });

  it('names unmodified presets by id, so a link of presets stays short', async () => {
    const search = await encodeStudyLink(link({ arms: link().arms.slice(0, 2) }));
    const params = new URLSearchParams(search);
    expect(params.getAll('arm')).toEqual(['p:llama-solo', 'pf:llama-self-refine']);
    expect(search.length).toBeLessThan(200);
    // A preset under another label is no longer the preset: it travels whole.
    const relabelled = await encodeStudyLink(link({ arms: [{ ...link().arms[0]!, label: 'mine' }] }));
    expect(new URLSearchParams(relabelled).get('arm')).toMatch(/^c:[A-Za-z0-9_-]+$/);
  });

  it('names a forced-iterations preset apart from the plain one, so one link can hold both', async () => {
    const both = link({ arms: [armOfPreset(llamaSelfRefine, true), armOfPreset(llamaSelfRefine, false)] });
    const search = await encodeStudyLink(both);
    expect(new URLSearchParams(search).getAll('arm')).toEqual(['pf:llama-self-refine', 'p:llama-self-refine']);
    const decoded = await decodeStudyLink(`?${search}`);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.link.arms.map((a) => [a.id, a.label, a.forcedIterations])).toEqual([
      ['llama-self-refine-forced', `${llamaSelfRefine.name} (forced iterations)`, true],
      ['llama-self-refine', llamaSelfRefine.name, false],
    ]);
  });

  it('refuses forced iterations on a pipeline of one model call, which has none to force', async () => {
    const decoded = await decodeStudyLink('?study=1&b=humaneval&sel=first&n=2&r=1&arm=pf:llama-solo');
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.errors.join('\n')).toMatch(/^arm\[0\]: "llama3\.2:3b solo" makes one model call per problem, so it has no iterations to force/m);
  });

  it('name problems by number, and refuse an id the link would turn into another problem or an unreadable list', async () => {
    const ids = (list: string[], benchmark: StudyLink['benchmark'] = 'humaneval') =>
      encodeStudyLink(link({ benchmark, selection: { kind: 'ids', ids: list } })).then((search) => new URLSearchParams(search).get('ids'));
    expect(await ids(['HumanEval/0', 'HumanEval/007'])).toBe('0.7');
    expect(await ids(['2', 'Mbpp/3', 'MBPP/11'], 'mbpp')).toBe('2.3.11');
    // Ids are read in any case, as MBPP's always were (audit R220-5).
    expect(await ids(['humaneval/4', 'HUMANEVAL/5'])).toBe('4.5');
    // Cut to what follows a "/", these were HumanEval/3, HumanEval/1 and /5, and "x7".
    for (const wrong of ['Mbpp/3', '1.5', 'x7']) {
      await expect(ids(['HumanEval/0', wrong])).rejects.toThrow(
        `No link was made: "${wrong}" is not a HumanEval problem id, and a link names each problem by its number (0 or HumanEval/0). Correct the problem ids, then copy the link again.`,
      );
    }
    await expect(ids(['HumanEval/3'], 'mbpp')).rejects.toThrow('"HumanEval/3" is not an MBPP problem id');
  });

  it('exposes autorun=1 and recognises a study link', async () => {
    const search = await encodeStudyLink(link({ autorun: true }));
    expect(new URLSearchParams(search).get('autorun')).toBe('1');
    expect(isStudyLink(`?${search}`)).toBe(true);
    expect(isStudyLink('?page=models')).toBe(false);
    expect((await roundTrip(link({ autorun: true }))).autorun).toBe(true);
  });

  it('ignores parameters the app adds for itself', async () => {
    const search = await encodeStudyLink(link());
    expect(await decodeStudyLink(`?page=study&${search}&utm_source=mail`)).toEqual({ ok: true, link: link() });
  });

  it('refuses a link cut short anywhere, which would otherwise read as another study, and reads links made before it had an end', async () => {
    const full = link({
      engine: 'openai',
      endpoint: 'http://localhost:11434/v1',
      modelNames: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' },
      limits: { timeoutMs: 3000, problemTimeCapMs: 20_000 },
    });
    const search = await encodeStudyLink(full);
    expect(search).toMatch(/&end=\d+$/);
    // Cut at every character after the first parameters: none reads as a study.
    let read = 0;
    for (let cut = 'study=2&'.length; cut < search.length; cut++) {
      if ((await decodeStudyLink(`?${search.slice(0, cut)}`)).ok) read++;
    }
    expect(read).toBe(0);
    expect((await errorsOf(`?${search.slice(0, search.indexOf('&timeout='))}`))[0]).toMatch(/^This study link was cut short on its way/);
    // &autorun=1 added after the end by hand is read.
    const autorun = await decodeStudyLink(`?${search}&autorun=1`);
    expect(autorun.ok && autorun.link.autorun).toBe(true);
    // Copying a link long enough to be cut says so; a short one says nothing of its length.
    expect(longLinkNote(`https://lab.example/#/study?${search}`)).toBe('');
    expect(longLinkNote(`https://lab.example/#/study?${search}${'&m=x~y'.repeat(400)}`)).toMatch(/^ It is \d,\d{3} characters long: some mail programs and chat apps cut links that long/);
    // A format-1 link (no end) reads as it did.
    expect((await decodeStudyLink('?study=1&b=humaneval&sel=first&n=2&r=1&arm=p:llama-solo')).ok).toBe(true);
  });
});

describe('bad study links', () => {
  const base = 'study=1&b=humaneval&sel=first&n=3&r=1&mode=study&arm=p:llama-solo';

  it('say what is missing or unreadable, parameter by parameter', async () => {
    expect(await errorsOf('?page=models')).toEqual(['This address holds no study: it has no "study" parameter.']);
    expect((await errorsOf('?study=3'))[0]).toMatch(/made by a newer Feedback Lab \(link format 3\); reload the app/);
    expect(await errorsOf('?study=1&b=humaneval&sel=first&n=0&r=0&mode=fast&engine=gpu')).toEqual([
      'sel: Invalid problem selection {"kind":"first","n":0}: "n" must be a positive whole number.',
      'r: expected a whole number from 1 to 100, found "0".',
      'mode: expected "study" or "standard", found "fast".',
      'arm: expected 1-64 arms, found 0.',
      'engine: expected "webllm" or "openai", found "gpu".',
    ]);
  });

  it('reject unknown presets, duplicate arms and cut-short packed pipelines', async () => {
    const packed = new URLSearchParams(await encodeStudyLink(link())).getAll('arm')[2]!;
    expect(await errorsOf(`?${base}&arm=p:no-such-preset&arm=p:llama-solo&arm=${packed.slice(0, 40)}&arm=x`)).toEqual([
      'arm[1]: no preset "no-such-preset" in this Feedback Lab.',
      'arm[2]: the arm id "llama-solo" is used twice; each arm needs its own id.',
      'arm[3]: the packed pipeline cannot be read: it is not compressed data (it may have been cut short when the link was copied).',
      'arm[4]: expected "p:<preset id>", "pf:<preset id>" or "c:<packed pipeline>", found "x".',
    ]);
  });

  it('validate a packed pipeline field by field', async () => {
    const bad = { id: 'hot', label: 'hot', forcedIterations: 'yes', pipeline: { ...customPipeline, generator: { ...customPipeline.generator, temperature: 9 } } };
    expect(await errorsOf(`?${base.replace('arm=p:llama-solo', `arm=c:${await packJson(bad)}`)}`)).toEqual([
      'arm[0].forcedIterations: expected true or false, found "yes".',
      'arm[0].pipeline: generator.temperature: expected a number from 0 to 2, found 9.',
    ]);
  });

  it('refuse a packed pipeline that inflates beyond reason', async () => {
    const bomb = { id: 'x', label: 'x', forcedIterations: false, pipeline: { ...llamaSolo, description: 'a'.repeat(1_000_000) } };
    const packed = await packJson(bomb);
    expect(packed.length).toBeLessThan(3000);
    expect(await errorsOf(`?${base.replace('arm=p:llama-solo', `arm=c:${packed}`)}`)).toEqual([
      'arm[0]: the packed pipeline cannot be read: it unpacks to more than 65536 bytes.',
    ]);
  });

  it('refuse endpoints with credentials and endpoint studies without an endpoint', async () => {
    expect(await errorsOf(`?${base}&engine=openai&endpoint=${encodeURIComponent('https://me:pw@example.com/v1')}`)).toEqual([
      'endpoint: the URL holds a user name or password; remove it (credentials must never be written into a study).',
    ]);
    expect(await errorsOf(`?${base}&engine=openai&endpoint=${encodeURIComponent('https://example.com/v1?api_key=sk-1')}`)).toHaveLength(1);
    expect(await errorsOf(`?${base}&engine=openai`)).toEqual([
      'endpoint: an "openai" study needs the endpoint\'s base URL, e.g. endpoint=http://localhost:11434/v1.',
    ]);
  });

  it('take an endpoint without an engine as an endpoint study, and refuse one on a WebLLM study', async () => {
    const endpoint = encodeURIComponent('http://localhost:11434/v1');
    const decoded = await decodeStudyLink(`?${base}&endpoint=${endpoint}`);
    expect(decoded.ok && decoded.link.engine).toBe('openai');
    expect(decoded.ok && decoded.link.endpoint).toBe('http://localhost:11434/v1');
    expect(await errorsOf(`?${base}&engine=webllm&endpoint=${endpoint}`)).toEqual([
      'endpoint: a "webllm" study runs its models in the browser and has no endpoint; remove endpoint=, or set engine=openai to run the study on it.',
    ]);
  });

  it('refuse what they would otherwise drop: a parameter given twice, a name for a model no arm uses, a count the selection does not take', async () => {
    expect(await errorsOf(`?${base}&engine=openai&endpoint=http://a.test/v1&endpoint=http://b.test/v1&r=2`)).toEqual([
      'r: given 2 times; a study link gives it once (only arm= and m= repeat).',
      'endpoint: given 2 times; a study link gives it once (only arm= and m= repeat).',
    ]);
    expect(await errorsOf(`?${base}&engine=openai&endpoint=http://a.test/v1&m=llama3.2:3b~mine&m=llama-3b~typo`)).toEqual([
      'm: no arm uses the model key "llama-3b" (they use llama3.2:3b); a misspelt key would leave its model unnamed. Spell it as the arms do, or remove it.',
    ]);
    // Without sel= a link runs every problem: its n=5 would have been dropped for 164 problems.
    expect(await errorsOf('?study=1&b=humaneval&n=5&r=1&arm=p:llama-solo')).toEqual([
      'n: a link without sel= (every problem) takes no n=; remove it, or set sel=first or sel=random.',
    ]);
    expect(await errorsOf(`?${base}&seed=4&ids=1.2`)).toEqual([
      'seed: sel=first takes no seed=; remove it, or set sel=random.',
      'ids: sel=first takes no ids=; remove it, or set sel=ids.',
    ]);
  });

  it('reject malformed problem lists and the MBPP split on HumanEval', async () => {
    expect(await errorsOf('?study=1&b=humaneval&sel=ids&ids=1.x.3&r=1&arm=p:llama-solo')).toEqual([
      'ids: expected problem numbers separated by dots, e.g. ids=0.12.31, found "1.x.3".',
    ]);
    expect(await errorsOf('?study=1&b=humaneval&sel=mbpp-test-split&r=1&arm=p:llama-solo')).toEqual([
      'sel: the MBPP test split only applies to MBPP.',
    ]);
  });
});

describe('drafts and links', () => {
  it('binds model keys to WebLLM builds for the GPU at hand', () => {
    const draft = draftFromLink(link({ arms: [{ id: 'v3', label: 'v3', pipeline: neatV3Champion, forcedIterations: false }] }), { shaderF16: false });
    expect(draft.models).toEqual({
      'qwen2.5:1.5b': { engine: 'webllm', id: 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC', quantization: 'q4f32_1' },
      'llama3.2:3b': { engine: 'webllm', id: 'Llama-3.2-3B-Instruct-q4f32_1-MLC', quantization: 'q4f32_1' },
    });
    const gemma = { ...llamaSolo, generator: { ...llamaSolo.generator, model: 'gemma3:1b' } };
    expect(() => draftFromLink(link({ arms: [{ id: 'g', label: 'g', pipeline: gemma, forcedIterations: false }] }), { shaderF16: false })).toThrow(
      /gemma3:1b has no WebLLM build for GPUs without shader-f16/,
    );
  });

  it('go from a draft to a link and back to the same draft', async () => {
    const draft = studyDraft();
    const back = draftFromLink(await roundTrip(linkFromDraft(draft)), { shaderF16: true });
    expect(back).toEqual(draft);
    const onEndpoint = { ...draft, models: { 'llama3.2:3b': { engine: 'openai' as const, id: 'llama3.2', baseUrl: 'http://gpu-box:8000/v1' } } };
    expect(draftFromLink(await roundTrip(linkFromDraft(onEndpoint)), { shaderF16: true })).toEqual(onEndpoint);
  });

  it('give a draft that starts as a valid study', async () => {
    const decoded = await roundTrip(link({ selection: { kind: 'first', n: 3 } }));
    const config = createStudyConfig(draftFromLink(decoded, { shaderF16: true }), {
      id: 's',
      created: '2026-05-01T00:00:00Z',
      problems: PROBLEMS,
      datasetSha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
    });
    expect(config.problemIds).toEqual(['HumanEval/900', 'HumanEval/901', 'HumanEval/902']);
    expect(config.arms.map((a) => a.id)).toEqual(['llama-solo', 'llama-self-refine-forced', 'hot']);
    expect(config.prompts.map((p) => p.id).sort()).toEqual(['generator.plain', 'refiner.fix']);
  });
});
