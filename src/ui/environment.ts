/**
 * Where a study ran in this browser, for a result file's `environments`: the browser, the WebGPU
 * adapter (when in-browser models ran), the engines' versions and whether the page was
 * cross-origin isolated (which decides how Python timeouts are enforced).
 */
import { version as pyodideVersion } from 'pyodide/package.json';
import { version as appVersion } from '../../package.json';
import type { ResultEnvironment, ResultGpuAdapter } from '../core/results/result-file.ts';
import type { StudyConfig } from '../core/study/config.ts';
import { GPU_ANSWER_TIMEOUT_MS, withGpuDeadline } from '../llm/capabilities.ts';

export const APP_VERSION: string = appVersion;

/** Pyodide is self-hosted from this very package (vite.config.ts copies its files). */
export const PYODIDE_VERSION: string = pyodideVersion;

/** The parts of the browser the environment reads; a parameter so tests can pass a fake. */
export interface EnvironmentSource {
  userAgent: string;
  crossOriginIsolated: boolean;
  gpu?: { requestAdapter(): Promise<AdapterLike | null> };
}

interface AdapterLike {
  readonly features: ReadonlySet<string>;
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

export function browserEnvironmentSource(): EnvironmentSource {
  const nav = globalThis.navigator as Navigator & { gpu?: EnvironmentSource['gpu'] };
  return {
    userAgent: nav?.userAgent ?? 'unknown browser',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    ...(nav?.gpu ? { gpu: nav.gpu } : {}),
  };
}

/**
 * The environment of a study run here. The GPU and WebLLM are recorded only when the study bound
 * a model to WebLLM: against an endpoint or a replay, this browser's GPU played no part.
 */
export async function studyEnvironment(
  config: Pick<StudyConfig, 'models'>,
  options: { webllmVersion: string | null; source?: EnvironmentSource; now?: Date },
): Promise<ResultEnvironment> {
  const source = options.source ?? browserEnvironmentSource();
  const usesWebLLM = Object.values(config.models).some((binding) => binding.engine === 'webllm');
  return {
    appVersion: APP_VERSION,
    userAgent: source.userAgent,
    gpu: usesWebLLM ? await gpuAdapter(source) : null,
    webllmVersion: usesWebLLM ? options.webllmVersion : null,
    pyodideVersion: PYODIDE_VERSION,
    crossOriginIsolated: source.crossOriginIsolated,
    recordedAt: (options.now ?? new Date()).toISOString(),
  };
}

/**
 * The adapter WebLLM gets, or null when there is none or it does not answer in time (a study must
 * not wait for ever on its environment record). Never throws.
 */
export async function gpuAdapter(source: EnvironmentSource, timeoutMs = GPU_ANSWER_TIMEOUT_MS): Promise<ResultGpuAdapter | null> {
  if (!source.gpu) return null;
  try {
    const adapter = await withGpuDeadline(source.gpu.requestAdapter(), timeoutMs);
    if (!adapter) return null;
    const info = adapter.info ?? {};
    return {
      vendor: info.vendor ?? '',
      architecture: info.architecture ?? '',
      description: info.description ?? '',
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
      features: [...adapter.features].sort(),
    };
  } catch {
    return null;
  }
}
