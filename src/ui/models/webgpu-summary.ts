/**
 * One sentence, for a first-time visitor, on whether this browser can run the in-browser models
 * and what to do instead when it cannot. The Models page shows the probe in full; the home page
 * shows this, so nobody downloads gigabytes or builds a study before learning the GPU is missing.
 */
import type { DeviceCapabilities } from '../../core/llm/catalog.ts';
import { describeAdapter, gpuTimeoutMessage } from '../../llm/capabilities.ts';

export interface WebGpuSummary {
  /** Whether in-browser (WebLLM) models can run here at all. */
  canRunInBrowser: boolean;
  text: string;
}

const INSTEAD = 'connect an OpenAI-compatible server (Ollama, llama.cpp, vLLM…) on the Models page, or use the pages that need no model';

export function summarizeWebGpu(caps: DeviceCapabilities): WebGpuSummary {
  if (caps.webgpu === 'available') {
    const software = caps.adapter?.isFallbackAdapter === true;
    // The adapter's name without describeAdapter's "(software)", which the sentence says itself.
    const name = describeAdapter(caps.adapter ? { ...caps, adapter: { ...caps.adapter, isFallbackAdapter: false } } : caps);
    return {
      canRunInBrowser: true,
      text: software
        ? `This browser has WebGPU, but only on a software adapter (${name}): models can run here, very slowly; an OpenAI-compatible server will be much faster.`
        : `This browser has WebGPU (${name}): small models can run here after a one-time download; the Models page says which fit.`,
    };
  }
  if (!caps.secureContext) {
    return {
      canRunInBrowser: false,
      // Nor can such a page reach a server on localhost (endpoint-errors.ts): "connect Ollama" alone would send the reader astray.
      text: `WebGPU needs a secure page (https://, or http://localhost), and this one is not, so models cannot run in this browser here: open the app over https or on localhost. The browser also blocks this page from servers on this computer, so connect an OpenAI-compatible server on another machine on the Models page, or use the pages that need no model.`,
    };
  }
  if (caps.webgpu === 'no-adapter' && caps.gpuTimedOutMs !== undefined) {
    return {
      canRunInBrowser: false,
      text: `This browser has WebGPU, but ${gpuTimeoutMessage(caps.gpuTimedOutMs)} (its driver or the browser's GPU process may be stuck; restarting the browser often helps), so models cannot run in this browser for now: ${INSTEAD}.`,
    };
  }
  if (caps.webgpu === 'no-adapter') {
    return {
      canRunInBrowser: false,
      text: `This browser has WebGPU but found no usable GPU adapter (it may be blocklisted or turned off), so models cannot run in this browser: ${INSTEAD}.`,
    };
  }
  return {
    canRunInBrowser: false,
    text: `This browser has no WebGPU, so models cannot run in it: ${INSTEAD}.`,
  };
}

/**
 * Why a run bound to in-browser models is refused here, before WebLLM loads or a study is stored.
 * Null when WebGPU has an adapter (a software one too: slow, but it runs).
 */
export function webGpuRefusal(caps: DeviceCapabilities): string | null {
  if (caps.webgpu === 'available') return null;
  const why = !caps.secureContext
    ? 'WebGPU needs a secure page (https://, or http://localhost), and this one is not'
    : caps.gpuTimedOutMs !== undefined
      ? `This browser has WebGPU, but ${gpuTimeoutMessage(caps.gpuTimedOutMs)} (restarting the browser often helps)`
      : caps.webgpu === 'no-adapter'
      ? 'This browser has WebGPU but found no usable GPU adapter (it may be blocklisted or turned off)'
      : 'This browser has no WebGPU';
  return `${why}, so in-browser (WebLLM) models cannot run here, and nothing was started. Run on an OpenAI-compatible endpoint instead (open this page in a browser with WebGPU to use these models); the Models page shows what this device has.`;
}
