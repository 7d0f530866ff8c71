/**
 * Plain-language errors for an OpenAI-compatible endpoint. Each message says what happened and
 * what to do next, because the person reading it is usually setting up a local server for the
 * first time. Facts about each server's CORS switches, checked against their docs:
 * - Ollama rejects origins not listed in the OLLAMA_ORIGINS environment variable.
 * - LM Studio sends no CORS headers unless "Enable CORS" is on (or `lms server start --cors`).
 * - llama.cpp's llama-server allows every origin by default; builds with `--cors-origins`
 *   (ggml-org/llama.cpp#25655) restrict it to localhost when server tools or MCP are enabled.
 * - vLLM allows every origin unless started with `--allowed-origins`.
 */
import type { LastingMark } from '../core/llm/lasting-error.ts';

const EXCERPT_CHARS = 160;
/** How much of an HTML error page is read for its title or text: proxies' pages are a few kB. */
const HTML_PAGE_READ_CHARS = 32 * 1024;

/** A short, single-line excerpt of what a server sent, for an error message. */
export function excerpt(text: string, maxChars: number = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}

/**
 * What a proxy's HTML error page says, or null when the body is not an HTML page: its `<title>`,
 * else its text without tags. nginx and Cloudflare answer a dead upstream with such a page, and
 * its markup quoted whole would bury the one line that matters.
 */
export function htmlPageText(body: string): string | null {
  if (!/^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(body)) return null;
  // Only the page's start is read: the title and first words are there, and the patterns below
  // take time growing with the square of what they read when tags are left open. The endpoint is
  // whatever a study link names, so its page is anyone's: 1.2 MB of `<script` froze the tab for
  // two minutes per response. A `<` alone ends a tag too, so a stray one cannot reach to the end.
  const page = body.slice(0, HTML_PAGE_READ_CHARS);
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1];
  const text = (title?.trim() ? title : page.replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^<>]*>/g, ' '))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  return excerpt(text);
}

/** " The server said: "…"." for an error body, or an empty string for an empty body. */
function serverSaid(body: string): string {
  if (!body.trim()) return '';
  const page = htmlPageText(body);
  if (page !== null) return ` It answered with an HTML page, as a proxy or web server does, not a model server${page ? `: "${page}"` : ''}.`;
  return ` The server said: "${serverMessage(body)}".`;
}

/** The message a server put in an error body (OpenAI, Ollama and FastAPI shapes), else an excerpt. */
export function serverMessage(body: string, depth = 0): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object') {
      const { error, message, detail } = parsed as Record<string, unknown>;
      // Ollama passes on llama-server's refusal as a JSON document inside its own `error` string.
      if (typeof error === 'string') return error.trimStart().startsWith('{') && depth < 2 ? serverMessage(error, depth + 1) : excerpt(error, 400);
      if (error && typeof error === 'object') {
        const inner = (error as Record<string, unknown>).message;
        if (typeof inner === 'string') return excerpt(inner, 400);
      }
      if (typeof message === 'string') return excerpt(message, 400);
      if (typeof detail === 'string') return excerpt(detail, 400);
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return htmlPageText(body) ?? excerpt(body);
}

export interface PageInfo {
  /** True when running in a browser page or worker, where CORS applies. */
  inBrowser: boolean;
  /** The page's origin, e.g. `https://example.org`, when known. */
  origin?: string;
  /** `isSecureContext`: false for a page on plain http other than localhost; undefined when not known. */
  secureContext?: boolean;
}

export function currentPage(): PageInfo {
  const inBrowser = 'document' in globalThis || 'WorkerGlobalScope' in globalThis;
  const { location, isSecureContext } = globalThis as { location?: { origin?: string }; isSecureContext?: boolean };
  const page: PageInfo = { inBrowser };
  if (location?.origin) page.origin = location.origin;
  if (typeof isSecureContext === 'boolean') page.secureContext = isSecureContext;
  return page;
}

function isLoopback(url: URL): boolean {
  return /^127\./.test(url.hostname) || url.hostname === '[::1]' || url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
}

/** RFC 1918 and link-local IPv4 addresses, and `.local` names: the machine's own network. */
function isPrivateAddress(url: URL): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(url.hostname) || url.hostname.endsWith('.local');
}

/** Nothing answered at the endpoint's address (or the browser hid the answer): kept as a class so a caller can say "once it answers again". */
export class EndpointUnreachableError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'EndpointUnreachableError';
  }
}

/**
 * fetch itself failed (a TypeError): nothing answered, or, in a browser, the answer was hidden
 * because the server did not allow this page's origin. Browsers do not say which.
 * `answeredBefore`: the same server answered earlier requests, so its address and CORS were
 * right; advice on setting them up would send a reader whose server crashed astray.
 */
export function unreachableError(endpointUrl: string, cause: unknown, page: PageInfo = currentPage(), answeredBefore = false): Error {
  const url = new URL(endpointUrl);
  if (answeredBefore) {
    const detail = page.inBrowser ? '' : describeNodeCause(cause);
    return new EndpointUnreachableError(
      `The language-model server at ${url.origin} stopped answering${detail ? ` (${detail})` : ''}. ` +
        'It answered earlier requests, so its address was right; now nothing answers there. ' +
        'Check that it is still running (it may have crashed, run out of memory or been stopped); ' +
        `if it was restarted, start it with the settings it had${page.inBrowser ? ' (for Ollama, the same OLLAMA_ORIGINS)' : ''}.`,
      cause,
    );
  }
  if (!page.inBrowser) {
    const detail = describeNodeCause(cause);
    return new EndpointUnreachableError(
      `Could not reach the language-model server at ${url.origin}${detail ? ` (${detail})` : ''}. ` +
        'Check that the server is running and that the base URL, host and port are right.',
      cause,
    );
  }
  const blocked = insecurePageBlock(url, page) ?? mixedContentBlock(url, page);
  if (blocked) return new EndpointUnreachableError(blocked, cause);
  const origin = page.origin ?? 'this page’s origin';
  const lines = [
    `Could not reach the language-model server at ${url.origin}. Either it is not running (check the ` +
      'base URL and port), or the browser blocked the reply because the server does not allow ' +
      `requests from ${origin} (CORS). To allow them:`,
    `• Ollama: set the environment variable OLLAMA_ORIGINS=${origin} and restart Ollama.`,
    '• LM Studio: turn on "Enable CORS" in the local server settings (or run `lms server start --cors`).',
    `• llama.cpp (llama-server): every origin is allowed by default; if it was started with server tools or --cors-origins, add --cors-origins ${origin}.`,
    `• vLLM: every origin is allowed by default; if it was started with --allowed-origins, include ${origin} in that list.`,
  ];
  const pageUrl = page.origin ? new URL(page.origin) : undefined;
  // Browsers ask that question of secure pages only.
  if (pageUrl && page.secureContext !== false && !isLoopback(pageUrl) && (isLoopback(url) || isPrivateAddress(url))) {
    lines.push('• If the browser asked whether this site may access devices on your local network, allow it.');
  }
  // Only a local-network address is left here (mixedContentBlock took the others): Chromium lets
  // that through once the local-network prompt is allowed, other browsers do not.
  if (page.origin?.startsWith('https:') && url.protocol === 'http:' && !isLoopback(url)) {
    lines.push(
      '• This page is served over https and the server over plain http on another machine: Chrome allows that for a ' +
        'local-network address once you allow the prompt above; other browsers block it (mixed content). Serve the endpoint over https, or reach it through localhost.',
    );
  }
  return new EndpointUnreachableError(lines.join('\n'), cause);
}

/**
 * Why an https page cannot reach this plain-http endpoint, or null when that is not certain.
 * Browsers block such requests before sending them (mixed content), except to this computer
 * (localhost, 127.x, [::1] are trustworthy) and, in Chromium once its local-network permission is
 * granted, to a private IP address or a `.local` name. Anywhere else no CORS setting helps, so
 * CORS advice would send the reader astray.
 */
function mixedContentBlock(url: URL, page: PageInfo): string | null {
  if (!page.origin?.startsWith('https:') || url.protocol !== 'http:' || isLoopback(url) || isPrivateAddress(url)) return null;
  // A port below 1024 needs root on this computer: such a server comes through on 8080 instead.
  const remotePort = url.port || '80';
  const localPort = Number(remotePort) < 1024 ? '8080' : remotePort;
  return (
    `Could not reach the language-model server at ${url.origin}: this page (${page.origin}) is served over https and the server over plain http, ` +
    'so the browser blocks the request before sending it (mixed content), whatever the server allows. ' +
    'Serve the endpoint over https (for example behind a reverse proxy with a certificate); or open the app from http://localhost on the computer you browse from; ' +
    `or bring the server to this computer through a tunnel (e.g. ssh -L ${localPort}:localhost:${remotePort} ${url.hostname}) and put http://localhost:${localPort} in place of ${url.origin} in the base URL.`
  );
}

/**
 * The server answers this page's plain requests but refuses the browser's preflight. Every chat
 * request sends JSON (and the key, when there is one), so the browser first asks the server with
 * an OPTIONS request whether this page may send it, and blocks the request unless the answer is
 * a 2xx that allows it. Ollama, llama-server, LM Studio and vLLM answer preflights whenever they
 * allow the page at all; a proxy or server written by hand often answers OPTIONS with 405.
 */
export function preflightRefusedError(endpointUrl: string, withKey: boolean, page: PageInfo = currentPage(), cause?: unknown): Error {
  const url = new URL(endpointUrl);
  const who = page.origin ? `this page (${page.origin})` : 'this page';
  const apiPath = url.pathname.replace(/[^/]*$/, '');
  return new EndpointUnreachableError(
    `The server at ${url.origin} answers, but refuses the browser's preflight, so the browser will block every chat request: ` +
      `chat requests send JSON${withKey ? ' and the API key' : ''}, and before each one the browser asks the server with an OPTIONS request ` +
      `whether ${who} may send it. The server did not allow it (Ollama, llama-server, LM Studio and vLLM do when they allow the page at all, ` +
      'so the refusal usually comes from a proxy in front of the server). ' +
      `Make the server or proxy answer OPTIONS requests under ${apiPath} with 204 (or 200) and the headers Access-Control-Allow-Origin: ${page.origin ?? '*'}, ` +
      'Access-Control-Allow-Methods: GET, POST, OPTIONS and Access-Control-Allow-Headers: Content-Type, Authorization, then test again.',
    cause,
  );
}

/**
 * Why a page that is not a secure context cannot reach this endpoint, or null when that is not
 * why. Chromium refuses, before sending anything, a request from such a page to an address more
 * private than its own ("The request client is not a secure context and the resource is in
 * more-private address space `loopback`"): this computer from any other address, the local
 * network from a public one. No server setting (CORS, OLLAMA_ORIGINS) changes that, and no
 * local-network prompt is shown to such a page, so that advice would send the reader astray.
 */
function insecurePageBlock(url: URL, page: PageInfo): string | null {
  if (page.secureContext !== false) return null;
  const toLoopback = isLoopback(url);
  if (!toLoopback && !isPrivateAddress(url)) return null;
  const pageUrl = page.origin && URL.canParse(page.origin) ? new URL(page.origin) : undefined;
  // A page on the local network asking the local network stays in its own address space.
  if (!toLoopback && pageUrl && isPrivateAddress(pageUrl)) return null;
  const where = toLoopback ? 'this computer' : 'the local network';
  const who = page.origin ? `this page (${page.origin})` : 'this page';
  return (
    `Could not reach the language-model server at ${url.origin}: ${who} is not a secure context (it is plain http, not https or localhost), ` +
    `so the browser blocks its requests to ${where}, whatever the server allows. ` +
    'Open the app over https, or run it on the computer you browse from and open it at http://localhost, then try again.'
  );
}

function describeNodeCause(cause: unknown): string {
  const inner = cause instanceof Error ? (cause.cause ?? cause) : cause;
  if (inner && typeof inner === 'object') {
    const { code, message } = inner as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return '';
}

export interface StatusErrorContext {
  endpointUrl: string;
  model?: string;
  /** Model ids the server lists, when they could be fetched cheaply (for 404s). */
  availableModels?: string[];
  /** How many times the request was sent, when more than once. */
  attempts?: number;
  /** The wait the server asked for (Retry-After), when the request gives up rather than wait that long. */
  retryAfterMs?: number;
}

/** An HTTP error status from the server, kept so a caller can tell what sending the same request again would meet. */
export class EndpointStatusError extends Error implements LastingMark {
  readonly status: number;
  /**
   * What happened, without the app's advice on what to do: the command line words its own
   * (a key comes from --api-key-env there, and no page has an origin Ollama could refuse).
   */
  readonly fact: string;
  constructor(status: number, message: string, fact: string = message) {
    super(message);
    this.name = 'EndpointStatusError';
    this.status = status;
    this.fact = fact;
  }

  /** A 4xx other than a timeout (408) or a rate limit (429): the server refuses this request as such. */
  get lasting(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/**
 * The prompt (with the room asked for the reply) does not fit the model's context. Servers say
 * so in their own words and with their own status: vLLM and OpenAI 400 "maximum context length
 * is 4096 tokens", llama-server 400 `exceed_context_size_error` (older builds 500 "the request
 * exceeds the available context size"), LM Studio 400 "…context length of only 4096 tokens…".
 */
export class EndpointContextLengthError extends EndpointStatusError {
  constructor(status: number, message: string) {
    super(status, message);
    this.name = 'EndpointContextLengthError';
  }

  /** Whatever the status (older llama-server says 500): the same prompt never fits this server. */
  override get lasting(): boolean {
    return true;
  }
}

const CONTEXT_LENGTH =
  /context[ _-]?(length|window|size)|maximum context|exceeds? the available context|exceed_context_size|context_length_exceeded|prompt is too long|input is too large/i;

/** Whether a server's error text says the request does not fit the model's context. */
export function isContextLengthMessage(text: string): boolean {
  return CONTEXT_LENGTH.test(text);
}

/** What to change so the request fits, server by server. */
const CONTEXT_FIXES =
  'Shorten the prompt, or lower the reply\'s maximum tokens (they count toward the context too), or give the model a larger context: ' +
  'Ollama: OLLAMA_CONTEXT_LENGTH or the num_ctx parameter; llama.cpp (llama-server): --ctx-size; vLLM: --max-model-len; ' +
  'LM Studio: the model\'s context length when loading it.';

/** The server answered with an HTTP error status. */
export function statusError(status: number, statusText: string, body: string, context: StatusErrorContext): Error {
  // 429 bodies speak of "tokens per minute", a rate, not the context.
  if (status !== 429 && isContextLengthMessage(body)) {
    const said = serverSaid(body);
    const label = `${status}${statusText ? ` ${statusText}` : ''}`;
    return new EndpointContextLengthError(
      status,
      `The request is too long for the model's context window at ${new URL(context.endpointUrl).origin} (${label}).${said} ${CONTEXT_FIXES}`,
    );
  }
  const keyRefusal = keyRefusalMessage(status, statusText, body, context);
  if (keyRefusal) return new EndpointStatusError(status, `${keyRefusal.fact} ${keyRefusal.advice}`, keyRefusal.fact);
  return new EndpointStatusError(status, statusMessage(status, statusText, body, context));
}

/** A 401 or 403: what the server said, and the app's advice apart, for callers that advise otherwise. */
function keyRefusalMessage(status: number, statusText: string, body: string, context: StatusErrorContext): { fact: string; advice: string } | null {
  const said = serverSaid(body);
  const where = new URL(context.endpointUrl).origin;
  const label = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 401) {
    return {
      fact: `The server at ${where} needs a valid API key (${label}).${said}`,
      advice: 'Check the API key; local servers such as Ollama and llama.cpp need none unless they were started with one.',
    };
  }
  if (status === 403) {
    return {
      fact: `The server at ${where} refused the request (${label}).${said}`,
      advice: "Check the API key and its permissions for this model. Ollama also answers 403 when this page's origin is not in OLLAMA_ORIGINS.",
    };
  }
  return null;
}

function statusMessage(status: number, statusText: string, body: string, context: StatusErrorContext): string {
  const asked = context.retryAfterMs === undefined ? '' : ` It asked to wait ${formatSeconds(context.retryAfterMs)} before trying again.`;
  const said = `${serverSaid(body)}${asked}`;
  const where = new URL(context.endpointUrl).origin;
  const attempts = context.attempts ?? 1;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const label = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 404) {
    const models = context.availableModels;
    let hint = ' Check the base URL (the server root or its /v1 path, e.g. http://localhost:11434/v1) and the model name.';
    if (models && models.length > 0) {
      const listed = models.slice(0, 20).join(', ') + (models.length > 20 ? ', …' : '');
      hint =
        context.model && !models.includes(context.model)
          ? ` The model "${context.model}" is not on this server; it offers: ${listed}.`
          : ` The server offers ${listed}, so the base URL path is probably wrong: use the server root or its /v1 path.`;
    }
    return `The server at ${where} has no such endpoint or model (${label}).${said}${hint}`;
  }
  if (status === 429) {
    // Counted as met: a 429 without Retry-After is not sent again at once, and one refusal is not "kept refusing".
    const refused = attempts > 1 ? `refused the request ${attempts} times` : 'refused the request';
    const advice = asked ? "Lower the number of parallel requests, or check your plan's limits." : "Wait a while, lower the number of parallel requests, or check your plan's limits.";
    return `The server at ${where} ${refused} because of rate limits (${label}).${said} ${advice}`;
  }
  if (status >= 500) {
    return `The server at ${where} failed (${label})${tries}.${said} Check the server's log (it may be out of memory or still loading the model) and run again.`;
  }
  return `The server at ${where} rejected the request (${label}).${said} The request may exceed the model's context length or use an option this server does not support.`;
}

/**
 * A request that was redirected and then refused. fetch follows a 301 or 302 by sending a GET
 * without the body (as browsers always have), and drops the API key on a redirect to another
 * host, so the server at the new address refuses a request that was never the one sent: the
 * fix is the base URL, not the prompt. A 307 or 308 keeps the request and works.
 */
export function redirectedError(endpointUrl: string, finalUrl: string, status: number, statusText: string, body: string): Error {
  const label = `${status}${statusText ? ` ${statusText}` : ''}`;
  const base = finalUrl.replace(/\/chat\/completions\/?(\?.*)?$/, '');
  const useInstead = base !== finalUrl ? base : new URL(finalUrl).origin;
  return new EndpointStatusError(
    status,
    `The server at ${new URL(endpointUrl).origin} redirected the request to ${finalUrl}, which refused it (${label}).${serverSaid(body)} ` +
      'A 301 or 302 redirect turns the request into a GET without its body (and a redirect to another host drops the API key), ' +
      `so the request never arrived as sent. Use the address it redirects to as the base URL: ${useInstead}.`,
  );
}

/**
 * The endpoint redirects, and following the redirect failed before any answer: to a URL that is
 * not http(s), a host that does not resolve, a port with nothing on it, or (in a browser) a place
 * that does not allow this page. `target` is '' when the browser keeps it hidden.
 */
export function unfollowedRedirectError(endpointUrl: string, target: string, cause: unknown): Error {
  const detail = describeNodeCause(cause);
  const where = target ? ` to ${excerpt(target, 200)}` : ' elsewhere';
  return new Error(
    `The server at ${new URL(endpointUrl).origin} redirected the request${where}, and the redirect could not be followed${target && detail ? ` (${detail})` : ''}. ` +
      'A chat request has to reach the model server itself: use the address of the server as the base URL, or fix the redirect in the proxy that sends it.',
    { cause },
  );
}

/**
 * A 200 that holds no reply: a stream of only `[DONE]` or of chunks without choices, or a JSON
 * reply with `choices: []`, and no finish reason to say the model chose to stop. Proxies do this
 * when the model server behind them failed; it is not an empty answer.
 */
export function emptyReplyError(endpointUrl: string): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} answered with no text and no reason for stopping (no finish_reason), ` +
      'which is not a reply: the model server, or a proxy in front of it, may have failed. Check its log and run again.',
  );
}

/** A reply (or one streamed chunk) that is not the JSON the chat-completions API defines. */
export function malformedReplyError(raw: string, endpointUrl: string): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} sent something that isn't OpenAI-compatible JSON: "${excerpt(raw)}". ` +
      'Check that the base URL points at an OpenAI-compatible API (for Ollama, http://localhost:11434/v1), not at a web page or another API.',
  );
}

/** A stream line that never ends (sse.ts): a broken server or proxy, not a slow model. */
export function overlongLineError(endpointUrl: string, what: string): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} sent ${what}, which no chat reply holds: the server, or a proxy in front of it, is broken. Check its log.`,
  );
}

/**
 * A reply that went on far past the `max_tokens` the request asked for (reply-size.ts): the server,
 * or a proxy that drops the field, does not honour it. Sending it again would bring the same.
 */
export function overlongReplyError(endpointUrl: string, maxTokens: number, limit: string): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} sent ${limit} for one reply, though the request asked it to stop after ${maxTokens} tokens, ` +
      'so the reply was stopped there and is not scored. The server, or a proxy in front of it, ignores max_tokens: ' +
      'check its settings (a limit on new tokens per request) and that a proxy passes the field on.',
  );
}

/** A model list past MODEL_LIST_BYTE_LIMIT: no server's list is that long. */
export function oversizedModelListError(endpointUrl: string, limitBytes: number): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} sent more than ${Math.round(limitBytes / 1024 / 1024)} MB for its list of models, which no list of models needs. ` +
      'Check that the base URL points at an OpenAI-compatible API (for Ollama, http://localhost:11434/v1), and that no proxy in front of it is broken.',
  );
}

/** The server reported an error inside an otherwise well-formed reply or stream. */
export function replyError(message: string, endpointUrl: string): Error {
  if (isContextLengthMessage(message)) {
    // Said inside a stream, after a 200: llama-server does this when it finds out while streaming.
    return new EndpointContextLengthError(
      200,
      `The request is too long for the model's context window at ${new URL(endpointUrl).origin}: "${excerpt(message, 400)}". ${CONTEXT_FIXES}`,
    );
  }
  return new Error(
    `The server at ${new URL(endpointUrl).origin} reported an error while generating: "${excerpt(message, 400)}". Check the server's log and run again.`,
  );
}

export function firstTokenTimeoutError(timeoutMs: number, streaming: boolean): Error {
  const what = streaming ? 'sent no text' : 'did not finish its reply';
  return new Error(
    `The server ${what} within ${formatSeconds(timeoutMs)} of the request, which is as long as this app waits. It may be loading the model ` +
      '(a first request to Ollama loads it into memory), overloaded, or stuck: check in its log that the request arrived and that it answers other requests, then run again.',
  );
}

/** The model list did not come: something accepted the connection and said nothing. */
export function modelListTimeoutError(timeoutMs: number, endpointUrl: string): Error {
  return new Error(
    `The server at ${new URL(endpointUrl).origin} accepted the connection but sent no model list within ${formatSeconds(timeoutMs)}. ` +
      'It may be stuck or still starting, or the port belongs to a program that is not an OpenAI-compatible server: ' +
      'check the port (Ollama 11434, llama-server 8080, LM Studio 1234, vLLM 8000) and the server\'s log, then test again.',
  );
}

/** `reasoningPieces`: deltas of reasoning sent apart from the reply (`reasoning_content`) before it stalled. */
export function idleTimeoutError(timeoutMs: number, deltas: number, reasoningPieces = 0): Error {
  const pieces = (n: number) => `${n} piece${n === 1 ? '' : 's'}`;
  const sent =
    reasoningPieces > 0
      ? `${pieces(reasoningPieces)} of reasoning and ${deltas > 0 ? pieces(deltas) : 'none'} of text`
      : `${pieces(deltas)} of text`;
  return new Error(
    `The server stopped sending the reply for ${formatSeconds(timeoutMs)} after ${sent}. ` +
      'It may have stalled or crashed: check its log and run again.',
  );
}

export function disconnectedError(deltas: number, cause?: unknown): Error {
  const when = deltas > 0 ? `in the middle of the reply, after ${deltas} piece${deltas === 1 ? '' : 's'} of text` : 'before the reply finished';
  return new Error(
    `The connection to the server closed ${when}. The server may have crashed or run out of memory; check its log and run again.`,
    cause === undefined ? undefined : { cause },
  );
}

export function unsendableApiKeyError(): Error {
  return new Error(
    'The API key contains characters that cannot be sent in an HTTP header (only printable ASCII can). ' +
      'Paste it again, without surrounding quotes, spaces or line breaks.',
  );
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
