/**
 * What a person can do about the error that stopped a search. A search keeps the endpoint
 * address, the model names (or WebLLM builds) and the settings it started with, so Resume sends
 * the same requests again: that helps when the server was down or slow, not when it does not
 * serve a model under that name. docs/search.md lists the cases; run-failure.ts tells them apart.
 */
import { failureCause } from '../shared/run-failure.ts';
import { WHAT_TO_FREE } from '../shared/what-to-free.ts';

const STORED = 'Every finished evaluation stays stored with this search.';

export function failureAdvice(error: unknown): string {
  const cause = failureCause(error);
  switch (cause) {
    case 'stopped':
      return 'Every finished evaluation is stored; resume the search to carry on.';
    case 'model-not-served':
      return `Resuming would send the same model names to the same address and meet the same answer. Have the server serve the model under that name (with Ollama: ollama pull NAME) and then resume, or start a new search below with a name the server offers. ${STORED}`;
    case 'key-refused':
      return `The API key is never stored with a search: give the right one under “Engine for the model pool” below, with this search’s endpoint address, or fix the server’s settings, then resume the search. ${STORED}`;
    case 'request-refused':
      return `Resuming would send the same requests and meet the same answer: start a new search below with another model or endpoint. ${STORED}`;
    case 'context-too-long':
      return `A prompt outgrew the server’s context. Start the server with a larger context (the message above says how), then resume the search. ${STORED}`;
    case 'webllm-unsupported':
      return `A search keeps the WebLLM builds it started with, so resuming would meet the same error here: start a new search below with other builds or on an endpoint. ${STORED}`;
    case 'sandbox':
      return `Reload the page (Python starts afresh), then resume the search. ${STORED}`;
    case 'storage-full':
      return `This browser’s storage is full: free some (${WHAT_TO_FREE}), then resume the search. ${STORED}`;
    case 'storage-blocked':
      return `Open the app in a normal window (this one refuses to store anything), then resume the search there. ${STORED}`;
    case 'storage-lost':
      return `This tab lost its database (another tab may have updated the app): reload the page, then resume the search. ${STORED}`;
    case 'storage-cleared':
      return 'If the search is still listed below, resume it from there. If it is not, it was deleted or this site’s data was cleared, and its evaluations went with it: start it again below.';
    case 'model-stalled':
      return `The in-browser model went silent in the middle of a reply and was stopped (the message above says whether its worker was started afresh). Resume the search: it asks again. If it stalls again, close other GPU-heavy tabs or reload the page first. ${STORED}`;
    case 'endpoint-unreachable':
    case 'model-load':
    case 'unexpected':
      return `${STORED} Once the cause is put right (a server that answers again, say), resume the search: it sends the same requests to the same models.`;
    default: {
      const never: never = cause;
      throw new Error(`Unknown failure cause ${String(never)}.`);
    }
  }
}
