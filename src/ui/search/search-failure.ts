/**
 * What a person can do about the error that stopped a search. A search keeps the endpoint
 * address, the model names (or WebLLM builds) and the settings it started with, so Resume sends
 * the same requests again: that helps when the server was down or slow, not when it does not
 * serve a model under that name. docs/search.md lists the cases.
 */
import { isAbortError } from '../../core/llm/abort.ts';
import { SandboxBroken } from '../../core/search/search-evaluator.ts';
import { EndpointStatusError } from '../../llm/endpoint-errors.ts';
import { WebLLMEngineError } from '../../llm/webllm-errors.ts';

const STORED = 'Every finished evaluation stays stored with this search.';
/** WebLLM problems that trying the same build again in this browser cannot get past. */
const LASTING_WEBLLM = new Set(['no-webgpu', 'shader-f16', 'gpu-limits', 'context-window', 'unknown-model']);

export function failureAdvice(error: unknown): string {
  if (isAbortError(error)) return 'Every finished evaluation is stored; resume the search to carry on.';
  if (error instanceof EndpointStatusError) {
    if (error.status === 404) {
      return `Resuming would send the same model names to the same address and meet the same answer. Have the server serve the model under that name (with Ollama: ollama pull NAME) and then resume, or start a new search below with a name the server offers. ${STORED}`;
    }
    if (error.status === 401 || error.status === 403) {
      return `The API key is never stored with a search: give the right one under “Engine for the model pool” below, with this search’s endpoint address, or fix the server’s settings, then resume the search. ${STORED}`;
    }
    if (error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) {
      return `Resuming would send the same requests and meet the same answer: start a new search below with another model or endpoint. ${STORED}`;
    }
  }
  if (error instanceof WebLLMEngineError && LASTING_WEBLLM.has(error.explained.kind)) {
    return `A search keeps the WebLLM builds it started with, so resuming would meet the same error here: start a new search below with other builds or on an endpoint. ${STORED}`;
  }
  if (error instanceof SandboxBroken) return `Reload the page (Python starts afresh), then resume the search. ${STORED}`;
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return `This browser’s storage is full: free some (a downloaded model on the Models page, an old study or search), then resume the search. ${STORED}`;
  }
  return `${STORED} Once the cause is put right (a server that answers again, say), resume the search: it sends the same requests to the same models.`;
}
