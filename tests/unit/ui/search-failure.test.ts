import { describe, expect, it } from 'vitest';
import { abortError } from '../../../src/core/llm/abort.ts';
import { SandboxBroken } from '../../../src/core/harness/sandbox-broken.ts';
import { statusError, unreachableError } from '../../../src/llm/endpoint-errors.ts';
import { explainWebLLMError, WebLLMEngineError } from '../../../src/llm/webllm-errors.ts';
import { failureAdvice } from '../../../src/ui/search/search-failure.ts';

const ENDPOINT = 'http://127.0.0.1:11434/v1/chat/completions';

describe('what the Search page says a person can do about the error that stopped a search', () => {
  it('does not tell them to resume when the endpoint does not serve the model: resuming sends the same name', () => {
    const error = statusError(404, 'Not Found', '{"error":"model \\"no-such-model\\" not found"}', { endpointUrl: ENDPOINT, model: 'no-such-model', availableModels: ['llama3.2:3b'] });
    const advice = failureAdvice(error);
    expect(advice).not.toMatch(/resume the search to carry on/);
    expect(advice).toMatch(/serve the model under that name/);
    expect(advice).toMatch(/start a new search/);
    expect(failureAdvice(statusError(400, 'Bad Request', '', { endpointUrl: ENDPOINT }))).toMatch(/start a new search/);
  });

  it('sends them to the form for a key the endpoint wants, since no key is stored with a search', () => {
    expect(failureAdvice(statusError(401, 'Unauthorized', '', { endpointUrl: ENDPOINT }))).toMatch(/API key is never stored with a search.*then resume/);
  });

  it('says resume once a server that was down, overloaded or rate-limiting answers again', () => {
    for (const error of [unreachableError(ENDPOINT, new TypeError('fetch failed'), { inBrowser: true }), statusError(503, 'Service Unavailable', '', { endpointUrl: ENDPOINT }), statusError(429, '', '', { endpointUrl: ENDPOINT })]) {
      expect(failureAdvice(error)).toMatch(/resume the search/);
      expect(failureAdvice(error)).not.toMatch(/start a new search/);
    }
    expect(failureAdvice(abortError())).toMatch(/resume the search to carry on/);
  });

  it('sends them to a new search when this browser cannot run the search’s WebLLM builds, and to a reload when Python broke', () => {
    const noGpu = new WebLLMEngineError({ ...explainWebLLMError('x'), kind: 'no-webgpu' });
    expect(failureAdvice(noGpu)).toMatch(/start a new search/);
    expect(failureAdvice(new SandboxBroken(new Error('worker died')))).toMatch(/^Reload the page/);
  });
});
