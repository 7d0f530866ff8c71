/**
 * A real HTTP server on 127.0.0.1 (random port) that speaks the OpenAI chat-completions API,
 * streaming and not, with a behaviour scripted per request. Tests of anything that talks to a
 * model endpoint use it: the OpenAI-compatible engine, the study runner, browser e2e tests.
 *
 * ```ts
 * const server = await startFakeOpenAIServer({
 *   // Default answer, per problem: a function of the request (here, of its user message).
 *   reply: (request) => solutionFor(request.messages.at(-1)?.content ?? ''),
 *   tokensPerSecond: 200,
 * });
 * server.script({ kind: 'status', status: 500 }, { kind: 'disconnect', afterTokens: 3 });
 * const model = createOpenAICompatibleModel({ baseUrl: server.url, model: 'fake-model' });
 * // request 1 gets a 500, request 2 is cut after 3 tokens, later ones get `reply`.
 * await server.close();
 * ```
 *
 * Behaviours (queued with `script`, one per chat request, or returned by `reply`):
 * - `reply`: the text in token-sized pieces at `tokensPerSecond` after `firstTokenDelayMs`,
 *   then `finish_reason`, the usage chunk (when the request asked for it) and `[DONE]`.
 *   Replies longer than the request's `max_tokens` are cut with `finish_reason: "length"`.
 * - `status`: an HTTP error with an OpenAI-style error body, optionally with `Retry-After`.
 * - `disconnect`: the connection is destroyed after `afterTokens` tokens.
 * - `malformed`: after `afterTokens` tokens, a chunk that is not JSON, then the stream ends.
 * - `stall`: after `afterTokens` tokens the server goes silent, connection open.
 * - `hang`: the server never answers at all.
 * - `raw`: a status, headers and body written as given, for proxies and servers that bend the
 *   protocol (a stream without its Content-Type, an HTML error page, a redirect).
 * A `reply` with `reasoning` streams it first as `delta.reasoning_content`, as vLLM's reasoning
 * parser does, and counts it in `completion_tokens` and against `max_tokens` (a reasoning model
 * that thinks past the cap sends no text and `finish_reason: "length"`). Unknown model names get
 * a 404 like Ollama's, a GET on the chat endpoint a 405 like vLLM's; `close()` ends every open
 * connection.
 *
 * With `ollama`, the server also answers Ollama's native `GET /api/ps` (each model that has had a
 * chat request, as Ollama lists only loaded ones), `POST /api/show` and `POST /api/generate`
 * without a prompt (which loads a model), in Ollama's shapes, and can take its time loading a
 * model and hold one at a time; without it those routes get a 404, as on llama.cpp, LM Studio or vLLM.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../../src/core/llm/abort.ts';
import { splitIntoTokens } from '../../src/core/llm/token-pieces.ts';

export interface FakeChatMessage {
  role: string;
  content: string;
}

/** One chat request as the server received it. */
export interface FakeChatRequest {
  model: string;
  messages: FakeChatMessage[];
  stream: boolean;
  /** The request asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  maxTokens: number | undefined;
  temperature: number | undefined;
  /** The whole parsed JSON body. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ReplyBehaviour {
  kind: 'reply';
  /** Defaults to the server's `reply` option (or "ok" when that is not text). */
  text?: string;
  /** Defaults to the server's rate; Infinity sends every token at once. */
  tokensPerSecond?: number;
  /** Wait before the first token (after the response headers and the role chunk). */
  firstTokenDelayMs?: number;
  /** Send `: keep-alive` comments this often while waiting for the first token. */
  keepAliveEveryMs?: number;
  /** Send the usage chunk when the request asks for it (default true), like OpenAI and vLLM. */
  usage?: boolean;
  /** Line ending of the event stream (default "\n"). */
  lineEnding?: '\n' | '\r\n';
  /** Reasoning streamed before the text, token by token at the same rate, in the delta field named. */
  reasoning?: { text: string; field?: 'reasoning_content' | 'reasoning' };
}

export type ChatBehaviour =
  | ReplyBehaviour
  /** `body` replaces the OpenAI-style error body, to answer in another server's words. */
  | { kind: 'status'; status: number; message?: string; retryAfter?: string; body?: unknown }
  | { kind: 'disconnect'; afterTokens: number; text?: string }
  | { kind: 'malformed'; afterTokens: number; line?: string; text?: string }
  | { kind: 'stall'; afterTokens: number; text?: string }
  | { kind: 'hang' }
  | { kind: 'raw'; status?: number; headers?: Record<string, string>; body?: string };

export interface FakeServerOptions {
  /** The answer to requests not scripted with `script()`: text, or a function of the request. */
  reply?: string | ((request: FakeChatRequest) => string | ChatBehaviour);
  /** Default streaming rate (default Infinity: as fast as the socket takes it). */
  tokensPerSecond?: number;
  /** Default wait before the first token (default 0). */
  firstTokenDelayMs?: number;
  /** Model ids served by `/v1/models`; other names get a 404 (default `['fake-model']`). */
  models?: string[];
  /** `false`: `/v1/models` answers 404, as a server that serves chat but lists nothing (the models still chat). */
  modelList?: false;
  /** CORS headers: `false` sends none and refuses preflights, as Ollama does for unknown origins. */
  cors?: false | { allowOrigin: string };
  /** `false`: CORS headers on every answer, but preflights (OPTIONS) answered 405, as hand-made proxies do. */
  preflight?: false;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /** Speak Ollama's native API about the served models too; `refuse` answers it with a 403. */
  ollama?: FakeOllamaModel | 'refuse';
}

/** What the fake Ollama says about every model it serves. */
export interface FakeOllamaModel {
  /** `/api/ps` `context_length`; omitted as Ollama before it reported one does. */
  contextLength?: number;
  quantization: string;
  parameterSize: string;
  sizeBytes: number;
  sizeVramBytes: number;
  /** How long loading a model takes: inside the first chat request that names it, or in `POST /api/generate` (default 0). */
  loadMs?: number;
  /** Holds one model at a time, as a small machine does: loading one unloads the other. */
  holdsOne?: boolean;
}

export interface FakeOpenAIServer {
  /** API root to use as a base URL, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  /** Server root, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** Chat requests received so far, refused ones included, oldest first (clear with `requests.length = 0`). */
  readonly requests: FakeChatRequest[];
  /** Queues behaviours for the next chat requests, one each, before the default `reply` resumes. */
  script(...behaviours: ChatBehaviour[]): void;
  /** Ends open connections (stalled or hanging ones too) and stops listening. */
  close(): Promise<void>;
}

export async function startFakeOpenAIServer(options: FakeServerOptions = {}): Promise<FakeOpenAIServer> {
  const models = options.models ?? ['fake-model'];
  const queue: ChatBehaviour[] = [];
  const requests: FakeChatRequest[] = [];
  const closing = new AbortController();
  let chunkId = 0;
  /** Models that have had a chat request: Ollama's loaded ones. */
  const loaded = new Set<string>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A client that went away mid-reply, or the server closing, is not a failure of the fake.
      if (closing.signal.aborted || res.destroyed) return;
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`fake server bug: ${String(error)}`);
    });
  });

  function corsHeaders(): Record<string, string> {
    if (options.cors === false) return {};
    return {
      'Access-Control-Allow-Origin': options.cors?.allowOrigin ?? '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Authorization',
      'Access-Control-Max-Age': '600',
    };
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...corsHeaders(), ...extra });
    res.end(JSON.stringify(body));
  }

  function errorBody(message: string, type: string) {
    return { error: { message, type, param: null, code: null } };
  }

  /** Answers 401 and returns false when the server wants a key and the request lacks it. */
  function authorized(req: IncomingMessage, res: ServerResponse): boolean {
    if (options.apiKey === undefined || req.headers.authorization === `Bearer ${options.apiKey}`) return true;
    sendJson(res, 401, errorBody('Incorrect API key provided.', 'invalid_request_error'));
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname.replace(/\/+$/, '');
    if (req.method === 'OPTIONS') {
      if (options.cors === false) res.writeHead(403).end();
      else if (options.preflight === false) res.writeHead(405, { ...corsHeaders(), Allow: 'GET, POST' }).end();
      else res.writeHead(204, corsHeaders()).end();
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      if (!authorized(req, res)) return;
      if (options.modelList === false) {
        res.writeHead(404, { ...corsHeaders(), 'Content-Type': 'text/plain' }).end('404 page not found');
        return;
      }
      sendJson(res, 200, {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
      });
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      await chatCompletion(req, res);
      return;
    }
    if (path === '/v1/chat/completions') {
      sendJson(res, 405, { detail: 'Method Not Allowed' }, { Allow: 'POST' });
      return;
    }
    if (options.ollama && (path === '/api/ps' || path === '/api/show' || path === '/api/generate')) {
      if (options.ollama === 'refuse') {
        res.writeHead(403, { 'Content-Type': 'text/plain', ...corsHeaders() }).end('forbidden');
        return;
      }
      await ollamaRoute(req, res, path, options.ollama);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', ...corsHeaders() });
    res.end('404 page not found');
  }

  /** The model a native-API request names, when the server has it; else answers Ollama's 404 and gives null. */
  async function servedModelAsked(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
    let raw = '';
    for await (const part of req) raw += String(part);
    const asked = (JSON.parse(raw || '{}') as { model?: unknown }).model;
    if (typeof asked === 'string' && models.includes(asked)) return asked;
    sendJson(res, 404, { error: `model '${String(asked)}' not found` });
    return null;
  }

  /** Loads `name` as the fake Ollama does: a wait of `loadMs` unless it is loaded, the other model unloaded first when it holds one. */
  async function load(name: string, model: FakeOllamaModel): Promise<void> {
    if (loaded.has(name)) return;
    if (model.holdsOne) loaded.clear();
    if (model.loadMs) await sleep(model.loadMs);
    loaded.add(name);
  }

  function ollamaDetails(model: FakeOllamaModel) {
    return { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: model.parameterSize, quantization_level: model.quantization };
  }

  async function ollamaRoute(req: IncomingMessage, res: ServerResponse, path: string, model: FakeOllamaModel): Promise<void> {
    if (path === '/api/ps' && req.method === 'GET') {
      sendJson(res, 200, {
        models: [...loaded].map((name) => ({
          name,
          model: name,
          size: model.sizeBytes,
          digest: 'a80c4f17acd5',
          details: ollamaDetails(model),
          expires_at: new Date(Date.now() + 300_000).toISOString(),
          size_vram: model.sizeVramBytes,
          ...(model.contextLength === undefined ? {} : { context_length: model.contextLength }),
        })),
      });
      return;
    }
    if (path === '/api/generate' && req.method === 'POST') {
      // No prompt: Ollama loads the model and answers once it is loaded.
      const asked = await servedModelAsked(req, res);
      if (asked === null) return;
      await load(asked, model);
      sendJson(res, 200, { model: asked, created_at: new Date().toISOString(), response: '', done: true, done_reason: 'load' });
      return;
    }
    if (path === '/api/show' && req.method === 'POST') {
      if ((await servedModelAsked(req, res)) === null) return;
      sendJson(res, 200, {
        parameters: 'stop "<|eot_id|>"',
        template: '{{ .Prompt }}',
        details: ollamaDetails(model),
        model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
        capabilities: ['completion'],
      });
      return;
    }
    res.writeHead(405, corsHeaders()).end();
  }

  async function chatCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const part of req) raw += String(part);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      sendJson(res, 400, errorBody('The request body is not valid JSON.', 'invalid_request_error'));
      return;
    }
    const request: FakeChatRequest = {
      model: String(body.model),
      messages: Array.isArray(body.messages) ? (body.messages as FakeChatMessage[]) : [],
      stream: body.stream === true,
      includeUsage: (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true,
      maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : undefined,
      temperature: typeof body.temperature === 'number' ? body.temperature : undefined,
      body,
      headers: req.headers,
    };
    requests.push(request);
    if (!authorized(req, res)) return;
    if (!models.includes(request.model)) {
      sendJson(res, 404, errorBody(`model "${request.model}" not found, try pulling it first`, 'api_error'));
      return;
    }
    if (typeof options.ollama === 'object') await load(request.model, options.ollama);
    else loaded.add(request.model);
    const behaviour = queue.shift() ?? defaultBehaviour(request);
    // Stop pacing tokens once the client has gone (it aborted) or the server is closing.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    await respond(request, behaviour, res, AbortSignal.any([closing.signal, gone.signal]));
  }

  function defaultBehaviour(request: FakeChatRequest): ChatBehaviour {
    const { reply } = options;
    const answer = typeof reply === 'function' ? reply(request) : (reply ?? 'ok');
    return typeof answer === 'string' ? { kind: 'reply', text: answer } : answer;
  }

  function replyText(behaviour: ChatBehaviour, request: FakeChatRequest): string {
    if ('text' in behaviour && behaviour.text !== undefined) return behaviour.text;
    const fallback = defaultBehaviour(request);
    return fallback.kind === 'reply' && fallback.text !== undefined ? fallback.text : 'ok';
  }

  async function respond(
    request: FakeChatRequest,
    behaviour: ChatBehaviour,
    res: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> {
    if (behaviour.kind === 'hang') return; // closing.signal ends it: close() destroys the socket.
    if (behaviour.kind === 'raw') {
      res.writeHead(behaviour.status ?? 200, { ...corsHeaders(), ...behaviour.headers });
      res.end(behaviour.body ?? '');
      return;
    }
    if (behaviour.kind === 'status') {
      const extra: Record<string, string> = behaviour.retryAfter ? { 'Retry-After': behaviour.retryAfter } : {};
      const message = behaviour.message ?? `fake failure with status ${behaviour.status}`;
      const body = behaviour.body ?? errorBody(message, behaviour.status >= 500 ? 'server_error' : 'invalid_request_error');
      sendJson(res, behaviour.status, body, extra);
      return;
    }
    const reply: ReplyBehaviour = behaviour.kind === 'reply' ? behaviour : { kind: 'reply' };
    const rate = reply.tokensPerSecond ?? options.tokensPerSecond ?? Infinity;
    const firstTokenDelayMs = reply.firstTokenDelayMs ?? options.firstTokenDelayMs ?? 0;
    let tokens = splitIntoTokens(replyText(behaviour, request));
    let finishReason = 'stop';
    if (request.maxTokens !== undefined && tokens.length > request.maxTokens) {
      tokens = tokens.slice(0, request.maxTokens);
      finishReason = 'length';
    }
    const promptTokens = request.messages.reduce((n, m) => n + splitIntoTokens(String(m.content)).length, 0);
    let reasoning = behaviour.kind === 'reply' && behaviour.reasoning ? splitIntoTokens(behaviour.reasoning.text) : [];
    // The cap holds reasoning and text together, reasoning first, as real servers count them.
    if (request.maxTokens !== undefined && reasoning.length + tokens.length > request.maxTokens) {
      reasoning = reasoning.slice(0, request.maxTokens);
      tokens = tokens.slice(0, request.maxTokens - reasoning.length);
      finishReason = 'length';
    }
    const limit = behaviour.kind === 'reply' ? tokens.length : Math.min(behaviour.afterTokens, tokens.length);
    const reasoningField = (behaviour.kind === 'reply' && behaviour.reasoning?.field) || 'reasoning_content';
    const generated = reasoning.length + tokens.length;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: generated,
      total_tokens: promptTokens + generated,
      ...(reasoning.length > 0 ? { completion_tokens_details: { reasoning_tokens: reasoning.length } } : {}),
    };
    const id = `chatcmpl-fake-${++chunkId}`;
    const created = Math.floor(Date.now() / 1000);

    if (!request.stream) {
      await paceTokens(reasoning.length + limit, rate, firstTokenDelayMs, signal, () => {});
      if (behaviour.kind === 'disconnect') {
        res.socket?.destroy();
        return;
      }
      if (behaviour.kind === 'malformed' || behaviour.kind === 'stall') {
        res.writeHead(200, { 'Content-Type': 'application/json', ...corsHeaders() });
        res.write(behaviour.kind === 'malformed' ? (behaviour.line ?? '{"choices": [oops') : '{"id":');
        if (behaviour.kind === 'malformed') res.end();
        return;
      }
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: tokens.join(''), ...(reasoning.length > 0 ? { [reasoningField]: reasoning.join('') } : {}) },
            finish_reason: finishReason,
          },
        ],
        usage,
      });
      return;
    }

    const eol = reply.lineEnding ?? '\n';
    const event = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`;
    const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      ...corsHeaders(),
    });
    res.write(event(chunk({ role: 'assistant', content: '' }, null)));
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    if (reply.keepAliveEveryMs) keepAlive = setInterval(() => res.write(`: keep-alive${eol}${eol}`), reply.keepAliveEveryMs);
    try {
      await paceTokens(reasoning.length + limit, rate, firstTokenDelayMs, signal, (from, to) => {
        clearInterval(keepAlive);
        let batch = '';
        for (let i = from; i < to; i++) {
          const delta = i < reasoning.length ? { [reasoningField]: reasoning[i] } : { content: tokens[i - reasoning.length] };
          batch += event(chunk(delta, null));
        }
        res.write(batch);
      });
    } finally {
      clearInterval(keepAlive);
    }
    switch (behaviour.kind) {
      case 'disconnect':
        // end(), not destroy(): the tokens already written still reach the client, then the
        // connection closes with the chunked body unfinished, as when a server process dies.
        res.socket?.end();
        return;
      case 'malformed':
        res.end(`${behaviour.line ?? 'data: {"choices": [oops'}${eol}${eol}`);
        return;
      case 'stall':
        return; // Silent with the connection open, until the client gives up or close().
      case 'reply':
        break;
      default:
        behaviour satisfies never;
    }
    let tail = event(chunk({}, finishReason));
    if (request.includeUsage && reply.usage !== false) {
      tail += event({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage });
    }
    res.end(tail + event('[DONE]'));
  }

  /**
   * Calls `send(from, to)` for tokens as they fall due: token i at firstTokenDelayMs + i/rate
   * after the start, on absolute times so timer lateness does not accumulate. Tokens that are
   * already due go out together.
   */
  async function paceTokens(
    count: number,
    tokensPerSecond: number,
    firstTokenDelayMs: number,
    signal: AbortSignal,
    send: (from: number, to: number) => void,
  ): Promise<void> {
    const startMs = performance.now();
    const dueMs = (i: number) => startMs + firstTokenDelayMs + (Number.isFinite(tokensPerSecond) ? (i * 1000) / tokensPerSecond : 0);
    let next = 0;
    while (next < count) {
      if (signal.aborted) throw signal.reason;
      const waitMs = dueMs(next) - performance.now();
      if (waitMs > 0) await sleep(waitMs, signal);
      const now = performance.now();
      let to = next + 1;
      while (to < count && dueMs(to) <= now) to++;
      send(next, to);
      next = to;
    }
    if (count === 0 && firstTokenDelayMs > 0) await sleep(firstTokenDelayMs, signal);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    requests,
    script(...behaviours) {
      queue.push(...behaviours);
    },
    async close() {
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
