import { describe, expect, it } from 'vitest';
import { bindModels, chooseEndpoint, modelKeys } from '../../../cli/run/bind-models.ts';
import { newStudyConfig, resumedStudyConfig } from '../../../cli/run/prepare-study.ts';
import type { DiskDataset } from '../../../cli/datasets-dir.ts';
import { InputError, UsageError } from '../../../cli/usage-error.ts';
import { llamaSolo, qwenToLlama } from '../../../src/core/pipeline/presets.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import type { StudyArm } from '../../../src/core/study/config.ts';
import { studyResultFile } from '../results/result-file-fixtures.ts';
import { PROBLEMS, studyConfig } from '../study/study-fixtures.ts';

const arms: StudyArm[] = [
  { id: 'solo', label: 'solo', pipeline: llamaSolo, forcedIterations: false },
  { id: 'cross', label: 'cross', pipeline: qwenToLlama, forcedIterations: false },
];
const ROOT = 'http://localhost:11434/v1';
const dataset: DiskDataset = { problems: PROBLEMS, sha256: studyConfig().datasetSha256, path: '/data/HumanEval.jsonl.gz' };

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('binding model keys to the endpoint', () => {
  it('lists the keys the arms use, in first-use order', () => {
    expect(modelKeys(arms)).toEqual(['llama3.2:3b', 'qwen2.5:1.5b']);
  });

  it('uses the key itself (the Ollama tag) unless the study or the command line names another model', () => {
    const names = { model: null, modelMap: {}, studyNames: { 'qwen2.5:1.5b': 'qwen-from-link' } };
    expect(bindModels(modelKeys(arms), ROOT, names)).toEqual({
      'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b', baseUrl: ROOT },
      'qwen2.5:1.5b': { engine: 'openai', id: 'qwen-from-link', baseUrl: ROOT },
    });
    const mapped = bindModels(modelKeys(arms), ROOT, { ...names, modelMap: { 'qwen2.5:1.5b': 'qwen2.5:1.5b-instruct-q4_K_M' } });
    expect(mapped['qwen2.5:1.5b']?.id).toBe('qwen2.5:1.5b-instruct-q4_K_M');
    const one = bindModels(modelKeys(arms), ROOT, { ...names, model: 'served-model' });
    expect(Object.values(one).map((b) => b.id)).toEqual(['served-model', 'served-model']);
  });

  it('refuses a --map key no arm uses (a typo would otherwise be silently ignored)', () => {
    const error = thrown(() => bindModels(modelKeys(arms), ROOT, { model: null, modelMap: { 'llama3:3b': 'x' }, studyNames: {} }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/--map names "llama3:3b", which no arm uses; the study's model keys are llama3\.2:3b, qwen2\.5:1\.5b/);
  });

  it('normalises the endpoint to its API root and refuses credentials in it', () => {
    expect(chooseEndpoint('http://localhost:11434', null)).toBe(ROOT);
    expect(chooseEndpoint(null, 'http://box:8000/v1/')).toBe('http://box:8000/v1');
    expect(chooseEndpoint('http://a:1/v1', 'http://b:2/v1')).toBe('http://a:1/v1');
    expect(thrown(() => chooseEndpoint(null, null)).message).toMatch(/--endpoint URL/);
    expect(thrown(() => chooseEndpoint('http://me:secret@box/v1', null)).message).toMatch(/user name or password/);
    expect(thrown(() => chooseEndpoint('ftp://box/v1', null)).message).toMatch(/http or https/);
  });
});

describe('the study config a run starts', () => {
  const start = { id: 'cli-test', created: '2026-05-02T08:00:00.000Z' };
  const models = { 'llama3.2:3b': { engine: 'openai' as const, id: 'llama3.2:3b', baseUrl: ROOT } };

  it('runs an earlier config again as a new study on the endpoint, with its problems and settings kept', () => {
    const earlier = studyConfig();
    const config = newStudyConfig({ origin: 'old.json', study: { kind: 'config', config: earlier }, modelNames: {}, endpoint: null }, models, dataset, start);
    expect(config).toEqual({ ...earlier, ...start, models });
  });

  it('refuses a config made with another copy of the dataset', () => {
    const earlier = { ...studyConfig(), datasetSha256: 'a'.repeat(64) };
    const error = thrown(() => newStudyConfig({ origin: 'old.json', study: { kind: 'config', config: earlier }, modelNames: {}, endpoint: null }, models, dataset, start));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/different HumanEval file/);
  });
});

describe('resuming a result file', () => {
  async function onEndpoint(): Promise<ResultFile> {
    const doc = await studyResultFile();
    return { ...doc, config: { ...doc.config, models: { 'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b-q4', baseUrl: ROOT } } } };
  }

  it('keeps the config exactly as recorded', async () => {
    const doc = await onEndpoint();
    expect(resumedStudyConfig(doc, null, { model: null, modelMap: {} }, dataset, 'p.json')).toBe(doc.config);
    expect(resumedStudyConfig(doc, ROOT, { model: 'llama3.2:3b-q4', modelMap: {} }, dataset, 'p.json')).toBe(doc.config);
  });

  it('refuses another endpoint or model, and a study that ran in the browser', async () => {
    const doc = await onEndpoint();
    expect(thrown(() => resumedStudyConfig(doc, 'http://other:1/v1', { model: null, modelMap: {} }, dataset, 'p.json')).message).toMatch(
      /started on http:\/\/localhost:11434\/v1; it must continue there/,
    );
    expect(thrown(() => resumedStudyConfig(doc, null, { model: 'llama3.2:3b', modelMap: {} }, dataset, 'p.json')).message).toMatch(
      /asked the endpoint for "llama3\.2:3b-q4" as "llama3\.2:3b"; it must continue with the same model/,
    );
    const browser = await studyResultFile();
    expect(thrown(() => resumedStudyConfig(browser, null, { model: null, modelMap: {} }, dataset, 'p.json')).message).toMatch(
      /runs "llama3\.2:3b" on WebLLM in a browser/,
    );
  });
});
