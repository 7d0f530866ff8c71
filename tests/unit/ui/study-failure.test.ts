import { describe, expect, it } from 'vitest';
import { SandboxBroken } from '../../../src/core/harness/sandbox-broken.ts';
import { abortError } from '../../../src/core/llm/abort.ts';
import { EndpointContextLengthError, statusError, unreachableError } from '../../../src/llm/endpoint-errors.ts';
import { explainWebLLMError, WebLLMEngineError } from '../../../src/llm/webllm-errors.ts';
import { DatabaseNewer, DatabaseRefused, DatabaseTerminated } from '../../../src/store/database.ts';
import { failureCause, failureMessage, retryNote } from '../../../src/ui/shared/run-failure.ts';
import { failureAdvice } from '../../../src/ui/search/search-failure.ts';
import { startFailureAdvice, studyFailureAdvice } from '../../../src/ui/study/study-failure.ts';
import { RUNNING_IN_ANOTHER_TAB } from '../../../src/ui/study/study-launcher.svelte.ts';

const ENDPOINT = 'http://127.0.0.1:11434/v1/chat/completions';
const notServed = () => statusError(404, 'Not Found', '{"error":"model \\"llama3.2:3b\\" not found"}', { endpointUrl: ENDPOINT, model: 'llama3.2:3b' });
const unreachable = () => unreachableError(ENDPOINT, new TypeError('Failed to fetch'), { inBrowser: true, origin: 'http://localhost:5173' });
const webllm = (raw: string) => new WebLLMEngineError(explainWebLLMError(raw));
const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const lostConnection = () => new DOMException('The database connection is closing.', 'InvalidStateError');

describe('what the Study page says a person can do about the error that stopped a study', () => {
  it('does not send them to Resume when the endpoint does not serve the model: resuming asks for the same name', () => {
    const advice = studyFailureAdvice(notServed());
    expect(advice).toMatch(/^Resuming would ask the same address for the same model name/);
    expect(advice).toMatch(/serve the model under that name .* or start a new study/);
    // Another lasting refusal (a bad request) is no better on a second try.
    expect(studyFailureAdvice(statusError(400, 'Bad Request', '', { endpointUrl: ENDPOINT }))).toMatch(/^Resuming would send the same requests .*start a new study/);
  });

  it('sends them to the server’s context, then Resume, when a prompt outgrew it: unlike other refusals, a larger context lets the same request through', () => {
    const tooLong = new EndpointContextLengthError(400, 'This model’s maximum context length is 4096 tokens; your prompt has 5120 tokens.');
    expect(failureCause(tooLong)).toBe('context-too-long');
    expect(studyFailureAdvice(tooLong)).toMatch(/^A refinement prompt outgrew the server’s context\. Start the server with a larger context .* then resume the study from its card below \(Resume, or “Run … errored units again” once it has ended\)/);
    expect(studyFailureAdvice(tooLong)).not.toMatch(/start a new study/);
    expect(failureAdvice(tooLong)).toMatch(/larger context .* then resume the search/);
  });

  it('sends them to the API key for a 401 or 403: no key is stored with a study, resuming takes the one given now', () => {
    for (const status of [401, 403]) expect(studyFailureAdvice(statusError(status, '', '', { endpointUrl: ENDPOINT }))).toMatch(/API key is never stored with a study.*then resume the study/);
  });

  it('says resume once the server answers when it was down, busy or rate-limiting', () => {
    for (const error of [unreachable(), statusError(503, 'Service Unavailable', '', { endpointUrl: ENDPOINT }), statusError(429, '', '', { endpointUrl: ENDPOINT })]) {
      expect(studyFailureAdvice(error)).toMatch(/^Once the server answers at that address again, resume the study from its card below \(Resume, or “Run … errored units again” once it has ended\): it runs the errored units again\./);
    }
  });

  it('sends them to a new study when this browser cannot run its WebLLM builds, and to the Models page when a model failed to load', () => {
    expect(studyFailureAdvice(webllm('WebGPUNotAvailableError: navigator.gpu is undefined'))).toMatch(/keeps the WebLLM builds it started with.*start a new study/);
    const oom = webllm('GPUOutOfMemoryError: out of memory');
    expect(oom.explained.kind).toBe('out-of-memory');
    expect(studyFailureAdvice(oom)).toMatch(/^Once the model loads \(try it on the Models page\), resume the study/);
  });

  it('says reload when Python broke or the tab lost its database, and free space when storage is full', () => {
    expect(studyFailureAdvice(new SandboxBroken(new Error('worker died')))).toMatch(/^Reload the page \(Python starts afresh\), then resume the study/);
    expect(studyFailureAdvice(lostConnection())).toMatch(/reload the page, then resume the study/);
    expect(studyFailureAdvice(new DatabaseRefused('studies', new Error('no')))).toMatch(/open the app in a normal window/);
    expect(studyFailureAdvice(quota())).toMatch(/^This browser’s storage is full: free some .* then resume the study/);
    expect(studyFailureAdvice(webllm('QuotaExceededError: Quota exceeded while caching the model'))).toMatch(/storage is full/);
  });

  it('keeps the general advice for anything else, and for a study stopped on purpose', () => {
    expect(studyFailureAdvice(new Error('The study needs problems that are not loaded: HumanEval/9.'))).toMatch(/Once the cause is put right, resume the study from its card below \(Resume, or “Run … errored units again” once it has ended\)/);
    expect(studyFailureAdvice(abortError())).toMatch(/To carry on, resume the study/);
  });
});

describe('what the Study page adds to an error that kept a study from starting', () => {
  it('says reload for Python that would not start, and free space for full storage', () => {
    expect(startFailureAdvice(new SandboxBroken(new Error('pyodide.asm.wasm: 404'), 'start'))).toMatch(/^Reload the page and try again/);
    expect(startFailureAdvice(quota())).toMatch(/storage is full.*then try again/);
    expect(startFailureAdvice(lostConnection())).toMatch(/reload the page, then try again/);
  });

  it('adds nothing where the message already says what to do: a refused database, another tab’s run, WebLLM’s own next step', () => {
    expect(startFailureAdvice(new DatabaseRefused('studies', new Error('UnknownError')))).toBeNull();
    expect(startFailureAdvice(new Error(RUNNING_IN_ANOTHER_TAB))).toBeNull();
    expect(startFailureAdvice(webllm('WebGPUNotAvailableError: navigator.gpu is undefined'))).toBeNull();
  });
});

describe('one classification for the Study and Search pages', () => {
  it('tells the same causes apart for both, so their advice cannot drift apart', () => {
    const cases: [unknown, string][] = [
      [abortError(), 'stopped'],
      [notServed(), 'model-not-served'],
      [statusError(401, '', '', { endpointUrl: ENDPOINT }), 'key-refused'],
      [statusError(422, '', '', { endpointUrl: ENDPOINT }), 'request-refused'],
      [statusError(502, '', '', { endpointUrl: ENDPOINT }), 'endpoint-unreachable'],
      [unreachable(), 'endpoint-unreachable'],
      [unreachableError(ENDPOINT, new TypeError('fetch failed'), { inBrowser: false }), 'endpoint-unreachable'],
      [webllm('WebGPUNotAvailableError: navigator.gpu is undefined'), 'webllm-unsupported'],
      [webllm('GPUOutOfMemoryError: out of memory'), 'model-load'],
      [new SandboxBroken(new Error('worker died')), 'sandbox'],
      [quota(), 'storage-full'],
      [new DatabaseRefused('studies', new Error('no')), 'storage-blocked'],
      [lostConnection(), 'storage-lost'],
      // A newer build upgraded the database past this tab's: a reload, not a normal window, is the way on.
      [new DatabaseNewer('studies', new DOMException('The requested version (4) is less than the existing version (5).', 'VersionError')), 'storage-lost'],
      [new Error('anything else'), 'unexpected'],
      ['a string', 'unexpected'],
    ];
    expect(cases.map(([error]) => failureCause(error))).toEqual(cases.map(([, cause]) => cause));
    // The Search page words the same causes for a search.
    expect(failureAdvice(notServed())).toMatch(/start a new search/);
    expect(failureAdvice(lostConnection())).toMatch(/reload the page, then resume the search/);
  });
});

describe('the sentence shown for the error that stopped a run', () => {
  it('is the error’s own message when it has one', () => {
    expect(failureMessage(new Error('HTTP 503: model is loading'))).toBe('HTTP 503: model is loading');
  });

  it('says what a storage error means when the browser gives it no message, as Chromium does for a write over quota', () => {
    expect(failureMessage(new DOMException('', 'QuotaExceededError'))).toMatch(/refused a write to its storage/);
    expect(failureMessage(new DOMException('', 'UnknownError'))).toMatch(/storage failed/);
    expect(failureMessage(new DOMException('', 'SomethingNew'))).toMatch(/without saying why \(SomethingNew\)/);
  });
});

describe('a study stopped because the browser closed its database (site data cleared)', () => {
  it('does not promise the steps are kept: they may have gone with the site’s data', () => {
    const advice = studyFailureAdvice(new DatabaseTerminated(lostConnection()));
    expect(advice).toMatch(/If the study is still listed below, resume it.*If it is not, it was deleted or this site’s data was cleared/);
    expect(advice).not.toMatch(/are kept/);
  });

  it('nor for a study deleted under its run (in another tab, where nothing stopped that)', async () => {
    // It said "No study … in the store: putStudy must come first", then "The steps stored so far are kept" (audit R175).
    const { StoredRunGone } = await import('../../../src/store/database.ts');
    const error = new StoredRunGone('study', 'study-1');
    expect(error.message).toMatch(/no longer stored in this browser: it was deleted/);
    expect(studyFailureAdvice(error)).not.toMatch(/are kept/);
  });
});

describe('what a run panel says while a unit waits to be tried again', () => {
  const rateLimited = () => statusError(429, 'Too Many Requests', '{"error":{"message":"Rate limit exceeded: free-models-per-min"}}', { endpointUrl: ENDPOINT, attempts: 4 });

  it('after a rate limit, that the server is limiting requests and how long the wait is, and whose', () => {
    expect(retryNote('HumanEval/3', { attempt: 1, maxAttempts: 3, delayMs: 120_000, rateLimit: 'server-asked', error: rateLimited() })).toMatch(
      /^The server is limiting requests \(The server at http:\/\/127\.0\.0\.1:11434 [^)]*429[^.]*\.\): waiting 120 s, as it asked, then trying HumanEval\/3 again, attempt 2 of 3\.$/,
    );
    // A page cannot read Retry-After unless the server exposes it: the wait is the app's own.
    expect(retryNote('HumanEval/3', { attempt: 2, maxAttempts: 3, delayMs: 60_000, rateLimit: 'backoff', error: rateLimited() })).toMatch(
      /^The server is limiting requests \(.*\): waiting 60 s for its limit to reset, then trying HumanEval\/3 again, attempt 3 of 3\.$/,
    );
  });

  it('after any other failure, that there was no answer', () => {
    expect(retryNote('HumanEval/3', { attempt: 1, maxAttempts: 3, delayMs: 2000, error: new Error('HTTP 503: busy. Check the log.') })).toBe(
      'No answer for HumanEval/3 (HTTP 503: busy.): trying it again in 2 s, attempt 2 of 3.',
    );
    // A 503 whose server said how long to wait (a model loading): its wait, and whose it is.
    expect(retryNote('HumanEval/3', { attempt: 1, maxAttempts: 3, delayMs: 120_000, serverAsked: true, error: new Error('HTTP 503: loading. Check the log.') })).toBe(
      'No answer for HumanEval/3 (HTTP 503: loading.): waiting 120 s, as the server asked, then trying it again, attempt 2 of 3.',
    );
  });
});
