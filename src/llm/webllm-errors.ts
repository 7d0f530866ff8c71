/**
 * WebLLM failures reach the page as strings (its worker posts `err.toString()`), so they are
 * recognised by their text. Each known pattern becomes a title, an explanation and a next step
 * a person can act on; anything else keeps its raw text so nothing is hidden.
 */
import type { LastingMark } from '../core/llm/lasting-error.ts';

export type WebLLMProblemKind =
  /** The WebGPU device was lost (almost always GPU memory); WebLLM then drops its models. */
  | 'out-of-memory'
  /** The tab's own memory (RAM, not the GPU's) could not hold a buffer. */
  | 'tab-memory'
  | 'shader-f16'
  | 'gpu-limits'
  | 'quota'
  | 'cors'
  | 'network'
  | 'no-webgpu'
  | 'context-window'
  | 'integrity'
  | 'library'
  | 'unknown-model'
  | 'worker'
  /** A load that reported no progress for too long (see webllm-stall.ts). */
  | 'stalled'
  /** A generation that went silent for too long (see webllm-generation-stall.ts). */
  | 'generation-stalled'
  | 'unknown';

/**
 * Problems that trying the same build again in this browser cannot get past: the page offers no
 * "Try again" for them, and a study or search stopped by one is told to change builds or engine.
 */
const LASTING_KINDS: ReadonlySet<WebLLMProblemKind> = new Set(['no-webgpu', 'shader-f16', 'gpu-limits', 'context-window', 'unknown-model']);

export function isLastingProblem(kind: WebLLMProblemKind): boolean {
  return LASTING_KINDS.has(kind);
}

export interface ExplainedError {
  kind: WebLLMProblemKind;
  title: string;
  explanation: string;
  nextStep: string;
  /** What the engine said, for the details view and bug reports. */
  raw: string;
}

interface Pattern {
  kind: WebLLMProblemKind;
  test: RegExp;
  title: string;
  explanation: string;
  nextStep: string;
}

// Order matters: the first match wins, and the specific ones must precede "network".
const PATTERNS: readonly Pattern[] = [
  {
    kind: 'no-webgpu',
    test: /WebGPUNotAvailableError|WebGPUNotFoundError|Cannot find WebGPU|Unable to find a compatible GPU|navigator\.gpu is undefined/i,
    title: 'WebGPU is not available',
    explanation: 'The browser did not offer a WebGPU device, which in-browser models need.',
    nextStep: 'Open the page in a recent Chrome or Edge (over https or localhost), or use an OpenAI-compatible endpoint instead.',
  },
  {
    kind: 'shader-f16',
    test: /ShaderF16SupportError|shader-f16|\bf16\b[^\n]*(extension|enable)|enable f16/i,
    title: 'This build needs 16-bit shaders',
    explanation: 'The model was compiled for GPUs with the shader-f16 feature, and this GPU does not offer it.',
    nextStep: 'Pick the q4f32_1 build of the model (the catalogue does this when it knows), or another model that has one.',
  },
  {
    // Before the GPU's: V8 says "out of memory" too when the tab cannot get RAM for a buffer.
    kind: 'tab-memory',
    test: /Array buffer allocation failed|Cannot allocate Wasm memory|WebAssembly\.Memory\(\): could not allocate memory/i,
    title: 'The tab ran out of memory',
    explanation: 'The browser could not give this tab the ordinary memory (RAM, not GPU memory) it needed to hold the model files.',
    nextStep: 'Close other tabs or programs, or pick a smaller model, then try again.',
  },
  {
    // Chrome's own words for a lost device include "Device is lost" (a mapAsync on it). Once the
    // device is lost WebLLM unloads its models but its worker still counts them loaded, so every
    // later request fails with ModelNotLoadedError: the same loss, seen late.
    kind: 'out-of-memory',
    test: /DeviceLostError|device (was |is )?lost|ModelNotLoadedError|out of memory|\bOOM\b|GPUOutOfMemoryError|allocation failed/i,
    title: 'The GPU ran out of memory',
    explanation: 'The WebGPU device was lost, which almost always means the model and its cache did not fit in GPU memory.',
    nextStep:
      'Close other GPU-heavy tabs, choose a smaller model, or load one model at a time, then try again: the model is loaded afresh. If it fails the same way, reload the page.',
  },
  {
    kind: 'gpu-limits',
    test: /exceeds limit|requested max\w+ exceeds|maxStorageBufferBindingSize|maxBufferSize|maxComputeWorkgroupStorageSize/i,
    title: 'The GPU is below what WebLLM needs',
    explanation: 'The GPU adapter reports buffer or workgroup limits smaller than the model runtime requests.',
    nextStep: 'Update the browser and GPU driver, or use an OpenAI-compatible endpoint.',
  },
  {
    kind: 'quota',
    test: /QuotaExceededError|quota (has been )?exceeded|exceeded the quota|storage quota/i,
    title: 'Not enough browser storage',
    explanation: 'The browser refused to store more model files for this site.',
    nextStep: 'Delete cached models you no longer need (below), free disk space, or leave private browsing, then try again.',
  },
  {
    kind: 'cors',
    test: /CORS|Cross-Origin Request Blocked|Access-Control-Allow-Origin/i,
    title: 'The model server refused this site',
    explanation: 'The server holding the model files does not allow pages from this origin to read them (CORS).',
    nextStep: 'Serve the files with an Access-Control-Allow-Origin header, or use the default Hugging Face location.',
  },
  {
    // WebLLM checks no weight file's hash, and caches a response that ended early but whole (a proxy,
    // a mirror) as it came; it fails only when reading it, and every later load reads the same file.
    kind: 'integrity',
    test: /Tensor-cache record range .* exceeds shard size|Invalid tensor-cache (byteOffset|nbytes)/i,
    title: 'A cached model file is damaged',
    explanation:
      'A weight file kept in this browser is shorter than the model\'s file list says: its download ended early but was stored as complete. Loading again reads the same file.',
    nextStep: 'Delete the model from this browser (in the table below), then download it again.',
  },
  {
    kind: 'integrity',
    test: /IntegrityError|Integrity verification failed/i,
    title: 'A model file is not what was expected',
    explanation: 'A downloaded file did not match its published checksum, so it was not used.',
    nextStep: 'Delete the model from the cache and download it again.',
  },
  {
    kind: 'context-window',
    test: /ContextWindowSizeExceededError|exceed context window size/i,
    title: 'The prompt is too long for this model',
    explanation: 'The messages do not fit in the model\'s context window.',
    nextStep: 'Shorten the prompt or pick a model with a larger context window.',
  },
  {
    kind: 'unknown-model',
    test: /ModelNotFoundError|Cannot find model record/i,
    title: 'Unknown model',
    explanation: 'The engine has no record of this model id.',
    nextStep: 'Pick a model from the catalogue; ids are case-sensitive.',
  },
  {
    // WebLLM compiles whatever the library URL returned, without checking the status: a folder
    // without this model's .wasm answers 404 or a web page, and the engine only says CompileError.
    kind: 'library',
    test: /CompileError: WebAssembly\.(instantiate|compile)|expected magic word 00 61 73 6d/i,
    title: 'The model library could not be loaded',
    explanation:
      'The compiled model library (a .wasm file) that arrived is not WebAssembly: the libraries folder probably does not hold this model\'s library and answered with an error or a web page instead.',
    nextStep:
      'Check the "Model libraries folder" under "Where model files come from" (leave it empty for WebLLM\'s own), then try again; if it was empty, delete the model from this browser and download it again.',
  },
  {
    kind: 'network',
    test: /Failed to execute 'add' on 'Cache'|Request failed|Failed to fetch|NetworkError|Load failed|Cannot fetch|\b404\b|net::ERR_[A-Z_]+/i,
    title: 'A model file could not be downloaded',
    explanation:
      'The browser could not fetch one of the model files: the network is down, the address is wrong (404), or the server blocked the request.',
    nextStep: 'Check the connection and the model files location in the settings, then try the download again; finished files are kept.',
  },
  {
    kind: 'worker',
    test: /model worker (failed|stopped)|WorkerGlobalScope|importScripts|Failed to load module script/i,
    title: 'The model worker stopped',
    explanation: 'The background worker that runs WebLLM failed to start or crashed.',
    nextStep: 'Reload the page. If it keeps happening, the browser console has the details.',
  },
];

/** Maps one engine error string (or Error) to something a person can act on. */
export function explainWebLLMError(error: unknown): ExplainedError {
  const raw = errorText(error);
  for (const pattern of PATTERNS) {
    if (pattern.test.test(raw)) {
      return { kind: pattern.kind, title: pattern.title, explanation: pattern.explanation, nextStep: pattern.nextStep, raw };
    }
  }
  return {
    kind: 'unknown',
    title: 'The model engine failed',
    explanation: `WebLLM reported: ${raw}`,
    nextStep: 'Try again; if it repeats, reload the page or pick another model.',
    raw,
  };
}

/** An Error whose message is the plain explanation, carrying the structured form for the UI. */
export class WebLLMEngineError extends Error implements LastingMark {
  readonly explained: ExplainedError;
  constructor(explained: ExplainedError) {
    super(`${explained.title}. ${explained.explanation} ${explained.nextStep}`);
    this.name = 'WebLLMEngineError';
    this.explained = explained;
  }

  /** No WebGPU, no shader-f16, too small a GPU, too long a context, an unknown model: the same build fails the same way here. */
  get lasting(): boolean {
    return isLastingProblem(this.explained.kind);
  }
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.name && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}
