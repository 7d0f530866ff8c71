/**
 * The installed WebLLM's catalogue, for the page. Kept apart from `model-catalog.ts` because the
 * virtual module exists only inside a Vite build; tests build catalogues from the package itself.
 */
import prebuilt from 'virtual:webllm-prebuilt';
import { buildWebLLMCatalog, type WebLLMCatalog } from './model-catalog.ts';

export const installedCatalog: WebLLMCatalog = buildWebLLMCatalog(prebuilt);
