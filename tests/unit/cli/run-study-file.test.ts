import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDraftFile } from '../../../cli/run/study-draft-file.ts';
import { readStudyArgument, type StudyRequest } from '../../../cli/run/study-source.ts';
import { InputError } from '../../../cli/usage-error.ts';
import { llamaSelfRefine, llamaSolo } from '../../../src/core/pipeline/presets.ts';
import { encodeStudyLink } from '../../../src/core/study/link.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-study-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  writeFileSync(join(dir, name), content);
  return name;
}

async function inputError(argument: string): Promise<string> {
  try {
    await readStudyArgument(argument, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argument} to be refused`);
}

function draftOf(request: StudyRequest) {
  if (request.study.kind !== 'draft') throw new Error(`expected a draft, got a ${request.study.kind}`);
  return request.study.draft;
}

describe('study draft files', () => {
  it('fills in the defaults and turns preset ids into whole arms', () => {
    const read = readDraftFile({ benchmark: 'humaneval', arms: ['llama-solo', { preset: 'llama-self-refine', forcedIterations: true }] });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const { draft } = read.file;
    expect(draft).toMatchObject({ benchmark: 'humaneval', selection: { kind: 'all' }, repeats: 1, mode: 'study' });
    expect(draft.arms.map((a) => [a.id, a.pipeline, a.forcedIterations])).toEqual([
      ['llama-solo', llamaSolo, false],
      // A preset listed plain and forced gets two ids without the user picking them.
      ['llama-self-refine-forced', llamaSelfRefine, true],
    ]);
    expect(draft.name).toBe(`${llamaSolo.name} vs ${llamaSelfRefine.name} (forced iterations)`);
  });

  it('refuses forced iterations on a preset of one model call', () => {
    const read = readDraftFile({ benchmark: 'humaneval', arms: [{ preset: 'llama-solo', forcedIterations: true }] });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.join('\n')).toMatch(/arms\[0\]\.forcedIterations: "llama3\.2:3b solo" makes one model call per problem, so it has no iterations to force; list it without forced iterations\./);
  });

  it('keeps the model names and endpoint it gives, for binding later', () => {
    const read = readDraftFile({
      benchmark: 'mbpp',
      arms: ['llama-solo'],
      models: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' },
      endpoint: 'http://gpu-box:8000/v1',
    });
    expect(read.ok && read.file).toMatchObject({ modelNames: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' }, endpoint: 'http://gpu-box:8000/v1' });
  });

  it('accepts a whole custom arm and reports its pipeline errors under its path', () => {
    const custom = { id: 'mine', label: 'My loop', pipeline: { ...llamaSelfRefine, id: 'mine' } };
    expect(readDraftFile({ benchmark: 'humaneval', arms: [custom] }).ok).toBe(true);
    const broken = readDraftFile({
      benchmark: 'humaneval',
      arms: [{ ...custom, pipeline: { ...llamaSelfRefine, generator: { ...llamaSelfRefine.generator, temperature: 'hot' } } }],
    });
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors.join('\n')).toMatch(/^arms\[0\]\.pipeline\.generator\.temperature: /m);
  });

  it('lists every problem with its field path', () => {
    const read = readDraftFile({
      benchmark: 'apps',
      selection: { kind: 'first' },
      repeats: 0,
      mode: 'fast',
      arms: ['llama-solo', 'llama-solo', 'no-such-preset', 7],
      temprature: 0.2,
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const text = read.errors.join('\n');
    expect(text).toMatch(/^temprature: unknown field/m);
    expect(text).toMatch(/^benchmark: expected "humaneval" or "mbpp", found "apps"/m);
    expect(text).toMatch(/^selection: .*"n" must be a positive whole number/m);
    expect(text).toMatch(/^repeats: expected a whole number from 1 to 100, found 0/m);
    expect(text).toMatch(/^mode: expected "study" or "standard", found "fast"/m);
    expect(text).toMatch(/^arms\[1\]: the arm id "llama-solo" is already used by arms\[0\]/m);
    expect(text).toMatch(/^arms\[2\]: no preset "no-such-preset"; the presets are llama-solo, /m);
    expect(text).toMatch(/^arms\[3\]: expected a preset id/m);
  });
});

describe('the --study argument', () => {
  it('reads a draft file', async () => {
    const name = file('draft.json', JSON.stringify({ benchmark: 'humaneval', arms: ['llama-solo'], repeats: 2 }));
    const request = await readStudyArgument(name, dir);
    expect(draftOf(request)).toMatchObject({ repeats: 2 });
    expect(request).toMatchObject({ origin: 'draft.json', modelNames: {}, endpoint: null });
  });

  it('reads a study config, suggesting its endpoint and names only when it ran on one', async () => {
    const webllm = await readStudyArgument(file('config.json', JSON.stringify(studyConfig())), dir);
    expect(webllm).toMatchObject({ study: { kind: 'config', config: studyConfig() }, modelNames: {}, endpoint: null });

    const onEndpoint = { ...studyConfig(), models: { 'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b-q4', baseUrl: 'http://box:11434/v1' } } };
    const request = await readStudyArgument(file('endpoint-config.json', JSON.stringify(onEndpoint)), dir);
    expect(request).toMatchObject({ modelNames: { 'llama3.2:3b': 'llama3.2:3b-q4' }, endpoint: 'http://box:11434/v1' });
  });

  it('reads the study of a result file, plain or gzip', async () => {
    const doc = await studyResultFile();
    for (const [name, gzip] of [['results.json', false], ['results.json.gz', true]] as const) {
      const request = await readStudyArgument(file(name, await fileBytes(doc, gzip)), dir);
      expect(request.study).toEqual({ kind: 'config', config: doc.config });
    }
  });

  it('names the fields of an invalid config and the place of broken JSON', async () => {
    const config = { ...studyConfig(), repeats: 'five' };
    expect(await inputError(file('bad-config.json', JSON.stringify(config)))).toMatch(
      /The study config in bad-config\.json is not valid:\n {2}repeats: expected a whole number from 1 to 100, found "five"/,
    );
    expect(await inputError(file('broken.json', '{\n  "benchmark": "humaneval",\n  "arms": [,]\n}'))).toMatch(
      /broken\.json is not valid JSON at line 3, column 12/,
    );
    expect(await inputError(file('cut.json', '{"benchmark": "humaneval", "arms": ['))).toMatch(/cut\.json is not valid JSON: it stops in the middle/);
    expect(await inputError(file('other.json', JSON.stringify({ format: 'feedback-lab/prompt-set', version: 1 })))).toMatch(/It is a prompt set/);
  });

  it('names a samples file given as a study, one line or many, and the command that scores it', async () => {
    const line = (id: string) => JSON.stringify({ task_id: id, completion: '    return 1\n' });
    // Read from a folder outside the repository, where npx would not find this package: its script is named.
    const expected = /^samples\.jsonl is a samples file \(one \{"task_id", "completion"\} per line\), not a study\. Score it with: node \S+\/bin\/feedback-lab\.mjs score --benchmark humaneval\|mbpp samples\.jsonl$/;
    expect(await inputError(file('samples.jsonl', `${line('HumanEval/0')}\n${line('HumanEval/1')}\n`))).toMatch(expected);
    expect(await inputError(file('samples.jsonl', `${line('HumanEval/0')}\n`))).toMatch(expected);
    expect(await inputError(file('empty.json', ' \n'))).toMatch(/^empty\.json is empty: a study is a draft \(JSON\), a study config, a result file or a study link/);
  });

  it("names one of the study's released files in one line, as report and merge do, and where it belongs", async () => {
    const released = file('main_results.json', JSON.stringify({ run_timestamp: '2025-01-01', n_runs: 5, total_problems: 164, configs: [] }));
    expect(await inputError(released)).toBe(
      "main_results.json is not a study: it is one of the study's own released files (main_results.json). " +
        "The app's Reproduce page recomputes the paper's tables from the released files; to run the paper's arms, name their presets in a draft (\"feedback-lab run --help\" shows one).",
    );
  });

  it('says when the file does not exist', async () => {
    expect(await inputError('missing.json')).toMatch(/Cannot read missing\.json: no such file/);
  });

  it('reads a study link, as a URL (query or hash route) or as bare parameters', async () => {
    const params = await encodeStudyLink({
      benchmark: 'humaneval',
      selection: { kind: 'first', n: 3 },
      arms: [{ id: llamaSolo.id, label: llamaSolo.name, pipeline: llamaSolo, forcedIterations: false }],
      repeats: 2,
      mode: 'standard',
      engine: 'openai',
      endpoint: 'http://localhost:11434/v1',
      modelNames: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' },
      autorun: true,
    });
    for (const link of [`https://lab.example/?${params}`, `https://lab.example/#/study?${params}`, `?${params}`]) {
      const request = await readStudyArgument(link, dir);
      expect(draftOf(request)).toMatchObject({ benchmark: 'humaneval', selection: { kind: 'first', n: 3 }, repeats: 2, mode: 'standard' });
      expect(request).toMatchObject({ modelNames: { 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M' }, endpoint: 'http://localhost:11434/v1' });
    }
  });

  it('ignores the WebLLM build names of a browser link', async () => {
    const request = await readStudyArgument('https://lab.example/?study=1&b=humaneval&sel=first&n=2&r=1&arm=p:llama-solo&engine=webllm&m=llama3.2:3b~Llama-3.2-3B-Instruct-q4f32_1-MLC', dir);
    expect(request).toMatchObject({ modelNames: {}, endpoint: null });
  });

  it('lists what is wrong with a broken link', async () => {
    const message = await inputError('https://lab.example/?study=1&b=apps&arm=p:nope&r=0');
    expect(message).toMatch(/^The study link is not valid:/);
    expect(message).toMatch(/ {2}b: expected the benchmark/);
    expect(message).toMatch(/ {2}r: expected a whole number/);
    expect(message).toMatch(/ {2}arm\[0\]: no preset "nope"/);
  });
});
