/**
 * The in-browser model catalogue as plain data, and the decisions made on it: which
 * quantisation a GPU should get, and whether a model can run here, said in sentences.
 *
 * Pure: the facts arrive as arguments (WebLLM's model records, a capability probe's result), so
 * the same rules run under Node in tests and in the page.
 */
import { numberProblem } from '../number-problems.ts';

/** The two 4-bit builds WebLLM ships for most models. `f16` needs the GPU's `shader-f16`. */
export type Quantization = 'q4f16_1' | 'q4f32_1';
export const QUANTIZATIONS: readonly Quantization[] = ['q4f16_1', 'q4f32_1'];

/** Where a model stands in the study's design. */
export type StudyRole = 'search-pool' | 'baseline' | 'text-only-baseline' | 'extra';

/** What WebLLM's model record says about one build, in our own field names. */
export interface ModelBuild {
  /** WebLLM's `model_id`, e.g. `Llama-3.2-3B-Instruct-q4f16_1-MLC`. */
  modelId: string;
  quantization: Quantization;
  /** `vram_required_MB`: WebLLM's estimate for weights, KV cache and scratch at its context size. */
  vramRequiredMB: number | undefined;
  /** `low_resource_required`: WebLLM marks builds that fit phones and small laptops. */
  lowResource: boolean;
  /** `buffer_size_required_bytes`: the `maxStorageBufferBindingSize` a build needs, when stated. */
  bufferSizeRequiredBytes: number | undefined;
  /** `required_features`, e.g. `shader-f16`. */
  requiredFeatures: string[];
  /** `overrides.context_window_size`. */
  contextWindow: number | undefined;
}

/** One model of the catalogue: a family member with its quantised builds. */
export interface CatalogEntry {
  /** Stable key: the model id without quantisation suffix, e.g. `Llama-3.2-3B-Instruct`. */
  key: string;
  family: string;
  /** Nominal parameter count in billions. */
  parametersB: number;
  codeSpecialised: boolean;
  role: StudyRole;
  /** The study's own name for it (Ollama tag), when it was in the study. */
  studyName?: string;
  builds: Partial<Record<Quantization, ModelBuild>>;
}

/** A row of the selection table: which of WebLLM's models join the catalogue, and as what. */
export interface FamilyRule {
  /** Model id without the `-q4f16_1-MLC` suffix, exactly as WebLLM spells it. */
  key: string;
  family: string;
  role: StudyRole;
  codeSpecialised: boolean;
  studyName?: string;
  /** Only for ids that do not carry their size (`Phi-3.5-mini`) or carry a rounded one. */
  parametersB?: number;
}

/** The fields of a WebLLM `ModelRecord` the catalogue reads (see `prebuiltAppConfig.model_list`). */
export interface WebLLMRecordFacts {
  model_id: string;
  model: string;
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  context_window_size?: number;
  /** 0 = LLM, 1 = embedding, 2 = vision-language (WebLLM's `ModelType`). */
  model_type?: number;
}

/** Reads `1.5B`, `3b`, `0.5B` out of an id; undefined when the id names no size. */
export function parseParametersB(id: string): number | undefined {
  const match = /(?:^|[-_])(\d+(?:\.\d+)?)[bB](?=$|[-_])/.exec(id);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function buildSuffix(quantization: Quantization): string {
  return `-${quantization}-MLC`;
}

/**
 * Joins the selection table with WebLLM's records. Numbers come from the records; a rule whose
 * models the installed WebLLM does not ship is reported in `missing` rather than invented.
 */
export function buildCatalog(
  records: readonly WebLLMRecordFacts[],
  rules: readonly FamilyRule[],
): { entries: CatalogEntry[]; missing: string[] } {
  const byId = new Map(records.map((record) => [record.model_id, record]));
  const entries: CatalogEntry[] = [];
  const missing: string[] = [];
  for (const rule of rules) {
    const builds: Partial<Record<Quantization, ModelBuild>> = {};
    for (const quantization of QUANTIZATIONS) {
      const record = byId.get(rule.key + buildSuffix(quantization));
      if (record && (record.model_type ?? 0) === 0) builds[quantization] = toBuild(record, quantization);
    }
    const parametersB = rule.parametersB ?? parseParametersB(rule.key);
    if (Object.keys(builds).length === 0 || parametersB === undefined) {
      missing.push(rule.key);
      continue;
    }
    entries.push({
      key: rule.key,
      family: rule.family,
      parametersB,
      codeSpecialised: rule.codeSpecialised,
      role: rule.role,
      ...(rule.studyName === undefined ? {} : { studyName: rule.studyName }),
      builds,
    });
  }
  return { entries, missing };
}

function toBuild(record: WebLLMRecordFacts, quantization: Quantization): ModelBuild {
  return {
    modelId: record.model_id,
    quantization,
    vramRequiredMB: record.vram_required_MB,
    lowResource: record.low_resource_required ?? false,
    bufferSizeRequiredBytes: record.buffer_size_required_bytes,
    requiredFeatures: record.required_features ?? [],
    contextWindow: record.context_window_size,
  };
}

/** What a capability probe found, as plain data (see `src/llm/capabilities.ts`). */
export interface DeviceCapabilities {
  secureContext: boolean;
  /** `missing`: no `navigator.gpu`; `no-adapter`: `requestAdapter()` gave null or threw. */
  webgpu: 'available' | 'missing' | 'no-adapter';
  adapter?: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  features: string[];
  limits: Partial<Record<GpuLimitName, number>>;
  storage?: { quotaBytes: number; usageBytes: number };
  /** `navigator.deviceMemory` in GB (Chromium only, rounded and capped). */
  deviceMemoryGB?: number;
  /** Why the probe stopped early, in the browser's words. */
  probeError?: string;
  /** Set (with `webgpu: 'no-adapter'`) when `requestAdapter()` had not answered after this many ms. */
  gpuTimedOutMs?: number;
}

export type GpuLimitName =
  | 'maxBufferSize'
  | 'maxStorageBufferBindingSize'
  | 'maxComputeWorkgroupStorageSize'
  | 'maxStorageBuffersPerShaderStage'
  | 'maxComputeInvocationsPerWorkgroup';

/**
 * The least WebLLM's runtime asks of a device (its `detectGPUDevice` requests these limits and
 * fails below them); a build's own `buffer_size_required_bytes` can raise the storage one.
 */
export const WEBLLM_MINIMUM_LIMITS: Readonly<Record<Exclude<GpuLimitName, 'maxComputeInvocationsPerWorkgroup'>, number>> = {
  maxBufferSize: 256 * 2 ** 20,
  maxStorageBufferBindingSize: 128 * 2 ** 20,
  maxComputeWorkgroupStorageSize: 32 * 2 ** 10,
  maxStorageBuffersPerShaderStage: 10,
};

export function hasShaderF16(caps: Pick<DeviceCapabilities, 'features'>): boolean {
  return caps.features.includes('shader-f16');
}

/**
 * The build to use on this device: `q4f16_1` only with `shader-f16` (its kernels use f16
 * arithmetic), else `q4f32_1`. Undefined when the entry has no build this device can use.
 */
export function chooseBuild(entry: CatalogEntry, caps: Pick<DeviceCapabilities, 'features'>): ModelBuild | undefined {
  if (hasShaderF16(caps) && entry.builds.q4f16_1) return entry.builds.q4f16_1;
  return entry.builds.q4f32_1;
}

/** Bits per weight on disk: 4-bit values plus one scale per group of 32 (f16 or f32). */
const BITS_PER_PARAMETER: Record<Quantization, number> = { q4f16_1: 4.5, q4f32_1: 5 };

/** A download estimate from the parameter count; the exact size is only known from the file list. */
export function estimateDownloadBytes(entry: CatalogEntry, quantization: Quantization): number {
  return Math.round((entry.parametersB * 1e9 * BITS_PER_PARAMETER[quantization]) / 8);
}

/**
 * GPU memory WebLLM may use. WebGPU does not report memory, so this is a guess: half the
 * system memory the browser reports (integrated GPUs share it). Undefined when nothing is known.
 */
export function defaultMemoryBudgetMB(caps: Pick<DeviceCapabilities, 'deviceMemoryGB'>): number | undefined {
  return caps.deviceMemoryGB === undefined ? undefined : (caps.deviceMemoryGB * 1024) / 2;
}

/** The smallest GPU memory budget taken: below it no model of the catalogue loads, and 0 or less means nothing at all. */
export const MIN_MEMORY_BUDGET_MB = 256;

/** What the budget field's sentences call it (field-problems.ts). */
export const MEMORY_BUDGET_LABEL = 'GPU memory WebLLM may use';

/**
 * What is wrong with a typed budget, or null when it can be used. Null (an emptied field) is
 * fine: it means "use the estimate". NaN stands for text the browser could not read as a number.
 */
export function memoryBudgetProblem(typedMB: number | null): string | null {
  return typedMB === null ? null : numberProblem(MEMORY_BUDGET_LABEL, typedMB, { min: MIN_MEMORY_BUDGET_MB }, 'in MB; empty uses the estimate');
}

export type Verdict = 'ready' | 'caution' | 'blocked';

export interface ModelAssessment {
  key: string;
  verdict: Verdict;
  /** The build this device should use; undefined when none can run. */
  build: ModelBuild | undefined;
  /** Plain sentences, the blocking ones first. Empty when nothing stands in the way. */
  reasons: string[];
}

export interface AssessmentContext {
  /** Bytes of this model already in the browser cache (no download needed when complete). */
  cached?: boolean;
  /**
   * Bytes of it already cached by a download that stopped half-way: they count in the site's
   * usage already, and only the rest still needs room.
   */
  cachedBytes?: number;
  /** GPU memory the user lets WebLLM use; undefined falls back to `defaultMemoryBudgetMB`. */
  memoryBudgetMB?: number;
}

/** Decides whether `entry` can run on the probed device, and if not, says why. */
export function assessModel(entry: CatalogEntry, caps: DeviceCapabilities, context: AssessmentContext = {}): ModelAssessment {
  const blocking: string[] = [];
  const cautions: string[] = [];
  if (!caps.secureContext) {
    // WebGPU is hidden from such a page in every browser: "no WebGPU, use Chrome" would be wrong advice to a Chrome user.
    blocking.push('This page is not a secure context, and browsers only offer WebGPU over https or on localhost.');
  } else if (caps.webgpu === 'missing') {
    blocking.push('This browser has no WebGPU. Use a recent Chrome or Edge, or Firefox/Safari with WebGPU enabled.');
  } else if (caps.webgpu === 'no-adapter' && caps.gpuTimedOutMs !== undefined) {
    blocking.push(
      `The browser has WebGPU, but the GPU did not answer within ${caps.gpuTimedOutMs / 1000} s (its driver or the browser's GPU process may be stuck); restarting the browser often helps.`,
    );
  } else if (caps.webgpu === 'no-adapter') {
    blocking.push('The browser has WebGPU but found no usable GPU adapter (it may be blocklisted or disabled).');
  }
  const build = chooseBuild(entry, caps);
  if (!build && caps.webgpu === 'available') {
    blocking.push(
      `WebLLM ships ${entry.key} only as q4f16_1, which needs the GPU feature shader-f16, and this GPU does not offer it.`,
    );
  }
  if (build && caps.webgpu === 'available') {
    blocking.push(...limitShortfalls(build, caps));
    for (const feature of build.requiredFeatures) {
      if (!caps.features.includes(feature)) blocking.push(`${build.modelId} needs the GPU feature ${feature}, which this GPU lacks.`);
    }
    const budget = context.memoryBudgetMB ?? defaultMemoryBudgetMB(caps);
    if (build.vramRequiredMB !== undefined) {
      if (budget === undefined) {
        cautions.push(`It needs about ${formatMB(build.vramRequiredMB)} of GPU memory; the browser does not say how much there is.`);
      } else if (build.vramRequiredMB > budget) {
        blocking.push(
          `It needs about ${formatMB(build.vramRequiredMB)} of GPU memory, more than the ${formatMB(budget)} budget for this device.`,
        );
      }
    }
    if (caps.adapter?.isFallbackAdapter) {
      cautions.push('The GPU adapter is a software fallback (it runs on the CPU), so replies will be very slow.');
    }
  }
  if (build && !context.cached && caps.storage) {
    const free = caps.storage.quotaBytes - caps.storage.usageBytes;
    const have = context.cachedBytes ?? 0;
    const need = Math.max(0, estimateDownloadBytes(entry, build.quantization) - have);
    if (need > free) {
      const what = have > 0 ? 'The rest of the download' : 'The download';
      blocking.push(`${what} is about ${formatBytes(need)}, but this site may only store ${formatBytes(free)} more.`);
    }
  }
  const reasons = [...blocking, ...cautions];
  const verdict: Verdict = blocking.length > 0 ? 'blocked' : cautions.length > 0 ? 'caution' : 'ready';
  return { key: entry.key, verdict, build, reasons };
}

/**
 * The storage-buffer binding size WebLLM's device gets on an adapter offering `have`: it asks for
 * 1 GB, and on an adapter below that for only the 128 MB minimum, never for what lies between.
 */
function webllmStorageBinding(have: number): number {
  return have >= 2 ** 30 ? 2 ** 30 : WEBLLM_MINIMUM_LIMITS.maxStorageBufferBindingSize;
}

function limitShortfalls(build: ModelBuild, caps: DeviceCapabilities): string[] {
  const needs: [GpuLimitName, number][] = Object.entries(WEBLLM_MINIMUM_LIMITS) as [GpuLimitName, number][];
  const shortfalls: string[] = [];
  for (const [name, minimum] of needs) {
    const have = caps.limits[name];
    if (have !== undefined && have < minimum) {
      shortfalls.push(`The GPU limit ${name} is ${formatLimit(name, have)}; WebLLM needs at least ${formatLimit(name, minimum)}.`);
    }
  }
  const bindingHave = caps.limits.maxStorageBufferBindingSize;
  const bindingNeed = build.bufferSizeRequiredBytes;
  if (bindingHave !== undefined && bindingHave >= WEBLLM_MINIMUM_LIMITS.maxStorageBufferBindingSize && bindingNeed !== undefined) {
    const granted = webllmStorageBinding(bindingHave);
    if (granted < bindingNeed) {
      shortfalls.push(
        `${build.modelId} needs storage buffers of ${formatBytes(bindingNeed)}; this GPU's maxStorageBufferBindingSize is ${formatBytes(bindingHave)}, ` +
          `below 1 GB, so WebLLM asks it for only ${formatBytes(granted)}.`,
      );
    }
  }
  return shortfalls;
}

/**
 * Whether a generator and a refiner can stay loaded together: both builds' memory estimates
 * must fit the budget. Unknown estimates or budget mean no (swap, which is always safe).
 */
export function fitsTogether(builds: readonly ModelBuild[], memoryBudgetMB: number | undefined): boolean {
  if (memoryBudgetMB === undefined) return false;
  let total = 0;
  for (const build of builds) {
    if (build.vramRequiredMB === undefined) return false;
    total += build.vramRequiredMB;
  }
  return total <= memoryBudgetMB;
}

function formatLimit(name: GpuLimitName, value: number): string {
  return name === 'maxStorageBuffersPerShaderStage' || name === 'maxComputeInvocationsPerWorkgroup'
    ? String(value)
    : formatBytes(value);
}

export function formatMB(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MB`;
  if (bytes >= 2 ** 10) return `${Math.round(bytes / 2 ** 10)} KB`;
  return `${bytes} B`;
}
