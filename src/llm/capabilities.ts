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

/** Probes the adapter WebLLM would get (it asks for `high-performance`). Never throws. */
export async function probeCapabilities(environment: ProbeEnvironment = browserEnvironment()): Promise<DeviceCapabilities> {
  const caps: DeviceCapabilities = {
    secureContext: environment.isSecureContext,
    webgpu: environment.gpu ? 'no-adapter' : 'missing',
    features: [],
    limits: {},
  };
  if (environment.deviceMemory !== undefined) caps.deviceMemoryGB = environment.deviceMemory;
  const storage = await estimateStorage(environment);
  if (storage) caps.storage = storage;
  if (!environment.gpu) return caps;
  let adapter: AdapterLike | null = null;
  try {
    adapter = await environment.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    caps.probeError = error instanceof Error ? error.message : String(error);
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
export async function estimateStorage(environment: ProbeEnvironment = browserEnvironment()): Promise<DeviceCapabilities['storage']> {
  if (!environment.storage) return undefined;
  try {
    const estimate = await environment.storage.estimate();
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
