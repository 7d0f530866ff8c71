import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { EndpointContextLengthError } from '../../../src/llm/endpoint-errors.ts';
import type { ChatMessage } from '../../../src/core/ports.ts';
import {
  createOpenAICompatibleModel,
  listModels,
  type OpenAICompatibleOptions,
} from '../../../src/llm/openai-compatible.ts';
import { splitIntoTokens } from '../../../src/core/llm/token-pieces.ts';
import { rateLimitOf } from '../../../src/core/llm/rate-limit.ts';
import { retryWait } from '../../../src/core/study/retry-wait.ts';
import { isLasting } from '../../../src/core/llm/lasting-error.ts';
import { startFakeOpenAIServer, type FakeOpenAIServer, type FakeServerOptions } from '../../support/fake-openai-server.ts';

const solution = 'def add(a, b):\n    return a + b\n';
const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a careful Python programmer.' },
  { role: 'user', content: 'Write add(a, b).' },
];
const sampling = { temperature: 0.3, max_tokens: 512 };

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer({ reply: solution, tokensPerSecond: 1_000, ...options });
  return server;
}

/** A model with test-sized timeouts and backoff, so every failure path ends in well under a second. */
function modelFor(target: FakeOpenAIServer, options: Partial<OpenAICompatibleOptions> = {}) {
  return createOpenAICompatibleModel({
    baseUrl: target.url,
    model: 'fake-model',
    firstTokenTimeoutMs: 2_000,
    idleTimeoutMs: 1_000,
    backoff: { baseDelayMs: 10, maxDelayMs: 40 },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('OpenAI-compatible endpoint: replies', () => {
  it('streams a reply token by token and reports its usage', async () => {
    const target = await serve();
    const deltas: string[] = [];
    const reply = await modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply.text).toBe(solution);
    expect(reply.finishReason).toBe('stop');
    expect(deltas.join('')).toBe(solution);
    expect(deltas.length).toBeGreaterThan(1);
    expect(reply.usage.completionTokens).toBe(deltas.length);
    expect(reply.usage.promptTokens).toBeGreaterThan(0);
    expect(reply.usage.tokensEstimated).toBeUndefined();
    expect(reply.usage.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(reply.usage.decodeTokensPerSecond).toBeGreaterThan(0);
    expect(reply.usage.totalMs).toBeGreaterThanOrEqual(reply.usage.timeToFirstTokenMs);
  });

  it('sends the model, messages and sampling the caller gave, asking for usage in the stream', async () => {
    const target = await serve();
    await modelFor(target).chat(messages, { temperature: 0.2, max_tokens: 64, top_p: 0.9, seed: 7 });
    const [request] = target.requests;
    expect(request?.body).toMatchObject({
      model: 'fake-model',
      messages,
      temperature: 0.2,
      max_tokens: 64,
      top_p: 0.9,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('returns the same reply without streaming', async () => {
    const target = await serve();
    const deltas: string[] = [];
    const reply = await modelFor(target, { stream: false }).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply.text).toBe(solution);
    expect(deltas).toEqual([solution]);
    expect(reply.usage.completionTokens).toBeGreaterThan(1);
    expect(reply.usage.promptTokens).toBeGreaterThan(0);
    expect(target.requests[0]?.body.stream).toBe(false);
  });

  it('accepts the server root with a trailing slash as base URL', async () => {
    const target = await serve();
    const reply = await modelFor(target, { baseUrl: `${target.origin}/` }).chat(messages, sampling);
    expect(reply.text).toBe(solution);
  });

  it('reports a reply cut by max_tokens as finish reason "length"', async () => {
    const target = await serve();
    const reply = await modelFor(target).chat(messages, { temperature: 0.3, max_tokens: 3 });
    expect(reply.finishReason).toBe('length');
    expect(reply.usage.completionTokens).toBe(3);
  });

  it('counts streamed deltas as tokens when the server sends no usage, and says so', async () => {
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, usage: false }) });
    const deltas: string[] = [];
    const reply = await modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply.text).toBe(solution);
    expect(reply.usage.completionTokens).toBe(deltas.length);
    // The prompt was read all the same: estimated from its text, as a stopped call's is (audit R213-1).
    expect(reply.usage.promptTokens).toBe(messages.reduce((n, m) => n + splitIntoTokens(m.content).length, 0));
    expect(reply.usage.promptTokens).toBeGreaterThan(0);
    expect(reply.usage.tokensEstimated).toBe(true);
  });

  it('reads streams with CRLF line endings and keep-alive comments', async () => {
    const target = await serve({
      reply: () => ({ kind: 'reply', text: solution, lineEnding: '\r\n', keepAliveEveryMs: 10, firstTokenDelayMs: 60 }),
    });
    expect((await modelFor(target).chat(messages, sampling)).text).toBe(solution);
  });

  it('sends the API key as a bearer token', async () => {
    const target = await serve({ apiKey: 'sk-test' });
    const reply = await modelFor(target, { apiKey: 'sk-test' }).chat(messages, sampling);
    expect(reply.text).toBe(solution);
    expect(target.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('lists the models the server offers', async () => {
    const target = await serve({ models: ['llama3.2:3b', 'qwen2.5:1.5b'], apiKey: 'sk-test' });
    expect(await listModels(target.origin, 'sk-test')).toEqual(['llama3.2:3b', 'qwen2.5:1.5b']);
    expect((await failure(listModels(target.url, 'wrong'))).message).toMatch(/API key/);
  });
});

describe('OpenAI-compatible endpoint: transient failures are retried', () => {
  it('retries after server errors and returns the eventual reply', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const reply = await modelFor(target).chat(messages, sampling);
    expect(reply.text).toBe(solution);
    expect(target.requests).toHaveLength(3);
  });

  it('gives up after the configured retries with the server’s own message', async () => {
    const target = await serve();
    target.script(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 500, message: 'CUDA out of memory' })));
    const error = await failure(modelFor(target, { retries: 2 }).chat(messages, sampling));
    expect(error.message).toMatch(/failed \(500 Internal Server Error\) after 3 attempts/);
    expect(error.message).toContain('CUDA out of memory');
    expect(target.requests).toHaveLength(3);
  });

  it('waits as long as Retry-After asks on 429, then succeeds', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 429, retryAfter: '1' });
    const started = performance.now();
    const reply = await modelFor(target).chat(messages, sampling);
    expect(reply.text).toBe(solution);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(target.requests).toHaveLength(2);
  });

  it('reports a Retry-After too long to wait for instead of waiting, with what the server said', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 429, retryAfter: '3600', message: 'Rate limit reached on tokens per min (TPM)' });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error.message).toBe(
      `The server at ${target.origin} refused the request because of rate limits (429 Too Many Requests). ` +
        'The server said: "Rate limit reached on tokens per min (TPM)". It asked to wait 3600 s before trying again. ' +
        "Lower the number of parallel requests, or check your plan's limits.",
    );
    expect(target.requests).toHaveLength(1);
    // The study runner reads the wait off the error and decides whether to wait for it.
    expect(rateLimitOf(error)).toEqual({ retryAfterMs: 3_600_000 });
  });

  it('a 503 with a long Retry-After is told as the 503 it is, with its words and its wait, not as a rate limit', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 503, retryAfter: '120', message: 'Service Unavailable: model is loading' });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error.message).toBe(
      `The server at ${target.origin} failed (503 Service Unavailable). The server said: "Service Unavailable: model is loading". ` +
        "It asked to wait 120 s before trying again. Check the server's log (it may be out of memory or still loading the model) and run again.",
    );
    expect(target.requests).toHaveLength(1);
    expect(rateLimitOf(error)).toBeNull();
    expect(isLasting(error)).toBe(false);
    // The study runner waits the 120 s the server asked before running the unit again, not 2 s and 4 s.
    expect(retryWait(error, 1)).toEqual({ delayMs: 120_000, serverAsked: true });
  });

  it('does not send a 429 without Retry-After again at once, and hands its wait on when it names one', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 429 }, { kind: 'status', status: 429 });
    const quiet = await failure(modelFor(target).chat(messages, sampling));
    expect(target.requests).toHaveLength(1);
    expect(rateLimitOf(quiet)).toEqual({ retryAfterMs: undefined });

    const named = await serve();
    named.script({ kind: 'status', status: 429, retryAfter: '2' });
    const last = await failure(modelFor(named, { retries: 0 }).chat(messages, sampling));
    expect(named.requests).toHaveLength(1);
    expect(rateLimitOf(last)).toEqual({ retryAfterMs: 2000 });
  });

  it('retries a connection that closed before any text arrived', async () => {
    const target = await serve();
    target.script({ kind: 'disconnect', afterTokens: 0 });
    expect((await modelFor(target).chat(messages, sampling)).text).toBe(solution);
    expect(target.requests).toHaveLength(2);
  });
});

describe('OpenAI-compatible endpoint: failures end in a clear error, never a hang', () => {
  it('does not retry a client error such as a wrong API key', async () => {
    const target = await serve({ apiKey: 'sk-right' });
    const error = await failure(modelFor(target, { apiKey: 'sk-wrong' }).chat(messages, sampling));
    expect(error.message).toMatch(/needs a valid API key \(401/);
    expect(target.requests).toHaveLength(1);
  });

  it('names the models on the server when the model name is wrong', async () => {
    const target = await serve({ models: ['llama3.2:3b'] });
    const error = await failure(modelFor(target, { model: 'llama3.2' }).chat(messages, sampling));
    expect(error.message).toContain('"llama3.2" is not on this server; it offers: llama3.2:3b');
    expect(target.requests).toHaveLength(1);
  });

  it('says the base URL is wrong when the path does not exist', async () => {
    const target = await serve();
    const error = await failure(modelFor(target, { baseUrl: `${target.origin}/api` }).chat(messages, sampling));
    expect(error.message).toMatch(/404 Not Found/);
    expect(error.message).toMatch(/base URL/);
  });

  it('reports a connection closed mid-reply, without retrying after text was shown', async () => {
    const target = await serve();
    target.script({ kind: 'disconnect', afterTokens: 3 });
    const deltas: string[] = [];
    const error = await failure(modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) }));
    expect(error.message).toMatch(/closed in the middle of the reply, after 3 pieces of text/);
    expect(deltas).toHaveLength(3);
    expect(target.requests).toHaveLength(1);
  });

  it('quotes a chunk that is not OpenAI-compatible JSON', async () => {
    const target = await serve();
    target.script({ kind: 'malformed', afterTokens: 2, line: 'data: <html>502 Bad Gateway</html>' });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error.message).toContain("isn't OpenAI-compatible JSON");
    expect(error.message).toContain('<html>502 Bad Gateway</html>');
  });

  it('quotes a whole reply that is not OpenAI-compatible JSON', async () => {
    const target = await serve();
    target.script({ kind: 'malformed', afterTokens: 0, line: '<!doctype html><title>Router login</title>' });
    const error = await failure(modelFor(target, { stream: false }).chat(messages, sampling));
    expect(error.message).toContain('Router login');
  });

  it('passes on an error the server reports inside the stream', async () => {
    const target = await serve();
    target.script({ kind: 'malformed', afterTokens: 1, line: 'data: {"error":{"message":"KV cache is full"}}' });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error.message).toMatch(/reported an error while generating: "KV cache is full"/);
  });

  it('waits for a slow first token that arrives within the timeout', async () => {
    const target = await serve({ firstTokenDelayMs: 300 });
    const reply = await modelFor(target, { firstTokenTimeoutMs: 1_500 }).chat(messages, sampling);
    expect(reply.text).toBe(solution);
    expect(reply.usage.timeToFirstTokenMs).toBeGreaterThanOrEqual(250);
  });

  it('gives up on a first token slower than the timeout, without retrying', async () => {
    const target = await serve({ firstTokenDelayMs: 5_000 });
    const error = await failure(modelFor(target, { firstTokenTimeoutMs: 200 }).chat(messages, sampling));
    expect(error.message).toMatch(/sent no text within 0\.2 s/);
    expect(target.requests).toHaveLength(1);
  });

  it('does not count keep-alive comments as the first token', async () => {
    const target = await serve({
      reply: () => ({ kind: 'reply', text: solution, firstTokenDelayMs: 5_000, keepAliveEveryMs: 20 }),
    });
    const error = await failure(modelFor(target, { firstTokenTimeoutMs: 200 }).chat(messages, sampling));
    expect(error.message).toMatch(/sent no text within/);
  });

  it('gives up on a server that never answers, streaming or not', async () => {
    const target = await serve();
    target.script({ kind: 'hang' }, { kind: 'hang' });
    for (const stream of [true, false]) {
      const error = await failure(modelFor(target, { stream, firstTokenTimeoutMs: 200 }).chat(messages, sampling));
      expect(error.message).toMatch(/within 0\.2 s/);
    }
  });

  it('gives up on a stream that goes silent after it started', async () => {
    const target = await serve();
    target.script({ kind: 'stall', afterTokens: 2 });
    const error = await failure(modelFor(target, { idleTimeoutMs: 200 }).chat(messages, sampling));
    expect(error.message).toMatch(/stopped sending the reply for 0\.2 s after 2 pieces/);
  });

  it('explains that nothing answers at the address, after its retries', async () => {
    const target = await serve();
    const { url } = target;
    await target.close();
    const error = await failure(modelFor(target, { baseUrl: url }).chat(messages, sampling));
    expect(error.message).toMatch(/Could not reach the language-model server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe('OpenAI-compatible endpoint: reasoning models (reasoning sent apart from the text)', () => {
  const thinking = 'Let me think this through step by step. '.repeat(4);

  it('times the whole generation, reasoning included, and records the reasoning without keeping it', async () => {
    // vLLM --reasoning-parser: reasoning first, then the answer, at one rate; usage counts both.
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, tokensPerSecond: 100, reasoning: { text: thinking } }) });
    const deltas: string[] = [];
    const reply = await modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply.text).toBe(solution);
    expect(deltas.join('')).toBe(solution);
    const reasoningTokens = splitIntoTokens(thinking).length;
    expect(reply.usage.reasoningTokens).toBe(reasoningTokens);
    expect(reply.usage.completionTokens).toBe(reasoningTokens + deltas.length);
    // The first token is the first reasoning token, not the first text after ~0.4 s of reasoning,
    // and the rate is the server's 100 tokens/s, not all the tokens over the text's last 0.1 s.
    expect(reply.usage.timeToFirstTokenMs).toBeLessThan(200);
    expect(reply.usage.decodeTokensPerSecond).toBeGreaterThan(60);
    expect(reply.usage.decodeTokensPerSecond).toBeLessThan(130);
  });

  it('counts Ollama\'s `reasoning` deltas when the server sends no usage', async () => {
    const target = await serve({
      reply: () => ({ kind: 'reply', text: solution, usage: false, reasoning: { text: thinking, field: 'reasoning' } }),
    });
    const deltas: string[] = [];
    const reply = await modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply.text).toBe(solution);
    expect(reply.usage.reasoningTokens).toBe(splitIntoTokens(thinking).length);
    expect(reply.usage.completionTokens).toBe(splitIntoTokens(thinking).length + deltas.length);
    expect(reply.usage.tokensEstimated).toBe(true);
  });

  it('records the reasoning of a reply that is not streamed too', async () => {
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, reasoning: { text: thinking } }) });
    const reply = await modelFor(target, { stream: false }).chat(messages, sampling);
    expect(reply.text).toBe(solution);
    expect(reply.usage.reasoningTokens).toBe(splitIntoTokens(thinking).length);
  });

  it('tells the caller the model began to answer at its first reasoning, before any text', async () => {
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, tokensPerSecond: 100, reasoning: { text: 'hmm '.repeat(20) } }) });
    const heard: string[] = [];
    await modelFor(target).chat(messages, sampling, { onAnswering: () => heard.push('answering'), onToken: () => heard.push('text') });
    expect(heard[0]).toBe('answering');
    expect(heard.filter((h) => h === 'answering')).toHaveLength(1);
    expect(heard.length).toBeGreaterThan(1);
  });

  it('tells the caller of every piece of reasoning, so that a long think is not taken for silence', async () => {
    // A run said "no word from the model for 59s" while a thinking model streamed its reasoning (audit R171-1).
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, tokensPerSecond: 200, reasoning: { text: 'hmm '.repeat(20) } }) });
    let pieces = 0;
    let textBeforeReasoning = false;
    await modelFor(target).chat(messages, sampling, {
      onReasoning: () => pieces++,
      onToken: () => {
        if (pieces === 0) textBeforeReasoning = true;
      },
    });
    expect(pieces).toBeGreaterThanOrEqual(10);
    expect(textBeforeReasoning).toBe(false);
  });

  it('does not give up on a model that is reasoning before its first text', async () => {
    // 0.5 s of reasoning against a 0.3 s first-token limit: the reasoning is the model working.
    const target = await serve({ reply: () => ({ kind: 'reply', text: solution, tokensPerSecond: 100, reasoning: { text: 'hmm '.repeat(50) } }) });
    const reply = await modelFor(target, { firstTokenTimeoutMs: 300 }).chat(messages, sampling);
    expect(reply.text).toBe(solution);
  });
});

describe('OpenAI-compatible endpoint: servers and proxies that bend the protocol', () => {
  const sse = (...events: unknown[]) => events.map((e) => `data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`).join('');
  const chunk = (content: string | null, finish: string | null = null) => ({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] });
  const eventStream = { 'Content-Type': 'text/event-stream' };

  it('refuses a stream that holds no text and no finish reason, as it refuses the same reply as JSON', async () => {
    const target = await serve();
    target.script(
      { kind: 'raw', headers: eventStream, body: sse('[DONE]') },
      { kind: 'raw', headers: eventStream, body: sse({ object: 'chat.completion.chunk', choices: [] }, { object: 'chat.completion.chunk', choices: [] }, '[DONE]') },
      { kind: 'raw', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ object: 'chat.completion', choices: [], usage: { prompt_tokens: 9, completion_tokens: 0 } }) },
    );
    for (let i = 0; i < 3; i++) {
      const error = await failure(modelFor(target).chat(messages, sampling));
      expect(error.message).toMatch(/answered with no text and no reason for stopping \(no finish_reason\)/);
    }
    // A stream that does say why it stopped is a real, empty reply.
    target.script({ kind: 'raw', headers: eventStream, body: sse(chunk(''), chunk(null, 'stop'), '[DONE]') });
    const empty = await modelFor(target).chat(messages, sampling);
    expect(empty).toMatchObject({ text: '', finishReason: 'stop' });
  });

  it('records "unknown", not a made-up "stop", when text arrives without a finish reason', async () => {
    const target = await serve();
    target.script({ kind: 'raw', headers: eventStream, body: sse(chunk('def f'), chunk('(): pass'), '[DONE]') });
    const reply = await modelFor(target).chat(messages, sampling);
    expect(reply).toMatchObject({ text: 'def f(): pass', finishReason: 'unknown' });
  });

  it.each([
    ['text/plain', { 'Content-Type': 'text/plain; charset=utf-8' }],
    ['no Content-Type', {}],
  ])('reads an event stream sent as %s, as some proxies send it', async (_, headers) => {
    const target = await serve();
    target.script({ kind: 'raw', headers, body: `: proxy keep-alive\n\n${sse(chunk('def f'), chunk('(): pass', 'stop'), '[DONE]')}` });
    const deltas: string[] = [];
    const reply = await modelFor(target).chat(messages, sampling, { onToken: (d) => deltas.push(d) });
    expect(reply).toMatchObject({ text: 'def f(): pass', finishReason: 'stop' });
    expect(deltas).toEqual(['def f', '(): pass']);
  });

  it('still reads a JSON reply sent as text/plain to a streaming request', async () => {
    const target = await serve();
    const whole = { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] };
    target.script({ kind: 'raw', headers: { 'Content-Type': 'text/plain' }, body: `\n${JSON.stringify(whole)}` });
    expect((await modelFor(target).chat(messages, sampling)).text).toBe('hi');
  });

  it('quotes a proxy\'s HTML error page by its title', async () => {
    const target = await serve();
    const page = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>';
    target.script({ kind: 'raw', status: 502, headers: { 'Content-Type': 'text/html' }, body: page });
    const error = await failure(modelFor(target, { retries: 0 }).chat(messages, sampling));
    expect(error.message).toContain('failed (502 Bad Gateway). It answered with an HTML page, as a proxy or web server does, not a model server: "502 Bad Gateway".');
    expect(error.message).not.toContain('<');
  });

  describe('a base URL that redirects', () => {
    let redirector: ReturnType<typeof createHttpServer> | undefined;
    afterEach(async () => {
      redirector?.closeAllConnections();
      await new Promise<void>((resolve) => (redirector ? redirector.close(() => resolve()) : resolve()));
      redirector = undefined;
    });

    /** A server that answers everything with `status` to the same path on `target` (a moved host). */
    async function redirecting(status: number, target: FakeOpenAIServer): Promise<string> {
      redirector = createHttpServer((req, res) => {
        res.writeHead(status, { Location: `${target.origin}${(req.url ?? '/').replace(/^\/old/, '')}` }).end();
      });
      await new Promise<void>((resolve) => redirector?.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/old/v1`;
    }

    it('a 301 (the POST arrives as a GET and is refused): says where it redirects and to use that as the base URL', async () => {
      const target = await serve();
      const error = await failure(modelFor(target, { baseUrl: await redirecting(301, target) }).chat(messages, sampling));
      expect(error.message).toContain(`redirected the request to ${target.url}/chat/completions, which refused it (405 Method Not Allowed)`);
      expect(error.message).toContain(`Use the address it redirects to as the base URL: ${target.url}.`);
      expect(error.message).not.toMatch(/context length/);
      expect(target.requests).toHaveLength(0);
    });

    it.each([
      ['a file: URL', async () => 'file:///etc/passwd', /\(URL scheme must be a HTTP\(S\) scheme\)/],
      ['a port with nothing on it', async () => `http://127.0.0.1:${await closedPort()}/v1/chat/completions`, /\(ECONNREFUSED\)/],
    ])('a 307 to %s: says the request was redirected there and could not follow, not that the server stopped, and sends it again only as often as any request that reached nothing', async (_, where, detail) => {
      const location = await where();
      const methods: string[] = [];
      redirector = createHttpServer((req, res) => {
        methods.push(req.method ?? '');
        res.writeHead(307, { Location: location }).end();
      });
      await new Promise<void>((resolve) => redirector?.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
      // The server answered before (the model list, say): a failure to reach it read as "stopped answering".
      const model = createOpenAICompatibleModel({ baseUrl: `${origin}/v1`, model: 'm', retries: 1, backoff: { baseDelayMs: 1, maxDelayMs: 1 }, answered: { value: true } });
      const error = await failure(model.chat(messages, sampling));
      expect(error.message).toMatch(new RegExp(`^The server at ${origin} redirected the request to ${location.replace(/[.:/]/g, '\\$&')}, and the redirect could not be followed`));
      expect(error.message).toMatch(detail);
      expect(error.message).toContain('use the address of the server as the base URL, or fix the redirect');
      expect(error.message).not.toMatch(/stopped answering/);
      // The request, then one look at the redirect that follows nothing; once more (retries: 1), as
      // a working redirect may have met a passing failure.
      expect(methods).toEqual(['POST', 'GET', 'POST', 'GET']);
    });

    it('a 307 keeps the request, and the reply comes through', async () => {
      const target = await serve();
      const reply = await modelFor(target, { baseUrl: await redirecting(307, target) }).chat(messages, sampling);
      expect(reply.text).toBe(solution);
    });
  });
});

/** A port of 127.0.0.1 that was free a moment ago: nothing listens on it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('OpenAI-compatible endpoint: abort', () => {
  const isAbortError = (error: Error) => error instanceof DOMException && error.name === 'AbortError';

  it('rejects at once without sending anything when already aborted', async () => {
    const target = await serve();
    const error = await failure(modelFor(target).chat(messages, sampling, { signal: AbortSignal.abort() }));
    expect(isAbortError(error)).toBe(true);
    expect(target.requests).toHaveLength(0);
  });

  it('stops waiting for the first token promptly', async () => {
    const target = await serve({ firstTokenDelayMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await failure(modelFor(target, { firstTokenTimeoutMs: 20_000 }).chat(messages, sampling, { signal: controller.signal }));
    expect(isAbortError(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  // Paced, and with no pacing: the whole reply written at once, so the client reads many events
  // per chunk, and none after Stop may reach the page.
  it.each([
    ['a reply streamed at 200 tokens/s', 200],
    ['a reply that arrived all at once', Infinity],
  ])('stops %s mid-stream: no more text once stopped', async (_, tokensPerSecond) => {
    const target = await serve({ reply: 'word '.repeat(500), tokensPerSecond });
    const controller = new AbortController();
    const deltas: string[] = [];
    const error = await failure(
      modelFor(target).chat(messages, sampling, {
        signal: controller.signal,
        onToken: (d) => {
          deltas.push(d);
          if (deltas.length === 5) controller.abort();
        },
      }),
    );
    expect(isAbortError(error)).toBe(true);
    expect(deltas).toHaveLength(5);
  });

  it('stops waiting between retries', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 503, retryAfter: '30' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const error = await failure(modelFor(target).chat(messages, sampling, { signal: controller.signal }));
    expect(isAbortError(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(target.requests).toHaveLength(1);
  });
});

describe('OpenAI-compatible endpoint: a prompt too long for the context, in each server\'s words', () => {
  const fixes = /Shorten the prompt.*Ollama: OLLAMA_CONTEXT_LENGTH.*llama-server\): --ctx-size; vLLM: --max-model-len/s;

  it('vLLM: a 400 saying the maximum context length, said as a context problem and not sent again', async () => {
    const target = await serve();
    const said =
      "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4608 in the messages, 512 in the completion). Please reduce the length of the messages or completion.";
    target.script({ kind: 'status', status: 400, body: { object: 'error', message: said, type: 'BadRequestError', param: null, code: 400 } });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toMatch(/^The request is too long for the model's context window at http:\/\/127\.0\.0\.1:\d+ \(400 Bad Request\)/);
    expect(error.message).toContain('maximum context length is 4096 tokens');
    expect(error.message).toMatch(fixes);
    expect(target.requests).toHaveLength(1);
  });

  it('an older llama-server: a 500 "exceeds the available context size" is not retried as if the server were busy', async () => {
    const target = await serve();
    target.script({
      kind: 'status',
      status: 500,
      body: { error: { code: 500, message: 'the request exceeds the available context size, try increasing it', type: 'server_error' } },
    });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toMatch(fixes);
    expect(target.requests).toHaveLength(1);
  });

  it('llama-server before September 2025: the same in an "error:" field of the stream, then [DONE], fails at once with the reason (audit R219-3)', async () => {
    const target = await serve();
    target.script({
      kind: 'raw',
      headers: { 'Content-Type': 'text/event-stream' },
      body: 'error: {"code":400,"message":"the request exceeds the available context size, try increasing it","type":"invalid_request_error"}\n\ndata: [DONE]\n\n',
    });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toMatch(fixes);
    expect(target.requests).toHaveLength(1);
  });

  it('llama-server: the same said inside the stream after a 200', async () => {
    const target = await serve();
    target.script({
      kind: 'malformed',
      afterTokens: 0,
      line: 'data: {"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":4700,"n_ctx":4096}}',
    });
    const error = await failure(modelFor(target).chat(messages, sampling));
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toMatch(fixes);
  });

  it('a rate limit that speaks of tokens per minute stays a rate limit', async () => {
    const target = await serve();
    target.script({ kind: 'status', status: 429, message: 'Rate limit reached on tokens per min (TPM): Limit 10000, Used 9000, Requested 2000.', retryAfter: '600' });
    const error = await failure(modelFor(target, { maxRetryAfterMs: 1_000 }).chat(messages, sampling));
    expect(error).not.toBeInstanceOf(EndpointContextLengthError);
  });
});

describe('OpenAI-compatible endpoint: a port that accepts connections and never answers', () => {
  it('Test connection ends with a message naming the silence and the usual ports, not a reply timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await failure(listModels(`http://127.0.0.1:${port}`, undefined, { timeoutMs: 300 }));
      expect(error.message).toMatch(/accepted the connection but sent no model list within 0\.3 s/);
      expect(error.message).toMatch(/Ollama 11434, llama-server 8080, LM Studio 1234, vLLM 8000/);
      expect(error.message).not.toMatch(/first-token/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('OpenAI-compatible endpoint: an Ollama with no model pulled', () => {
  it('lists no models, so the user is told to pull one, not that the server is not OpenAI-compatible (audit R219-4)', async () => {
    // Ollama builds the list as a nil Go slice, which encodes as null.
    const empty = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"object":"list","data":null}');
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    const { port } = empty.address() as AddressInfo;
    try {
      expect(await listModels(`http://127.0.0.1:${port}/v1`)).toEqual([]);
    } finally {
      empty.closeAllConnections();
      await new Promise<void>((resolve) => empty.close(() => resolve()));
    }
  });
});
