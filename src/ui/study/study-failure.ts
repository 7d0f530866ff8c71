/**
 * What a person can do about the error that stopped a study, or kept one from starting. A study
 * keeps its endpoint address, model names (or WebLLM builds) and settings, so resuming it sends
 * the same requests again, and runs its errored units again: that helps when the server was down
 * or the storage full, not when the server does not serve a model under that name. The causes
 * are told apart once, in run-failure.ts, for this page and the Search page alike.
 */
import { failureCause, type FailureCause } from '../shared/run-failure.ts';
import { WHAT_TO_FREE } from '../shared/what-to-free.ts';

const KEPT = 'The steps stored so far are kept.';
// A study that ended with errored units offers "Run N errored units again" on its card, not Resume.
const RESUME = 'resume the study from its card below (Resume, or “Run … errored units again” once it has ended)';

/** Advice under a study that stopped with `error` (a fatal error, or the last of a run of errored units). */
export function studyFailureAdvice(error: unknown): string {
  const cause = failureCause(error);
  switch (cause) {
    case 'stopped':
      return `${KEPT} To carry on, ${RESUME}.`;
    case 'model-not-served':
      return `Resuming would ask the same address for the same model name and meet the same answer. Have the server serve the model under that name (with Ollama: ollama pull NAME) and then ${RESUME}, or start a new study with a name the server offers. ${KEPT}`;
    case 'key-refused':
      return `The API key is never stored with a study: give the right one for this study’s endpoint under “Engine” below (or on the Models page), or fix the server’s settings, then ${RESUME}. ${KEPT}`;
    case 'request-refused':
      return `Resuming would send the same requests and meet the same answer: start a new study with another model or endpoint. ${KEPT}`;
    case 'context-too-long':
      return `A refinement prompt outgrew the server’s context. Start the server with a larger context (the message above says how), then ${RESUME}: it runs the errored units again. The study’s models had 4096 tokens, and the Ollama of its time cut a longer prompt without saying so (docs/reproducing.md). ${KEPT}`;
    case 'endpoint-unreachable':
      return `Once the server answers at that address again, ${RESUME}: it runs the errored units again. ${KEPT}`;
    case 'webllm-unsupported':
      return `A study keeps the WebLLM builds it started with, so resuming would meet the same error in this browser: start a new study with other builds, or on an endpoint. ${KEPT}`;
    case 'model-load':
      return `Once the model loads (try it on the Models page), ${RESUME}: it runs the errored units again. ${KEPT}`;
    case 'model-stalled':
      return `The in-browser model went silent in the middle of a reply and was stopped (the message above says whether its worker was started afresh). To carry on, ${RESUME}: it runs the errored units again. If it stalls again, close other GPU-heavy tabs or reload the page first. ${KEPT}`;
    case 'sandbox':
      return `Reload the page (Python starts afresh), then ${RESUME}. ${KEPT}`;
    case 'storage-full':
      return `This browser’s storage is full: free some (${WHAT_TO_FREE}), then ${RESUME}. ${KEPT}`;
    case 'storage-blocked':
      return `This window refuses to store anything (some private windows do): open the app in a normal window, then start or import the study there.`;
    case 'storage-lost':
      return `This tab lost its database (another tab may have updated the app): reload the page, then ${RESUME}. ${KEPT}`;
    case 'storage-cleared':
      return 'If the study is still listed below, resume it from there. If it is not, it was deleted or this site’s data was cleared, and its steps went with it: run it again from the form.';
    case 'unexpected':
      return `${KEPT} Once the cause is put right, ${RESUME}: it sends the same requests to the same models.`;
    default: {
      const never: never = cause;
      throw new Error(`Unknown failure cause ${String(never)}.`);
    }
  }
}

/**
 * Advice after an error that kept a study from starting or resuming, for the causes whose
 * message does not already say what to do; null for the others (a lock held by another tab, a
 * finished study, a form problem, WebLLM's explained errors: their sentences are complete).
 */
export function startFailureAdvice(error: unknown): string | null {
  const cause: FailureCause = failureCause(error);
  switch (cause) {
    case 'sandbox':
      return 'Reload the page and try again; if it happens again, this browser may be short of memory (close other tabs) or blocking workers.';
    case 'storage-full':
      return `This browser’s storage is full: free some (${WHAT_TO_FREE}), then try again.`;
    case 'storage-lost':
      return 'This tab lost its database (another tab may have updated the app): reload the page, then try again.';
    case 'storage-cleared':
      return 'This site’s stored data was cleared: try again (the app opens its database afresh).';
    case 'stopped':
    case 'model-not-served':
    case 'key-refused':
    case 'request-refused':
    case 'context-too-long':
    case 'endpoint-unreachable':
    case 'storage-blocked':
    // WebLLM's messages end with their own next step.
    case 'webllm-unsupported':
    case 'model-load':
    case 'model-stalled':
    case 'unexpected':
      return null;
    default: {
      const never: never = cause;
      throw new Error(`Unknown failure cause ${String(never)}.`);
    }
  }
}
