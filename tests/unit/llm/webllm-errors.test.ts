import { describe, expect, it } from 'vitest';
import { explainWebLLMError, WebLLMEngineError } from '../../../src/llm/webllm-errors.ts';

// Strings as WebLLM's worker posts them (`err.toString()` of its own error classes and of
// browser exceptions), copied from the installed package's messages and Chromium's wording.
describe('explaining WebLLM errors', () => {
  it('a 404 on a model file while filling the cache is a download problem', () => {
    const explained = explainWebLLMError("TypeError: Failed to execute 'add' on 'Cache': Request failed");
    expect(explained.kind).toBe('network');
    expect(explained.title).toBe('A model file could not be downloaded');
    expect(explained.nextStep).toMatch(/try the download again/);
  });

  it('a libraries folder that answers 404 or a web page for the .wasm says to check that folder, not "try again"', () => {
    // WebLLM instantiates whatever came back: an empty 404 body, or an HTML page ("<htm").
    for (const raw of [
      'CompileError: WebAssembly.instantiate(): expected 4 bytes, fell off end @+0',
      'CompileError: WebAssembly.instantiate(): expected magic word 00 61 73 6d, found 3c 68 74 6d @+0',
    ]) {
      const explained = explainWebLLMError(raw);
      expect(explained.kind).toBe('library');
      expect(explained.title).toBe('The model library could not be loaded');
      expect(explained.nextStep).toMatch(/Model libraries folder/);
      expect(explained.raw).toBe(raw);
    }
  });

  it('a dropped connection is a download problem too', () => {
    expect(explainWebLLMError('TypeError: Failed to fetch').kind).toBe('network');
    expect(explainWebLLMError('Error: Cannot fetch https://huggingface.co/x/resolve/main/mlc-chat-config.json').kind).toBe('network');
  });

  it('a lost device reads as running out of GPU memory', () => {
    const raw =
      'DeviceLostError: The WebGPU device was lost while loading the model. This issue often occurs due to running out of memory (OOM). To resolve this, try reloading with a model that has fewer parameters or uses a smaller context length.';
    const explained = explainWebLLMError(raw);
    expect(explained.kind).toBe('out-of-memory');
    expect(explained.nextStep).toMatch(/smaller model/);
    expect(explained.raw).toBe(raw);
  });

  it("Chrome's 'Device is lost', and WebLLM's 'Model not loaded' once it has dropped the model, read as the lost GPU", () => {
    for (const raw of [
      "AbortError: Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost",
      'ModelNotLoadedError: Model not loaded before trying to complete ChatCompletionRequest. Please ensure you have called MLCEngine.reload(model) to load the model before initiating APIs, or initialize your engine using CreateMLCEngine() with a valid model configuration.',
    ]) {
      const explained = explainWebLLMError(raw);
      expect(explained.kind).toBe('out-of-memory');
      expect(explained.title).toBe('The GPU ran out of memory');
      expect(explained.nextStep).toMatch(/try again: the model is loaded afresh/);
    }
  });

  it('the tab out of its own memory is not blamed on the GPU', () => {
    for (const raw of [
      'RangeError: Array buffer allocation failed',
      'The model worker failed: Uncaught RangeError: Array buffer allocation failed',
      'RangeError: WebAssembly.Memory(): could not allocate memory',
    ]) {
      const explained = explainWebLLMError(raw);
      expect(explained.kind).toBe('tab-memory');
      expect(explained.title).toBe('The tab ran out of memory');
      expect(explained.explanation).toMatch(/RAM, not GPU memory/);
      expect(explained.nextStep).toMatch(/Close other tabs .* smaller model/);
    }
  });

  it('a q4f16 build on a GPU without shader-f16 points at the q4f32 build', () => {
    const explained = explainWebLLMError(
      'ShaderF16SupportError: This model requires WebGPU extension shader-f16, which is not enabled in this browser. You can try to launch Chrome Canary in command line with flag "--enable-dawn-features=allow_unsafe_apis".',
    );
    expect(explained.kind).toBe('shader-f16');
    expect(explained.nextStep).toMatch(/q4f32_1/);
    expect(explainWebLLMError("Error while parsing WGSL: :3:8 error: 'f16' type used without 'f16' extension enabled").kind).toBe(
      'shader-f16',
    );
  });

  it('a weight file kept shorter than its manifest says is named damaged, with Delete as the way out, not "try again"', () => {
    // A 200 response that ends early but whole (a proxy, a mirror) is cached as it came; WebLLM checks
    // no shard hash, and every later load reads the same short file until the model is deleted.
    const explained = explainWebLLMError('Error: Tensor-cache record range [0, 4194304) exceeds shard size 2097152');
    expect(explained.kind).toBe('integrity');
    expect(explained.title).toBe('A cached model file is damaged');
    expect(explained.nextStep).toMatch(/^Delete the model from this browser/);
  });

  it('a full disk reads as a storage quota problem', () => {
    expect(explainWebLLMError("QuotaExceededError: Failed to execute 'put' on 'Cache': Quota exceeded.").kind).toBe('quota');
  });

  it('a CORS refusal is told apart from a plain network failure when the browser names it', () => {
    const explained = explainWebLLMError(
      "Access to fetch at 'https://models.example.org/x/mlc-chat-config.json' from origin 'http://localhost:4173' has been blocked by CORS policy",
    );
    expect(explained.kind).toBe('cors');
    expect(explained.nextStep).toMatch(/Access-Control-Allow-Origin/);
  });

  it('no WebGPU says what to use instead', () => {
    const explained = explainWebLLMError(
      'WebGPUNotAvailableError: WebGPU is not supported in your current environment, but it is necessary to run the WebLLM engine.',
    );
    expect(explained.kind).toBe('no-webgpu');
    expect(explained.nextStep).toMatch(/OpenAI-compatible endpoint/);
    expect(explainWebLLMError("Error: Unable to find a compatible GPU. This issue might be because your computer doesn't have a GPU").kind).toBe(
      'no-webgpu',
    );
  });

  it('GPU limits below the runtime request are named', () => {
    expect(
      explainWebLLMError(
        'Error: Cannot initialize runtime because of requested maxStorageBufferBindingSize exceeds limit. requested=128MB, limit=64MB. ',
      ).kind,
    ).toBe('gpu-limits');
  });

  it('a model missing from the engine is not mistaken for a 404', () => {
    expect(
      explainWebLLMError(
        'SpecifiedModelNotFoundError: Specified model x for ChatCompletionRequest is not found in loaded models.',
      ).kind,
    ).toBe('unknown-model');
    expect(explainWebLLMError('ModelNotFoundError: Cannot find model record in appConfig for foo-MLC.').kind).toBe('unknown-model');
  });

  it('keeps an unrecognised message visible word for word', () => {
    const explained = explainWebLLMError('Error: something nobody has seen before');
    expect(explained.kind).toBe('unknown');
    expect(explained.explanation).toContain('something nobody has seen before');
  });

  it('turns into an Error whose message is the plain explanation', () => {
    const error = new WebLLMEngineError(explainWebLLMError('TypeError: Failed to fetch'));
    expect(error.message).toMatch(/^A model file could not be downloaded\. The browser could not fetch/);
    expect(error.explained.raw).toBe('TypeError: Failed to fetch');
  });
});

describe('which WebLLM errors a study or search does not try again', () => {
  it('marks what this browser can never run as lasting, and what may pass (memory, a download) as not', () => {
    expect(new WebLLMEngineError(explainWebLLMError('WebGPUNotAvailableError: navigator.gpu is undefined')).lasting).toBe(true);
    expect(new WebLLMEngineError(explainWebLLMError('GPUOutOfMemoryError: out of memory')).lasting).toBe(false);
  });
});
