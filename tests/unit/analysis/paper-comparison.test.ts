import { describe, expect, it } from 'vitest';
import { paperArmOf, paperComparison } from '../../../src/core/analysis/paper-comparison.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import { studiesFromResultFiles } from '../../../src/core/analysis/result-file-study.ts';
import {
  coderSelfRefine,
  forcedIterationsVariant,
  llamaSelfRefine,
  llamaSolo,
  neatV2Champion,
  neatV3Champion,
  presetById,
  qwenToLlama,
  textOnlyPipeline,
} from '../../../src/core/pipeline/presets.ts';
import type { ResultFile, ResultServedModel } from '../../../src/core/results/result-file.ts';
import { welchTest } from '../../../src/core/stats/welch.ts';
import type { StudyArm, StudyConfig } from '../../../src/core/study/config.ts';
import { ollamaServedModel } from '../results/result-file-fixtures.ts';
import { studyConfig } from '../study/study-fixtures.ts';
import { HUMANEVAL_IDS, resultFile } from './paper-fixtures.ts';

const arm = (id: string, pipeline: StudyArm['pipeline'], forcedIterations = false): StudyArm => ({ id, label: id, pipeline, forcedIterations });

function compare(...docs: ResultFile[]) {
  return paperComparison(studiesFromResultFiles(docs.map((doc, i) => ({ fileName: `f${i}.json`, doc }))));
}

describe('recognising the paper arms', () => {
  it('by pipeline shape, whatever the ids, names, prompts or temperatures', async () => {
    expect(paperArmOf(llamaSolo)?.arm).toBe('llama-solo');
    expect(paperArmOf(qwenToLlama)?.arm).toBe('qwen-llama');
    expect(paperArmOf(neatV3Champion)?.arm).toBe('neat-v3');
    const renamed = { ...llamaSelfRefine, id: 'mine', name: 'my loop', generator: { ...llamaSelfRefine.generator, prompt: { text: 'Solve it.' }, temperature: 0.7 } };
    expect(paperArmOf(renamed)?.arm).toBe('llama-self-refine');
  });

  it('not when a model, the iterations or an analyzer differ, nor for other pipeline kinds', async () => {
    expect(paperArmOf(neatV2Champion)).toBeNull(); // llama → llama with 2 iterations
    expect(paperArmOf(presetById('coder-self-refine-1iter')!)).toBeNull();
    expect(paperArmOf(textOnlyPipeline('llama3.2:3b'))).toBeNull();
    expect(paperArmOf({ ...llamaSolo, generator: { ...llamaSolo.generator, model: 'gemma3:1b' } })).toBeNull();
  });
});

describe('your runs beside the printed Table 1', () => {
  it("puts each paper arm's mean ± SD beside the printed one, with Δ, σ and Welch's p", async () => {
    const doc = await resultFile([arm('solo', llamaSolo), arm('refine', llamaSelfRefine)], {
      solo: [80, 78, 75],
      refine: [90, 95, 93],
    });
    const { table, notes } = compare(doc);
    expect(notes).toEqual([]);
    expect(table?.rows.map((r) => r.slice(0, 6).map((c) => c.text))).toEqual([
      ['solo', 'llama3.2:3B solo', '3', '77.7 ± 2.5', '76.6 ± 3.7', '1.1'],
      ['refine', 'llama → exec → llama (self-refine)', '3', '92.7 ± 2.5', '94.0 ± 2.7', '-1.3'],
    ]);
    const expected = welchTest({ mean: 233 / 3, sd: Math.sqrt(((80 - 233 / 3) ** 2 + (78 - 233 / 3) ** 2 + (75 - 233 / 3) ** 2) / 2), n: 3 }, { mean: 76.6, sd: 3.7, n: 5 })!;
    expect(table?.rows[0]?.[7]?.value).toBeCloseTo(expected.p, 12);
    // The fixtures ran llama in WebLLM at q4f16_1: said beside the numbers.
    expect(table?.rows[0]?.[8]?.text).toBe('llama3.2:3b ran in WebLLM as Llama-3.2-3B-Instruct-q4f16_1-MLC (q4f16_1; paper: Ollama Q4_K_M)');
    expect(table?.notes?.join(' ')).toContain('Bonferroni');
  });

  it("shows each Welch p with the digits it takes to sit on the right side of the table's Bonferroni threshold", async () => {
    // Solo 60, 66, 69 against the printed 76.6 ± 3.7 (n = 5): t = −3.71726, df = 3.59551 (Welch–Satterthwaite),
    // two-sided p = 0.0247736 (the t density integrated numerically, by hand); two tests, so 0.05 / 2 = 0.025,
    // and 3 decimals would show the p as "0.025", the threshold itself.
    const doc = await resultFile([arm('solo', llamaSolo), arm('refine', llamaSelfRefine)], {
      solo: [60, 66, 69],
      refine: [90, 95, 93],
    });
    const { table } = compare(doc);
    expect(table?.rows[0]?.[7]?.value).toBeCloseTo(0.024773579598765, 9);
    expect(table?.rows[0]?.[7]?.text).toBe('0.0248');
    expect(table?.notes?.join(' ')).toContain('compare each with 0.05 / 2 = 0.025.');
    expect(table?.notes?.join(' ')).toContain("Welch's t-test (two-sided)");
  });

  it('gives a spreadsheet mean and SD in numeric columns of their own, plain negative numbers, and empty cells where the page shows –', async () => {
    const doc = await resultFile([arm('solo', llamaSolo), arm('refine', llamaSelfRefine)], { solo: [70], refine: [90, 95, 93] });
    const { table } = compare(doc);
    const rows = tableToCsv(table!).trimEnd().split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual([
      'Arm',
      "Paper's arm",
      'Your runs',
      'Yours: mean',
      'Yours: SD',
      'Paper: mean',
      'Paper: SD',
      'Δ (yours − paper)',
      'σ',
      'Welch p',
      "Set-up different from the paper's",
    ]);
    // One run: a mean, no SD, σ or p (empty, not the page's en dash); Δ as a plain negative number.
    expect(rows[1]?.slice(0, 10)).toEqual(['solo', 'llama3.2:3B solo', '1', '70', '', '76.6', '3.7', '-6.6', '', '']);
    const mean = (90 + 95 + 93) / 3;
    const [, , runs, yoursMean, yoursSd, paperMean, paperSd, delta, sigma, p] = rows[2]!;
    const twelve = (x: number) => String(Number(x.toPrecision(12)));
    expect([runs, yoursMean, paperMean, paperSd]).toEqual(['3', twelve(mean), '94', '2.7']);
    expect(Number(yoursSd)).toBeCloseTo(Math.sqrt(((90 - mean) ** 2 + (95 - mean) ** 2 + (93 - mean) ** 2) / 2), 10);
    expect(delta).toBe(twelve(mean - 94));
    expect(delta).toMatch(/^-\d/);
    for (const field of [yoursSd, sigma, p]) expect(Number.isFinite(Number(field)), field).toBe(true);
  });

  it('lists every set-up difference: harness, limits, context, top-p, temperatures, token caps', async () => {
    const hot = { ...coderSelfRefine, stages: coderSelfRefine.stages.map((s) => ({ ...s, refiner: { ...s.refiner, temperature: 0.9, maxTokens: 1024 } })) };
    const doc = await resultFile([arm('coder', hot)], { coder: [140, 141] }, {
      mode: 'standard',
      limits: { timeoutMs: 3000, problemTimeCapMs: 60_000, maxOutputChars: 1_000_000, slowTaskFloors: true },
      sampling: { contextWindowTokens: 2048, topP: null },
      models: { 'qwen2.5-coder:3b': { engine: 'openai', id: 'qwen2.5-coder:3b', baseUrl: 'http://localhost:11434/v1', quantization: 'Q8_0' } },
    });
    const differences = compare(doc).table?.rows[0]?.[8]?.text;
    expect(differences).toBe(
      'standard harness (the prompt goes before the code); the paper ran the code alone, which fails more HumanEval problems; ' +
        // The 2048 was never sent: an endpoint's context is its server's setting.
        "time limit 3 s (paper 10 s); cap per problem 60 s (paper 120 s); context: the endpoint server's own setting, unknown to the study (paper 4096 tokens); " +
        // No top-p sent: Ollama's OpenAI-compatible API then uses 1.0, not the 0.9 the study's calls got.
        "top-p the engine's default (paper 0.9, Ollama's default); " +
        'refiner T = 0.9 (paper 0.2); refiner max 1024 tokens (paper 512); qwen2.5-coder:3b at Q8_0 (paper Q4_K_M)',
    );
  });

  it('lists a seed, a top-p and an endpoint model other than the paper\'s tag', async () => {
    // `feedback-lab run --model` or `--map` sends every call to the endpoint's model of that name.
    const doc = await resultFile([arm('solo', llamaSolo)], { solo: [77, 77, 77] }, {
      sampling: { contextWindowTokens: 4096, topP: 0.95 },
      seeds: { sampling: 42 },
      models: { 'llama3.2:3b': { engine: 'openai', id: 'meta-llama/Llama-3.2-3B-Instruct', baseUrl: 'http://localhost:8000/v1' } },
    });
    const { table } = compare(doc);
    expect(table?.rows[0]?.[8]?.text).toBe(
      "context: the endpoint server's own setting, unknown to the study (paper 4096 tokens); top-p 0.95 (paper 0.9, Ollama's default); sampling seed 42 (paper: no seed); llama3.2:3b served as meta-llama/Llama-3.2-3B-Instruct",
    );
    // Identical seeded runs have SD 0: Welch's test still stands on the paper's spread alone.
    expect(table?.rows[0]?.[3]?.text).toBe('77.0 ± 0.0');
    expect(table?.rows[0]?.[7]?.value).toBeCloseTo(welchTest({ mean: 77, sd: 0, n: 3 }, { mean: 76.6, sd: 3.7, n: 5 })!.p, 12);
    const same = await resultFile([arm('solo', llamaSolo)], { solo: [77, 78] }, {
      models: { 'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b', baseUrl: 'http://localhost:11434/v1', quantization: 'Q4_K_M' } },
    });
    expect(compare(same).table?.rows[0]?.[8]?.text).toBe("context: the endpoint server's own setting, unknown to the study (paper 4096 tokens)");
  });

  it("says an in-browser arm's context only when the study set another, and never calls an endpoint's context the paper's", async () => {
    const llamaInBrowser = studyConfig().models;
    const differences = async (contextWindowTokens: number, models: StudyConfig['models'] = llamaInBrowser) => {
      const doc = await resultFile([arm('qwen-llama', qwenToLlama)], { 'qwen-llama': [150, 151] }, {
        sampling: { contextWindowTokens, topP: null },
        models: { 'qwen2.5:1.5b': { engine: 'webllm', id: 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC', quantization: 'q4f16_1' }, ...models },
      });
      return (compare(doc).table?.rows[0]?.[8]?.text ?? '').split('; ').filter((d) => d.startsWith('context'));
    };
    // Both models in WebLLM, which loads them with the study's context.
    expect(await differences(4096)).toEqual([]);
    expect(await differences(2048)).toEqual(['context 2048 tokens (paper 4096)']);
    const llamaOnOllama: StudyConfig['models'] = { 'llama3.2:3b': { engine: 'openai', id: 'llama3.2:3b', baseUrl: 'http://localhost:11434/v1' } };
    expect(await differences(2048, llamaOnOllama)).toEqual([
      'context 2048 tokens in WebLLM (paper 4096)',
      "context: the endpoint server's own setting, unknown to the study (paper 4096 tokens)",
    ]);
    const replayed: StudyConfig['models'] = {
      'qwen2.5:1.5b': { engine: 'replay', id: 'qwen2.5:1.5b' },
      'llama3.2:3b': { engine: 'replay', id: 'llama3.2:3b' },
    };
    expect(await differences(2048, replayed)).toEqual([]);
  });

  it('says the context and quantisation Ollama reported running an endpoint arm with, or why they are not known', async () => {
    const onOllama = { 'llama3.2:3b': { engine: 'openai' as const, id: 'llama3.2:3b', baseUrl: 'http://localhost:11434/v1' } };
    const withServed = async (served: Partial<ResultServedModel>) => {
      const doc = await resultFile([arm('solo', llamaSolo)], { solo: [77, 78] }, { models: onOllama });
      doc.environments[0]!.servedModels = [ollamaServedModel(served)];
      const loaded = studiesFromResultFiles([{ fileName: 'f.json', doc }]);
      return { differences: paperComparison(loaded).table?.rows[0]?.[8]?.text, notes: loaded.notes };
    };
    // The paper's context and quantisation, as Ollama reported them: nothing differs.
    const same = await withServed({});
    expect(same.differences).toBe('none');
    expect(same.notes).toEqual(['llama3.2:3b ran on Ollama with a 4096-token context (Q4_K_M, 3.2B parameters; 3.4 GB, all on the GPU).']);
    expect((await withServed({ contextTokens: 2048, quantization: 'Q8_0' })).differences).toBe('context 2048 tokens on Ollama (paper 4096); llama3.2:3b at Q8_0 (paper Q4_K_M)');
    const unknown = await withServed({
      server: null,
      contextTokens: null,
      quantization: null,
      parameterSize: null,
      sizeBytes: null,
      gpuBytes: null,
      unknownBecause: 'the server did not describe the model: /api/ps answered HTTP 403 Forbidden',
    });
    expect(unknown.differences).toBe(
      "context: the endpoint server's own setting, not reported (the server did not describe the model: /api/ps answered HTTP 403 Forbidden) (paper 4096 tokens)",
    );
    expect(unknown.notes).toEqual([
      'llama3.2:3b ran on http://localhost:11434/v1; the context it ran with is unknown: the server did not describe the model: /api/ps answered HTTP 403 Forbidden.',
    ]);
  });

  it('says what the standard harness changes on MBPP, where no prompt goes before the code', async () => {
    const mbppIds = Array.from({ length: 427 }, (_, i) => `Mbpp/${i + 2}`);
    const doc = await resultFile([arm('solo', llamaSolo)], { solo: [250, 255] }, { benchmark: 'mbpp', problemIds: mbppIds, mode: 'standard' });
    const differences = compare(doc).table?.rows[0]?.[8]?.text ?? '';
    expect(differences).not.toContain('the prompt goes before the code');
    expect(differences).toMatch(/^standard harness \(on MBPP the paper's code and asserts with fewer blank lines between them: only the traceback line numbers the refiner reads differ\)/);
  });

  it('gives no σ or p for a single run, and says why the other arms are not compared', async () => {
    const whole = await resultFile([arm('solo', llamaSolo), arm('forced', forcedIterationsVariant(llamaSelfRefine)), arm('text', textOnlyPipeline('llama3.2:3b'))], {
      solo: [70],
      forced: [90],
      text: [60],
    });
    const subset = await resultFile([arm('refine', llamaSelfRefine)], { refine: [10] }, { id: 'subset', name: 'first 20', problemIds: HUMANEVAL_IDS.slice(0, 20) });
    const { table, notes } = compare(whole, subset);
    expect(table?.rows).toHaveLength(1);
    expect(table?.rows[0]?.slice(2, 8).map((c) => c.text)).toEqual(['1', '70.0', '76.6 ± 3.7', '-6.6', '–', '–']);
    expect(notes).toEqual([
      "refine (first 20) is the paper's llama → exec → llama (self-refine) but ran 20 of 164 HumanEval problems; the paper's numbers are over all of them, so they are not compared.",
    ]);
  });

  it("says the paper did not run the NEAT champion on MBPP, and shows nothing when no arm is the paper's", async () => {
    const mbpp = Array.from({ length: 427 }, (_, i) => `Mbpp/${i + 2}`);
    const doc = await resultFile([arm('neat', neatV3Champion)], { neat: [300] }, { benchmark: 'mbpp', problemIds: mbpp, models: { ...studyConfig().models, 'qwen2.5:1.5b': { engine: 'openai', id: 'qwen2.5:1.5b' } } });
    expect(compare(doc)).toEqual({ table: null, notes: ["neat is the paper's NEAT champion, which the paper did not run on MBPP."] });
    expect(compare(await resultFile([arm('text', textOnlyPipeline('llama3.2:3b'))], { text: [50, 51] }))).toEqual({ table: null, notes: [] });
  });
});
