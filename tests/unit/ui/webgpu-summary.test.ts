import { describe, expect, it } from 'vitest';
import type { DeviceCapabilities } from '../../../src/core/llm/catalog.ts';
import { summarizeWebGpu } from '../../../src/ui/models/webgpu-summary.ts';

const base: DeviceCapabilities = { secureContext: true, webgpu: 'available', features: [], limits: {} };

describe("the home page's sentence on WebGPU", () => {
  it('names the adapter when models can run in this browser', () => {
    const summary = summarizeWebGpu({ ...base, adapter: { vendor: 'apple', architecture: 'metal-3', description: '', isFallbackAdapter: false } });
    expect(summary.canRunInBrowser).toBe(true);
    expect(summary.text).toContain('(apple metal-3)');
    expect(summary.text).not.toContain('slow');
  });

  it('warns that a software adapter will be slow, saying "software" once', () => {
    const summary = summarizeWebGpu({ ...base, adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } });
    expect(summary.canRunInBrowser).toBe(true);
    expect(summary.text).toContain('software adapter (google swiftshader)');
    expect(summary.text.match(/software/g)).toHaveLength(1);
    expect(summary.text).toContain('very slowly');
  });

  it('sends a browser without an adapter (headless Chromium, a blocklisted GPU) to an endpoint', () => {
    const summary = summarizeWebGpu({ ...base, webgpu: 'no-adapter' });
    expect(summary.canRunInBrowser).toBe(false);
    expect(summary.text).toContain('no usable GPU adapter');
    expect(summary.text).toContain('OpenAI-compatible server');
    expect(summary.text).toContain('need no model');
  });

  it('says a page that is not a secure context is the reason, before blaming the browser', () => {
    const summary = summarizeWebGpu({ ...base, secureContext: false, webgpu: 'missing' });
    expect(summary.canRunInBrowser).toBe(false);
    expect(summary.text).toContain('secure page');
    expect(summary.text).toContain('localhost');
    // Not "connect Ollama" plainly: the browser keeps such a page from this computer's servers too.
    expect(summary.text).toContain('blocks this page from servers on this computer');
  });

  it('says when the browser has no WebGPU at all', () => {
    const summary = summarizeWebGpu({ ...base, webgpu: 'missing' });
    expect(summary.canRunInBrowser).toBe(false);
    expect(summary.text).toMatch(/^This browser has no WebGPU/);
  });
});
