/**
 * Vite plugin (build time, Node): serves `virtual:webllm-prebuilt`, the model records of the
 * installed `@mlc-ai/web-llm`, so the page gets WebLLM's own numbers without its 6 MB bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { extractPrebuilt } from './webllm-prebuilt.ts';

const VIRTUAL_ID = 'virtual:webllm-prebuilt';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export function webllmPrebuilt(): Plugin {
  return {
    name: 'feedback-lab:webllm-prebuilt',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return undefined;
      const require = createRequire(import.meta.url);
      const packageJsonPath = require.resolve('@mlc-ai/web-llm/package.json');
      const { version } = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version: string };
      const webllm = await import('@mlc-ai/web-llm');
      const prebuilt = extractPrebuilt(webllm.prebuiltAppConfig.model_list, version, webllm.modelVersion);
      return `export default ${JSON.stringify(prebuilt)};`;
    },
  };
}
