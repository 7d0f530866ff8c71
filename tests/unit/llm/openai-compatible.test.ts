import { describe, expect, it } from 'vitest';
import { createOpenAICompatibleModel, listModels } from '../../../src/llm/openai-compatible.ts';

// Behaviour against a real HTTP server is in tests/integration/llm/openai-compatible.test.ts;
// these are the checks that need no server.
describe('OpenAI-compatible model set-up', () => {
  it('names the model and the API root it talks to', () => {
    const model = createOpenAICompatibleModel({ baseUrl: 'http://localhost:11434/', model: 'llama3.2:3b' });
    expect(model.id).toBe('openai-compatible:llama3.2:3b');
    expect(model.apiRoot).toBe('http://localhost:11434/v1');
    expect(model.streaming).toBe(true);
  });

  it('does not expose the API key', () => {
    const model = createOpenAICompatibleModel({ baseUrl: 'http://localhost:8000', model: 'm', apiKey: 'sk-secret' });
    expect(JSON.stringify(model)).not.toContain('sk-secret');
    expect(Object.values(model)).not.toContain('sk-secret');
  });

  it('refuses an API key that cannot be sent in a header, saying how to fix it', async () => {
    expect(() => createOpenAICompatibleModel({ baseUrl: 'http://localhost:8000', model: 'm', apiKey: 'sk-“quoted”' })).toThrow(
      /Paste it again/,
    );
    await expect(listModels('http://localhost:8000', 'sk with space')).rejects.toThrow(/cannot be sent in an HTTP header/);
  });

  it('says the server stopped answering once it has answered, for every model of the run on that server', async () => {
    let up = true;
    const serverFetch: typeof fetch = async () => {
      if (!up) throw new TypeError('fetch failed');
      return new Response('{"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}', { headers: { 'Content-Type': 'application/json' } });
    };
    const ask = (model: ReturnType<typeof createOpenAICompatibleModel>) => model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 });
    const options = { baseUrl: 'http://gpu-box:8000/v1', fetch: serverFetch, retries: 0 };

    // Nothing ever answered: the message is about reaching it at all.
    up = false;
    await expect(ask(createOpenAICompatibleModel({ ...options, model: 'never' }))).rejects.toThrow(/^Could not reach the language-model server/);

    up = true;
    const answered = { value: false };
    const generator = createOpenAICompatibleModel({ ...options, model: 'generator', answered });
    const refiner = createOpenAICompatibleModel({ ...options, model: 'refiner', answered });
    await ask(generator);
    up = false;
    await expect(ask(generator)).rejects.toThrow(/^The language-model server at http:\/\/gpu-box:8000 stopped answering .*It answered earlier requests/);
    // The refiner never asked before, but the same server answered this run.
    await expect(ask(refiner)).rejects.toThrow(/stopped answering/);
  });

  it('sends the request through the fetch it was given', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return new Response('{"choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}', {
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://gpu-box:8000/v1', model: 'm', fetch: fakeFetch });
    const reply = await model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 });
    expect(seen).toEqual(['http://gpu-box:8000/v1/chat/completions']);
    // A server that ignores `stream: true` and answers with one JSON document still works.
    expect(reply.text).toBe('hi');
    expect(reply.usage.tokensEstimated).toBe(true);
  });

  it('sends a stream again without stream_options when the server refuses that field, and counts the tokens itself', async () => {
    // Proxies and hosted APIs that validate fields strictly refuse it (new-api "Unknown parameter: 'stream_options'",
    // Azure "Unrecognized request argument supplied: stream_options"): without the retry no request ever got through.
    const bodies: Record<string, unknown>[] = [];
    const sse = (...data: string[]) => data.map((d) => `data: ${d}\n\n`).join('');
    const fakeFetch: typeof fetch = async (_input, init) => {
      const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
      bodies.push(body);
      if (body.stream_options !== undefined) {
        return new Response(
          '{"error":{"message":"Unknown parameter: \'stream_options\'.","type":"invalid_request_error","param":"stream_options","code":"unknown_parameter"}}',
          { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/json' } },
        );
      }
      return new Response(
        sse('{"choices":[{"delta":{"content":"def f"}}]}', '{"choices":[{"delta":{"content":"(): pass"}}]}', '{"choices":[{"delta":{},"finish_reason":"stop"}]}', '[DONE]'),
        { headers: { 'Content-Type': 'text/event-stream' } },
      );
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://proxy:3000/v1', model: 'm', fetch: fakeFetch, retries: 0 });
    const reply = await model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 });
    expect(reply.text).toBe('def f(): pass');
    expect(reply.usage.tokensEstimated).toBe(true);
    expect(reply.usage.completionTokens).toBe(2);
    expect(bodies.map((b) => b.stream_options)).toEqual([{ include_usage: true }, undefined]);
    expect(bodies[1]?.stream).toBe(true);
    // Learnt once: the next call does not ask again.
    await model.chat([{ role: 'user', content: 'again' }], { temperature: 0, max_tokens: 8 });
    expect(bodies.map((b) => b.stream_options)).toEqual([{ include_usage: true }, undefined, undefined]);
  });

  it('reports a 400 about something else as it was, without sending the request again', async () => {
    let requests = 0;
    const fakeFetch: typeof fetch = async () => {
      requests++;
      return new Response('{"error":{"message":"temperature must be at most 2","type":"invalid_request_error"}}', { status: 400, statusText: 'Bad Request' });
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://proxy:3000/v1', model: 'm', fetch: fakeFetch });
    await expect(model.chat([{ role: 'user', content: 'hello' }], { temperature: 9, max_tokens: 8 })).rejects.toThrow(/temperature must be at most 2/);
    expect(requests).toBe(1);
  });
});

describe('OpenAI-compatible stream from a broken server', () => {
  it('stops a stream line that never ends with a message naming the server, without retrying', async () => {
    let requests = 0;
    const block = new TextEncoder().encode('z'.repeat(1024 * 1024));
    const endlessLine: typeof fetch = async () => {
      requests++;
      let started = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(started ? block : new TextEncoder().encode('data: {"choices":[{"delta":{"content":"'));
          started = true;
        },
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', fetch: endlessLine });
    await expect(model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 })).rejects.toThrow(
      /^The server at http:\/\/127\.0\.0\.1:9 sent an event-stream line longer than 16 M characters, with no line end, which no chat reply holds: the server, or a proxy in front of it, is broken\. Check its log\.$/,
    );
    expect(requests).toBe(1);
  });
});


/** A body that never ends: `head` once, then `block` for as long as it is read; `pulls` counts the blocks. */
function endlessBody(head: string, block: string): { body: ReadableStream<Uint8Array>; pulls: () => number } {
  const encoder = new TextEncoder();
  const bytes = encoder.encode(block);
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head));
    },
    pull(controller) {
      pulls++;
      controller.enqueue(bytes);
    },
  });
  return { body, pulls: () => pulls };
}

describe('OpenAI-compatible endpoint that redirects where a browser cannot follow', () => {
  it('says the request was redirected elsewhere (the browser hides where), not that the server cannot be reached, and sends it again only as often as any request that reached nothing', async () => {
    const methods: string[] = [];
    // What a browser does with a server that allows this page but answers 307 to a port with nothing
    // on it: the POST fails inside fetch, and the GET that does not follow the redirect is opaque.
    const browserFetch: typeof fetch = async (_input, init) => {
      methods.push(init?.method ?? 'GET');
      if (init?.redirect !== 'manual') throw new TypeError('Failed to fetch');
      return { type: 'opaqueredirect', status: 0, headers: new Headers(), body: null, ok: false, redirected: false, url: '' } as unknown as Response;
    };
    const model = createOpenAICompatibleModel({ baseUrl: 'http://gpu-box:8000/v1', model: 'm', fetch: browserFetch, retries: 1, backoff: { baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await model.chat([{ role: 'user', content: 'hello' }], { temperature: 0, max_tokens: 8 }).then(
      () => null,
      (thrown: Error) => thrown,
    );
    expect(error?.message).toMatch(/^The server at http:\/\/gpu-box:8000 redirected the request elsewhere, and the redirect could not be followed\. /);
    expect(error?.message).not.toMatch(/Could not reach/);
    expect(methods).toEqual(['POST', 'GET', 'POST', 'GET']);
  });
});

describe('OpenAI-compatible server that sends too much', () => {
  const ask = (fetchImpl: typeof fetch, stream = true, onToken?: (delta: string) => void) =>
    createOpenAICompatibleModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', fetch: fetchImpl, stream, retries: 0 }).chat(
      [{ role: 'user', content: 'hello' }],
      { temperature: 0, max_tokens: 8 },
      onToken ? { onToken } : {},
    );

  it('stops a stream that ignores max_tokens, saying so, after a bounded amount of text and without sending it again', async () => {
    let requests = 0;
    let pulls = () => 0;
    const flood: typeof fetch = async () => {
      requests++;
      const endless = endlessBody('', 'data: {"choices":[{"delta":{"content":"token "}}]}\n\n');
      pulls = endless.pulls;
      return new Response(endless.body, { headers: { 'Content-Type': 'text/event-stream' } });
    };
    let shown = 0;
    await expect(ask(flood, true, (delta) => (shown += delta.length))).rejects.toThrow(
      /^The server at http:\/\/127\.0\.0\.1:9 sent more than 16,384 characters for one reply, though the request asked it to stop after 8 tokens, so the reply was stopped there and is not scored\. The server, or a proxy in front of it, ignores max_tokens/,
    );
    expect(requests).toBe(1);
    expect(shown).toBeLessThanOrEqual(16_384);
    expect(pulls()).toBeLessThan(3_000);
  });

  it('stops reading a whole reply (an inflated gzip) past its bound, saying so, instead of reading gigabytes', async () => {
    let pulls = () => 0;
    const bomb: typeof fetch = async () => {
      const endless = endlessBody('{"choices":[{"message":{"content":"', 'a'.repeat(64 * 1024));
      pulls = endless.pulls;
      return new Response(endless.body, { headers: { 'Content-Type': 'application/json' } });
    };
    await expect(ask(bomb, false)).rejects.toThrow(/^The server at http:\/\/127\.0\.0\.1:9 sent more than 1\.1 MB for one reply, though the request asked it to stop after 8 tokens/);
    // 1.1 MB in blocks of 64 KB.
    expect(pulls()).toBeLessThan(20);
  });

  it('reads an endless blank body from a proxy that hid the event stream no further than its bound', async () => {
    let pulls = () => 0;
    const blank: typeof fetch = async () => {
      const endless = endlessBody('', ' '.repeat(16 * 1024));
      pulls = endless.pulls;
      return new Response(endless.body, { headers: { 'Content-Type': 'text/plain' } });
    };
    await expect(ask(blank)).rejects.toThrow(/sent more than 1\.1 MB for one reply/);
    expect(pulls()).toBeLessThan(80);
  });

  it('quotes the start of a huge error page without reading all of it', async () => {
    let pulls = () => 0;
    const page: typeof fetch = async () => {
      const endless = endlessBody('upstream exploded: out of cheese', 'x'.repeat(64 * 1024));
      pulls = endless.pulls;
      return new Response(endless.body, { status: 500, statusText: 'Internal Server Error' });
    };
    await expect(ask(page)).rejects.toThrow(/500.*upstream exploded: out of cheese/s);
    expect(pulls()).toBeLessThan(20);
  });

  it('refuses a model list larger than any server sends, naming the server', async () => {
    const list: typeof fetch = async () => new Response(endlessBody('{"data":[', '{"id":"m"},'.repeat(6_000)).body, { headers: { 'Content-Type': 'application/json' } });
    await expect(listModels('http://127.0.0.1:9/v1', undefined, { fetch: list })).rejects.toThrow(
      /^The server at http:\/\/127\.0\.0\.1:9 sent more than 32 MB for its list of models, which no list of models needs\./,
    );
  });

  it('keeps a finish reason as sent, but spells out characters that would reorder the line and cuts a long one', async () => {
    const reply = (finishReason: string): typeof fetch => async () =>
      new Response(JSON.stringify({ choices: [{ message: { content: 'def f(): pass' }, finish_reason: finishReason }] }), {
        headers: { 'Content-Type': 'application/json' },
      });
    expect((await ask(reply('content_filter'), false)).finishReason).toBe('content_filter');
    const hostile = (await ask(reply(`stop\u202egnol${'!'.repeat(5_000)}`), false)).finishReason;
    expect(hostile).toBe(`stop\\u202egnol${'!'.repeat(25)}…`);
    expect(hostile).toHaveLength(40);
    const streamed: typeof fetch = async () =>
      new Response(`data: {"choices":[{"delta":{"content":"x"},"finish_reason":"\\u2066end"}]}\n\ndata: [DONE]\n\n`, { headers: { 'Content-Type': 'text/event-stream' } });
    expect((await ask(streamed)).finishReason).toBe('\\u2066end');
  });
});
