/**
 * Vite plugin (build time, Node): serves `virtual:webllm-prebuilt`, the model records of the
 * installed `@mlc-ai/web-llm`, so the page gets WebLLM's own numbers without its 6 MB bundle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { QUANTIZATIONS } from '../core/llm/catalog.ts';
import { MODEL_FAMILIES } from './model-catalog.ts';
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
      // Only the catalogued builds: the full list (165 records, 57 kB) would ride in the page chunk.
      const wanted = new Set(MODEL_FAMILIES.flatMap((family) => QUANTIZATIONS.map((q) => `${family.key}-${q}-MLC`)));
      const records = webllm.prebuiltAppConfig.model_list.filter((record) => wanted.has(record.model_id));
      const prebuilt = extractPrebuilt(records, version, webllm.modelVersion);
      return `export default ${JSON.stringify(prebuilt)};`;
    },
  };
}
