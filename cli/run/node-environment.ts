/**
 * Where a command-line study ran, for the result file's `environments`: no GPU and no WebLLM
 * (the model ran behind the endpoint), Pyodide in worker_threads whose timeouts interrupt
 * through a SharedArrayBuffer, as a cross-origin isolated page's do.
 */
import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import type { ResultEnvironment } from '../../src/core/results/result-file.ts';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

export function appVersion(): string {
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}

export function nodeEnvironment(pyodideVersion: string | null, recordedAt: Date = new Date()): ResultEnvironment {
  return {
    appVersion: appVersion(),
    userAgent: `Node.js ${process.version} (${platform()} ${arch()})`,
    gpu: null,
    webllmVersion: null,
    pyodideVersion,
    crossOriginIsolated: true,
    recordedAt: recordedAt.toISOString(),
  };
}
