/**
 * Starts Pyodide workers in this browser. The sandbox module is imported on first use, so pages
 * that never run Python never download it.
 */
import type { SandboxFactory } from './sandbox-holder.ts';

export const browserSandboxFactory: SandboxFactory = async (workers) => {
  const { createBrowserSandbox } = await import('../../sandbox/browser-sandbox.ts');
  return createBrowserSandbox({ workers });
};
