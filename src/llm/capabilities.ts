/**
 * What this browser and GPU offer for in-browser models, probed without loading WebLLM.
 * The decisions made on the result live in `core/llm/catalog.ts`.
 */
import type { DeviceCapabilities, GpuLimitName } from '../core/llm/catalog.ts';

const LIMITS: readonly GpuLimitName[] = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
];

/** The parts of `navigator` the probe reads; a parameter so tests can hand in a fake. */
export interface ProbeEnvironment {
  isSecureContext: boolean;
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null> };
  storage?: { estimate(): Promise<{ quota?: number; usage?: number }> };
  deviceMemory?: number;
}

interface AdapterLike {
  readonly features: ReadonlySet<string>;
  readonly limits: object;
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  /** Older spelling, kept by Chromium before `info.isFallbackAdapter`. */
  readonly isFallbackAdapter?: boolean;
}

export function browserEnvironment(): ProbeEnvironment {
  const nav = navigator as Navigator & { gpu?: ProbeEnvironment['gpu']; deviceMemory?: number };
  const environment: ProbeEnvironment = { isSecureContext: globalThis.isSecureContext };
  if (nav.gpu) environment.gpu = nav.gpu;
  if (nav.storage && typeof nav.storage.estimate === 'function') environment.storage = nav.storage;
  if (typeof nav.deviceMemory === 'number') environment.deviceMemory = nav.deviceMemory;
  return environment;
}

/**
 * How long the probe waits for the GPU. A healthy adapter answers in milliseconds (a cold driver
 * in a second or two); a wedged GPU process or driver can leave `requestAdapter()` pending for
 * ever, and the pages would say "Checking…" for ever with it.
 */
export const GPU_ANSWER_TIMEOUT_MS = 10_000;

/** The sentence a page shows when the GPU kept it waiting; the same on every page. */
export function gpuTimeoutMessage(timeoutMs: number): string {
  return `the GPU did not answer within ${formatSeconds(timeoutMs)}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Settles with `promise`, or rejects with a `GpuTimeoutError` after `timeoutMs`. */
export function withGpuDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new GpuTimeoutError(timeoutMs)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export class GpuTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(gpuTimeoutMessage(timeoutMs));
    this.name = 'GpuTimeoutError';
  }
}

export interface ProbeOptions {
  /** How long to wait for `requestAdapter()` and the storage estimate; `GPU_ANSWER_TIMEOUT_MS` by default. */
  timeoutMs?: number;
}

/**
 * Probes the adapter WebLLM would get (it asks for `high-performance`). Never throws, and always
 * settles: a GPU that does not answer within the timeout counts as no adapter, with `gpuTimedOutMs`
 * set so the pages can say so.
 */
export async function probeCapabilities(
  environment: ProbeEnvironment = browserEnvironment(),
  options: ProbeOptions = {},
): Promise<DeviceCapabilities> {
  const timeoutMs = options.timeoutMs ?? GPU_ANSWER_TIMEOUT_MS;
  const caps: DeviceCapabilities = {
    secureContext: environment.isSecureContext,
    webgpu: environment.gpu ? 'no-adapter' : 'missing',
    features: [],
    limits: {},
  };
  if (environment.deviceMemory !== undefined) caps.deviceMemoryGB = environment.deviceMemory;
  const storage = await estimateStorage(environment, { timeoutMs });
  if (storage) caps.storage = storage;
  if (!environment.gpu) return caps;
  let adapter: AdapterLike | null = null;
  try {
    adapter = await withGpuDeadline(environment.gpu.requestAdapter({ powerPreference: 'high-performance' }), timeoutMs);
  } catch (error) {
    caps.probeError = error instanceof Error ? error.message : String(error);
    if (error instanceof GpuTimeoutError) caps.gpuTimedOutMs = timeoutMs;
  }
  if (!adapter) return caps;
  caps.webgpu = 'available';
  caps.features = [...adapter.features].sort();
  const limits = adapter.limits as Record<string, unknown>;
  for (const name of LIMITS) {
    const value = limits[name];
    if (typeof value === 'number') caps.limits[name] = value;
  }
  const info = adapter.info ?? {};
  caps.adapter = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
  return caps;
}

/**
 * This site's storage use and quota, asked again after each download or delete (they change
 * it). Undefined where the browser will not say: some private modes refuse the estimate, and
 * the verdict then skips the quota check.
 */
export async function estimateStorage(
  environment: ProbeEnvironment = browserEnvironment(),
  options: ProbeOptions = {},
): Promise<DeviceCapabilities['storage']> {
  if (!environment.storage) return undefined;
  try {
    // A storage estimate that never comes must not hold the GPU verdict back with it.
    const estimate = await withGpuDeadline(environment.storage.estimate(), options.timeoutMs ?? GPU_ANSWER_TIMEOUT_MS);
    return { quotaBytes: estimate.quota ?? 0, usageBytes: estimate.usage ?? 0 };
  } catch {
    return undefined;
  }
}

/** A one-line name for the adapter, e.g. `google swiftshader (software)`. */
export function describeAdapter(caps: DeviceCapabilities): string {
  if (!caps.adapter) return 'none';
  const { vendor, architecture, description, isFallbackAdapter } = caps.adapter;
  const name = [vendor, architecture, description].filter((part) => part.length > 0).join(' ') || 'unnamed adapter';
  return isFallbackAdapter ? `${name} (software)` : name;
}
