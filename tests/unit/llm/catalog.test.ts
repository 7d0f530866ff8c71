import { describe, expect, it } from 'vitest';
import { modelVersion, prebuiltAppConfig } from '@mlc-ai/web-llm';
import {
  assessModel,
  chooseBuild,
  estimateDownloadBytes,
  fitsTogether,
  memoryBudgetProblem,
  parseParametersB,
  type CatalogEntry,
  type DeviceCapabilities,
} from '../../../src/core/llm/catalog.ts';
import { buildWebLLMCatalog, entryForModelId } from '../../../src/llm/model-catalog.ts';
import { extractPrebuilt } from '../../../src/llm/webllm-prebuilt.ts';

// Built from the installed package, exactly as the Vite plugin does for the page.
const catalog = buildWebLLMCatalog(extractPrebuilt(prebuiltAppConfig.model_list, 'test', modelVersion));

function entry(key: string): CatalogEntry {
  const found = catalog.entries.find((e) => e.key === key);
  if (!found) throw new Error(`${key} is not in the catalogue`);
  return found;
}

/** SwiftShader in headless Chromium, as probed: no shader-f16, a software adapter, 16 GB RAM. */
const swiftShader: DeviceCapabilities = {
  secureContext: true,
  webgpu: 'available',
  adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
  features: ['subgroups', 'timestamp-query'],
  limits: {
    maxBufferSize: 2 ** 30,
    maxStorageBufferBindingSize: 2 ** 30,
    maxComputeWorkgroupStorageSize: 32768,
    maxStorageBuffersPerShaderStage: 10,
    maxComputeInvocationsPerWorkgroup: 256,
  },
  storage: { quotaBytes: 4 * 2 ** 30, usageBytes: 0 },
  deviceMemoryGB: 16,
};
const laptopGpu: DeviceCapabilities = {
  ...swiftShader,
  adapter: { vendor: 'apple', architecture: 'metal-3', description: '', isFallbackAdapter: false },
  features: ['shader-f16'],
  storage: { quotaBytes: 60 * 2 ** 30, usageBytes: 0 },
};

describe('the catalogue read from the installed WebLLM', () => {
  it('holds the five study models under their WebLLM ids', () => {
    const studyIds = catalog.entries.filter((e) => e.role !== 'extra').map((e) => e.builds.q4f16_1?.modelId);
    expect(studyIds).toEqual([
      'gemma3-1b-it-q4f16_1-MLC',
      'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
      'Llama-3.2-3B-Instruct-q4f16_1-MLC',
      'Qwen2.5-Coder-3B-Instruct-q4f16_1-MLC',
      'Qwen2.5-3B-Instruct-q4f16_1-MLC',
    ]);
    expect(catalog.entries.filter((e) => e.role === 'search-pool').map((e) => e.studyName)).toEqual([
      'gemma3:1b',
      'qwen2.5:1.5b',
      'llama3.2:3b',
    ]);
  });

  it('takes memory and context numbers from the package, not from a table', () => {
    const record = prebuiltAppConfig.model_list.find((r) => r.model_id === 'Llama-3.2-3B-Instruct-q4f32_1-MLC');
    const build = entry('Llama-3.2-3B-Instruct').builds.q4f32_1;
    expect(build?.vramRequiredMB).toBe(record?.vram_required_MB);
    expect(build?.contextWindow).toBe(4096);
  });

  it('offers the extras in the 0.5-4 B range and misses none of its rows', () => {
    expect(catalog.missing).toEqual([]);
    for (const e of catalog.entries) {
      expect(e.parametersB).toBeGreaterThanOrEqual(0.5);
      expect(e.parametersB).toBeLessThanOrEqual(4);
    }
    expect(entry('Qwen2.5-Coder-1.5B-Instruct').codeSpecialised).toBe(true);
    expect(entry('Phi-3.5-mini-instruct').parametersB).toBe(3.8);
  });

  it('hands the engine only the records of catalogued builds', () => {
    expect(catalog.records.map((r) => r.model_id)).toContain('SmolLM2-1.7B-Instruct-q4f32_1-MLC');
    expect(catalog.records.some((r) => r.model_id.endsWith('-1k'))).toBe(false);
    expect(entryForModelId(catalog, 'Qwen2.5-3B-Instruct-q4f32_1-MLC')?.role).toBe('text-only-baseline');
  });

  it('reads parameter counts out of ids', () => {
    expect(parseParametersB('Qwen2.5-1.5B-Instruct')).toBe(1.5);
    expect(parseParametersB('gemma3-1b-it')).toBe(1);
    expect(parseParametersB('Phi-3.5-mini-instruct')).toBeUndefined();
  });
});

describe('choosing a build for the GPU', () => {
  it('picks q4f32_1 when the GPU lacks shader-f16', () => {
    expect(chooseBuild(entry('Llama-3.2-3B-Instruct'), swiftShader)?.modelId).toBe('Llama-3.2-3B-Instruct-q4f32_1-MLC');
  });

  it('picks q4f16_1 when the GPU has shader-f16', () => {
    expect(chooseBuild(entry('Llama-3.2-3B-Instruct'), laptopGpu)?.modelId).toBe('Llama-3.2-3B-Instruct-q4f16_1-MLC');
  });

  it('says gemma3-1b cannot run without shader-f16 when WebLLM ships it only as q4f16_1', () => {
    const gemma = entry('gemma3-1b-it');
    // Guard: if a later WebLLM adds a q4f32_1 build this test should change, not silently pass.
    expect(gemma.builds.q4f32_1).toBeUndefined();
    const verdict = assessModel(gemma, swiftShader);
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.reasons[0]).toMatch(/only as q4f16_1.*shader-f16/);
  });
});

describe('deciding whether a model can run here', () => {
  it('lets a 3 B model run on a software adapter, with a warning that it will be slow', () => {
    const verdict = assessModel(entry('Qwen2.5-Coder-3B-Instruct'), swiftShader);
    expect(verdict.verdict).toBe('caution');
    expect(verdict.reasons.join(' ')).toMatch(/software fallback/);
  });

  it('blocks every model outside a secure context, saying only that: the browser hides WebGPU there, so "use Chrome" would be wrong', () => {
    const insecure = assessModel(entry('Qwen2.5-0.5B-Instruct'), { ...swiftShader, secureContext: false, webgpu: 'missing' });
    expect(insecure.verdict).toBe('blocked');
    expect(insecure.reasons).toEqual([expect.stringMatching(/not a secure context.*https or on localhost/)]);
  });

  it('blocks every model in a browser without WebGPU, in plain words', () => {
    const none = assessModel(entry('Qwen2.5-0.5B-Instruct'), { ...swiftShader, webgpu: 'missing' });
    expect(none.reasons).toEqual([expect.stringMatching(/no WebGPU\. Use a recent Chrome or Edge/)]);
  });

  it('takes a typed GPU memory budget of 256 MB or more, or none (the estimate), and names what is wrong with any other', () => {
    expect([memoryBudgetProblem(256), memoryBudgetProblem(8192), memoryBudgetProblem(null)]).toEqual([null, null, null]);
    expect(memoryBudgetProblem(-5)).toBe('GPU memory WebLLM may use: -5 is out of range. Give a number of at least 256 (in MB; empty uses the estimate).');
    expect(memoryBudgetProblem(0)).toMatch(/^GPU memory WebLLM may use: 0 is out of range\./);
    expect(memoryBudgetProblem(Number.NaN)).toMatch(/^GPU memory WebLLM may use: not a number\./);
  });

  it('blocks a model whose memory estimate exceeds the budget', () => {
    const verdict = assessModel(entry('Phi-3.5-mini-instruct'), laptopGpu, { memoryBudgetMB: 2048 });
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.reasons[0]).toMatch(/GPU memory, more than the 2\.0 GB budget/);
  });

  it('blocks a download the storage quota cannot hold, unless the model is cached', () => {
    const tight = { ...laptopGpu, storage: { quotaBytes: 1.5 * 2 ** 30, usageBytes: 2 ** 30 } };
    expect(assessModel(entry('Llama-3.2-3B-Instruct'), tight).reasons[0]).toMatch(/download is about [\d.]+ GB, but this site may only store 512 MB more/);
    expect(assessModel(entry('Llama-3.2-3B-Instruct'), tight, { cached: true }).verdict).toBe('ready');
  });

  it('counts a half-finished download against the quota once: only the rest needs room, so it can be resumed', () => {
    const llama = entry('Llama-3.2-3B-Instruct');
    const size = estimateDownloadBytes(llama, chooseBuild(llama, laptopGpu)!.quantization);
    // 1 GB of it is cached (and in the site's usage); the rest fits in what is left.
    const usage = 2 ** 30;
    const tight = { ...laptopGpu, storage: { quotaBytes: usage + size - 2 ** 30 + 2 ** 20, usageBytes: usage } };
    expect(assessModel(llama, tight, { cachedBytes: 2 ** 30 }).verdict).toBe('ready');
    const tighter = { ...tight, storage: { ...tight.storage, quotaBytes: usage + 100 * 2 ** 20 } };
    expect(assessModel(llama, tighter, { cachedBytes: 2 ** 30 }).reasons[0]).toMatch(/^The rest of the download is about [\d.]+ [GM]B, but this site may only store 100 MB more/);
  });

  it('judges a build\'s buffer need against what WebLLM asks the GPU for (1 GB, else only 128 MB), not the adapter\'s figure', () => {
    const base = entry('Qwen2.5-0.5B-Instruct');
    const build = base.builds.q4f32_1;
    if (!build) throw new Error('no q4f32_1 build');
    // As WebLLM states it for gemma-2b (a 256000-token vocabulary): 250 MB of storage buffer.
    const needy: CatalogEntry = { ...base, builds: { q4f32_1: { ...build, bufferSizeRequiredBytes: 262_144_000 } } };
    const midGpu = { ...laptopGpu, limits: { ...laptopGpu.limits, maxStorageBufferBindingSize: 512 * 2 ** 20 } };
    const verdict = assessModel(needy, midGpu);
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.reasons[0]).toMatch(/needs storage buffers of 250 MB; this GPU's maxStorageBufferBindingSize is 512 MB, below 1 GB, so WebLLM asks it for only 128 MB/);
    expect(assessModel(needy, swiftShader).verdict).toBe('caution');
    // Builds that state no need are not second-guessed.
    expect(assessModel(base, midGpu).verdict).toBe('ready');
  });

  it('blocks a GPU whose buffer limits are below what WebLLM requests', () => {
    const small = { ...laptopGpu, limits: { ...laptopGpu.limits, maxStorageBufferBindingSize: 64 * 2 ** 20 } };
    expect(assessModel(entry('Qwen2.5-0.5B-Instruct'), small).reasons[0]).toMatch(
      /maxStorageBufferBindingSize is 64 MB; WebLLM needs at least 128 MB/,
    );
  });
});

describe('keeping a generator and a refiner loaded together', () => {
  const qwen = entry('Qwen2.5-1.5B-Instruct').builds.q4f32_1;
  const llama = entry('Llama-3.2-3B-Instruct').builds.q4f32_1;
  it('keeps both when their estimates fit the budget, else swaps', () => {
    if (!qwen || !llama) throw new Error('study builds missing');
    expect(fitsTogether([qwen, llama], 8192)).toBe(true);
    expect(fitsTogether([qwen, llama], 4096)).toBe(false);
    expect(fitsTogether([qwen, llama], undefined)).toBe(false);
  });
});
