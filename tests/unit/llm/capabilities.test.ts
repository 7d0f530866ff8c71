import { describe, expect, it } from 'vitest';
import { describeAdapter, probeCapabilities, type ProbeEnvironment } from '../../../src/llm/capabilities.ts';
import { gpuAdapter } from '../../../src/ui/environment.ts';
import { summarizeWebGpu, webGpuRefusal } from '../../../src/ui/models/webgpu-summary.ts';

function adapter(features: string[], isFallbackAdapter = false) {
  return {
    features: new Set(features),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 32768, somethingElse: 1 },
    info: { vendor: 'apple', architecture: 'metal-3', description: '', isFallbackAdapter },
  };
}

describe('probing the device', () => {
  it('reads adapter, features, the limits WebLLM needs, storage and memory', async () => {
    const environment: ProbeEnvironment = {
      isSecureContext: true,
      gpu: { requestAdapter: async () => adapter(['shader-f16', 'subgroups']) },
      storage: { estimate: async () => ({ quota: 10e9, usage: 1e9 }) },
      deviceMemory: 8,
    };
    const caps = await probeCapabilities(environment);
    expect(caps).toMatchObject({
      secureContext: true,
      webgpu: 'available',
      features: ['shader-f16', 'subgroups'],
      limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupStorageSize: 32768 },
      storage: { quotaBytes: 10e9, usageBytes: 1e9 },
      deviceMemoryGB: 8,
    });
    expect(caps.limits).not.toHaveProperty('somethingElse');
    expect(describeAdapter(caps)).toBe('apple metal-3');
  });

  it('tells a browser without WebGPU from one whose adapter request fails', async () => {
    expect((await probeCapabilities({ isSecureContext: false })).webgpu).toBe('missing');
    const refused = await probeCapabilities({ isSecureContext: true, gpu: { requestAdapter: async () => null } });
    expect(refused.webgpu).toBe('no-adapter');
    const thrown = await probeCapabilities({
      isSecureContext: true,
      gpu: {
        requestAdapter: async () => {
          throw new Error('GPU process crashed');
        },
      },
    });
    expect(thrown).toMatchObject({ webgpu: 'no-adapter', probeError: 'GPU process crashed' });
  });

  it('gives up on a GPU that never answers, saying so, instead of checking for ever', async () => {
    const never = <T,>() => new Promise<T>(() => {});
    const caps = await probeCapabilities(
      { isSecureContext: true, gpu: { requestAdapter: () => never() }, storage: { estimate: () => never() } },
      { timeoutMs: 30 },
    );
    expect(caps).toMatchObject({ webgpu: 'no-adapter', gpuTimedOutMs: 30, probeError: 'the GPU did not answer within 0.03 s' });
    expect(caps.storage).toBeUndefined();
    expect(summarizeWebGpu(caps).text).toContain('the GPU did not answer within 0.03 s');
    expect(summarizeWebGpu(caps).canRunInBrowser).toBe(false);
    expect(webGpuRefusal(caps)).toContain('the GPU did not answer within 0.03 s');
    expect(await gpuAdapter({ userAgent: 'test', crossOriginIsolated: false, gpu: { requestAdapter: () => never() } }, 30)).toBeNull();
  });

  it('marks a software adapter and survives a refused storage estimate', async () => {
    const caps = await probeCapabilities({
      isSecureContext: true,
      gpu: { requestAdapter: async () => adapter([], true) },
      storage: {
        estimate: async () => {
          throw new Error('denied');
        },
      },
    });
    expect(describeAdapter(caps)).toBe('apple metal-3 (software)');
    expect(caps.storage).toBeUndefined();
  });
});
