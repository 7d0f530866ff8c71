import { describe, expect, it } from 'vitest';
import { APP_VERSION, PYODIDE_VERSION, studyEnvironment, type EnvironmentSource } from '../../../src/ui/environment.ts';

const adapter = {
  features: new Set(['timestamp-query', 'shader-f16']),
  info: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader', isFallbackAdapter: true },
};
const source: EnvironmentSource = {
  userAgent: 'Mozilla/5.0 Chrome/150',
  crossOriginIsolated: true,
  gpu: { requestAdapter: async () => adapter },
};
const now = new Date('2026-05-01T12:00:00.000Z');

describe('the environment a result file records for this browser', () => {
  it('names the GPU adapter and WebLLM when the study ran in-browser models', async () => {
    const env = await studyEnvironment({ models: { m: { engine: 'webllm', id: 'x-q4f16_1-MLC' } } }, { webllmVersion: '0.2.86', source, now });
    expect(env).toEqual({
      appVersion: APP_VERSION,
      userAgent: 'Mozilla/5.0 Chrome/150',
      gpu: { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader', isFallbackAdapter: true, features: ['shader-f16', 'timestamp-query'] },
      webllmVersion: '0.2.86',
      pyodideVersion: PYODIDE_VERSION,
      crossOriginIsolated: true,
      recordedAt: '2026-05-01T12:00:00.000Z',
    });
    expect(PYODIDE_VERSION).toBe('314.0.7');
  });

  it('leaves the GPU and WebLLM out when the models ran behind an endpoint, and survives a GPU that refuses', async () => {
    const env = await studyEnvironment({ models: { m: { engine: 'openai', id: 'llama', baseUrl: 'http://localhost:11434/v1' } } }, { webllmVersion: '0.2.86', source, now });
    expect(env.gpu).toBeNull();
    expect(env.webllmVersion).toBeNull();
    const refusing: EnvironmentSource = { ...source, gpu: { requestAdapter: async () => Promise.reject(new Error('no')) } };
    expect((await studyEnvironment({ models: { m: { engine: 'webllm', id: 'x' } } }, { webllmVersion: '0.2.86', source: refusing, now })).gpu).toBeNull();
  });
});
