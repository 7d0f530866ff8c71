import { describe, expect, it } from 'vitest';
import {
  EndpointContextLengthError,
  EndpointStatusError,
  idleTimeoutError,
  preflightRefusedError,
  redirectedError,
  serverMessage,
  statusError,
  unreachableError,
} from '../../../src/llm/endpoint-errors.ts';
import { isLasting } from '../../../src/core/llm/lasting-error.ts';

const endpoint = 'http://192.168.1.5:11434/v1/chat/completions';

describe('endpoint error messages', () => {
  it('in a browser, explain how to allow the page origin on each local server', () => {
    const error = unreachableError(endpoint, new TypeError('Failed to fetch'), {
      inBrowser: true,
      origin: 'https://lab.example',
    });
    expect(error.message).toContain('OLLAMA_ORIGINS=https://lab.example');
    expect(error.message).toContain('Enable CORS');
    expect(error.message).toContain('--cors-origins https://lab.example');
    expect(error.message).toContain('--allowed-origins');
    expect(error.message).toContain('mixed content');
  });

  it('outside a browser, say the server could not be reached and why, without CORS advice', () => {
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    const error = unreachableError(endpoint, cause, { inBrowser: false });
    expect(error.message).toMatch(/Could not reach .*192\.168\.1\.5:11434 \(ECONNREFUSED\)/);
    expect(error.message).not.toContain('CORS');
  });

  it('says a server that answered earlier requests has stopped answering, without CORS advice (CORS cannot break mid-run)', () => {
    const page = { inBrowser: true, origin: 'http://localhost:4173', secureContext: true };
    const error = unreachableError(endpoint, new TypeError('Failed to fetch'), page, true);
    expect(error.message).toMatch(/^The language-model server at http:\/\/192\.168\.1\.5:11434 stopped answering\. It answered earlier requests/);
    expect(error.message).toContain('Check that it is still running');
    expect(error.message).not.toMatch(/CORS|Enable CORS|--cors-origins|--allowed-origins|local network/);
    // Outside a browser it names the cause, as the first failure does.
    const cause = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(unreachableError(endpoint, cause, { inBrowser: false }, true).message).toMatch(/^The language-model server at \S+ stopped answering \(ECONNREFUSED\)\./);
    // Never answered: the set-up advice stays.
    expect(unreachableError(endpoint, new TypeError('Failed to fetch'), page).message).toContain('OLLAMA_ORIGINS=http://localhost:4173');
  });

  it('points at the API key on 401', () => {
    expect(statusError(401, 'Unauthorized', '', { endpointUrl: endpoint }).message).toMatch(/API key/);
  });

  it('keeps what the server did on a 401 or 403 apart from the app\'s advice, for a caller that advises otherwise', () => {
    const refused = statusError(403, 'Forbidden', '{"error":{"message":"no access"}}', { endpointUrl: endpoint });
    expect(refused).toBeInstanceOf(EndpointStatusError);
    const { fact, message } = refused as EndpointStatusError;
    expect(fact).toBe('The server at http://192.168.1.5:11434 refused the request (403 Forbidden). The server said: "no access".');
    expect(message.startsWith(`${fact} `)).toBe(true);
    expect(message).toContain('OLLAMA_ORIGINS');
    expect((statusError(401, 'Unauthorized', '', { endpointUrl: endpoint }) as EndpointStatusError).fact).toBe(
      'The server at http://192.168.1.5:11434 needs a valid API key (401 Unauthorized).',
    );
  });

  it('names the models the server has when a model is missing', () => {
    const error = statusError(404, 'Not Found', '{"error":{"message":"model \\"x\\" not found"}}', {
      endpointUrl: endpoint,
      model: 'x',
      availableModels: ['llama3.2:3b', 'qwen2.5:1.5b'],
    });
    expect(error.message).toContain('model "x" not found');
    expect(error.message).toContain('"x" is not on this server; it offers: llama3.2:3b, qwen2.5:1.5b');
  });

  it('blames the path when the model exists but the endpoint does not', () => {
    const error = statusError(404, 'Not Found', '', { endpointUrl: endpoint, model: 'm', availableModels: ['m'] });
    expect(error.message).toMatch(/base URL path is probably wrong/);
  });

  it('reads error messages in the OpenAI, Ollama and FastAPI shapes', () => {
    expect(serverMessage('{"error":{"message":"too long"}}')).toBe('too long');
    expect(serverMessage('{"error":"model not found"}')).toBe('model not found');
    expect(serverMessage('{"detail":"Not Found"}')).toBe('Not Found');
    expect(serverMessage('<html>\n<body>Bad Gateway</body></html>')).toBe('Bad Gateway');
  });

  it('quotes a proxy\'s HTML error page by its title, not its markup', () => {
    const cloudflare =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>';
    const error = statusError(502, 'Bad Gateway', cloudflare, { endpointUrl: endpoint, attempts: 4 });
    expect(error.message).toBe(
      'The server at http://192.168.1.5:11434 failed (502 Bad Gateway) after 4 attempts. ' +
        'It answered with an HTML page, as a proxy or web server does, not a model server: "502 Bad Gateway". ' +
        "Check the server's log (it may be out of memory or still loading the model) and run again.",
    );
    // No title: the page's text, without its tags and scripts.
    expect(serverMessage('<!DOCTYPE html><html><head><script>var x = 1;</script></head><body><p>Upstream &amp; proxy down</p></body></html>')).toBe(
      'Upstream & proxy down',
    );
    // Text that only mentions tags is not a page.
    expect(serverMessage('bad value <b>')).toBe('bad value <b>');
  });

  it('blames a redirect, not the prompt, when a redirected request is refused', () => {
    const error = redirectedError(endpoint, 'https://llm.example/api/v1/chat/completions', 405, 'Method Not Allowed', '{"detail":"Method Not Allowed"}');
    expect(error.message).toBe(
      'The server at http://192.168.1.5:11434 redirected the request to https://llm.example/api/v1/chat/completions, which refused it (405 Method Not Allowed). ' +
        'The server said: "Method Not Allowed". A 301 or 302 redirect turns the request into a GET without its body (and a redirect to another host drops the API key), ' +
        'so the request never arrived as sent. Use the address it redirects to as the base URL: https://llm.example/api/v1.',
    );
    expect(error.message).not.toMatch(/context length/);
    expect(isLasting(error)).toBe(true);
  });

  it('words a rate limit by the refusals it met: one 429 is "refused the request", not "kept refusing"', () => {
    const body = '{"error":{"message":"Rate limit reached for requests per min"}}';
    const once = statusError(429, 'Too Many Requests', body, { endpointUrl: endpoint, attempts: 1 }).message;
    expect(once).toBe(
      'The server at http://192.168.1.5:11434 refused the request because of rate limits (429 Too Many Requests). ' +
        'The server said: "Rate limit reached for requests per min". Wait a while, lower the number of parallel requests, or check your plan\'s limits.',
    );
    expect(statusError(429, 'Too Many Requests', body, { endpointUrl: endpoint, attempts: 4 }).message).toMatch(
      /^The server at \S+ refused the request 4 times because of rate limits \(429 Too Many Requests\)\./,
    );
  });

  it('says the wait a server asked for after what it said, under its own status', () => {
    const busy = statusError(503, 'Service Unavailable', '{"error":{"message":"Service Unavailable: model is loading"}}', { endpointUrl: endpoint, retryAfterMs: 120_000 });
    expect(busy.message).toBe(
      'The server at http://192.168.1.5:11434 failed (503 Service Unavailable). The server said: "Service Unavailable: model is loading". ' +
        "It asked to wait 120 s before trying again. Check the server's log (it may be out of memory or still loading the model) and run again.",
    );
    const limited = statusError(429, 'Too Many Requests', '{"error":{"message":"tokens per min (TPM): Limit 10000"}}', { endpointUrl: endpoint, retryAfterMs: 600_000 });
    expect(limited.message).toMatch(/\(429 Too Many Requests\)\. The server said: "tokens per min \(TPM\): Limit 10000"\. It asked to wait 600 s before trying again\. Lower the number/);
  });

  it('names both reasoning and text when a reasoning model stalls', () => {
    expect(idleTimeoutError(30_000, 0, 12).message).toMatch(/^The server stopped sending the reply for 30 s after 12 pieces of reasoning and none of text\./);
    expect(idleTimeoutError(30_000, 1, 12).message).toMatch(/after 12 pieces of reasoning and 1 piece of text\./);
    expect(idleTimeoutError(30_000, 3).message).toMatch(/after 3 pieces of text\./);
  });
});

describe('endpoint error messages: local network', () => {
  it('mentions the local-network permission when a public page calls a machine on the LAN', () => {
    const error = unreachableError('http://192.168.1.5:11434/v1/models', new TypeError('Failed to fetch'), {
      inBrowser: true,
      origin: 'https://lab.example',
    });
    expect(error.message).toMatch(/access devices on your local network/);
    const local = unreachableError('http://localhost:11434/v1/models', new TypeError('Failed to fetch'), {
      inBrowser: true,
      origin: 'http://localhost:5173',
    });
    expect(local.message).not.toMatch(/local network/);
    expect(local.message).not.toMatch(/mixed content/);
  });
});

describe('endpoint error messages: an https page and a plain-http server', () => {
  const page = { inBrowser: true, origin: 'https://lab.example', secureContext: true };
  const failed = new TypeError('Failed to fetch');

  it('says the browser blocks it as mixed content, first and alone, with no CORS advice', () => {
    const { message } = unreachableError('http://gpu-box.example.org:11434/v1/models', failed, page);
    expect(message).toBe(
      'Could not reach the language-model server at http://gpu-box.example.org:11434: this page (https://lab.example) is served over https and the server over plain http, ' +
        'so the browser blocks the request before sending it (mixed content), whatever the server allows. ' +
        'Serve the endpoint over https (for example behind a reverse proxy with a certificate); or open the app from http://localhost on the computer you browse from; ' +
        'or bring the server to this computer through a tunnel (e.g. ssh -L 11434:localhost:11434 gpu-box.example.org) and put http://localhost:11434 in place of http://gpu-box.example.org:11434 in the base URL.',
    );
    expect(unreachableError('http://203.0.113.9/v1/models', failed, page).message).toContain('ssh -L 8080:localhost:80 203.0.113.9');
  });

  it('keeps the CORS advice where mixed content is not certain: this computer, and the local network (Chrome lets it through once its prompt is allowed)', () => {
    expect(unreachableError('http://localhost:11434/v1/models', failed, page).message).toMatch(/^Could not reach .*OLLAMA_ORIGINS=https:\/\/lab\.example/s);
    const lan = unreachableError('http://192.168.1.5:11434/v1/models', failed, page).message;
    expect(lan).toMatch(/^Could not reach the language-model server at http:\/\/192\.168\.1\.5:11434\. Either it is not running/);
    expect(lan).toContain('allow the prompt above; other browsers block it (mixed content)');
  });
});

describe('endpoint error messages: a server that refuses the browser\'s preflight', () => {
  it('says it answers, that chat requests need the preflight, and what the server must answer to it', () => {
    const { message } = preflightRefusedError('http://127.0.0.1:8080/v1/models', true, { inBrowser: true, origin: 'http://localhost:5173' });
    expect(message).toMatch(/^The server at http:\/\/127\.0\.0\.1:8080 answers, but refuses the browser's preflight, so the browser will block every chat request: /);
    expect(message).toContain('chat requests send JSON and the API key, and before each one the browser asks the server with an OPTIONS request whether this page (http://localhost:5173) may send it.');
    expect(message).toContain(
      'answer OPTIONS requests under /v1/ with 204 (or 200) and the headers Access-Control-Allow-Origin: http://localhost:5173, ' +
        'Access-Control-Allow-Methods: GET, POST, OPTIONS and Access-Control-Allow-Headers: Content-Type, Authorization, then test again.',
    );
    expect(preflightRefusedError('http://127.0.0.1:8080/v1/models', false, { inBrowser: true }).message).toContain('chat requests send JSON, and before');
  });
});

describe('endpoint error messages: a page that is not a secure context', () => {
  const insecure = { inBrowser: true, origin: 'http://192.0.2.2:4173', secureContext: false };
  const failed = new TypeError('Failed to fetch');

  it('says the browser blocks it from this computer, instead of advising CORS or a prompt it never shows', () => {
    for (const address of ['http://localhost:11434/v1/models', 'http://127.0.0.2:8080/v1/models', 'http://[::1]:11434/v1/models']) {
      const { message } = unreachableError(address, failed, insecure);
      expect(message).toContain('this page (http://192.0.2.2:4173) is not a secure context');
      expect(message).toContain('blocks its requests to this computer');
      expect(message).toContain('Open the app over https, or run it on the computer you browse from and open it at http://localhost');
      expect(message).not.toMatch(/OLLAMA_ORIGINS|CORS|allow it/);
    }
  });

  it('says the same of the local network, seen from a public address', () => {
    for (const address of ['http://10.0.0.7:11434', 'http://172.20.1.1:8000', 'http://192.168.1.5:11434', 'http://gpu-box.local:11434']) {
      expect(unreachableError(address, failed, insecure).message).toContain('blocks its requests to the local network');
    }
  });

  it('keeps the usual advice where the secure context is not why: a public server, or a LAN page asking its own LAN', () => {
    expect(unreachableError('http://203.0.113.9:11434', failed, insecure).message).toContain('OLLAMA_ORIGINS=http://192.0.2.2:4173');
    const lanPage = { inBrowser: true, origin: 'http://192.168.1.10:4173', secureContext: false };
    const lan = unreachableError('http://192.168.1.5:11434', failed, lanPage).message;
    expect(lan).toContain('OLLAMA_ORIGINS=http://192.168.1.10:4173');
    expect(lan).not.toMatch(/local network, allow it/);
    // …but this computer is still out of its reach.
    expect(unreachableError('http://localhost:11434', failed, lanPage).message).toContain('not a secure context');
    // A secure page (or one that says nothing about it) gets the CORS advice as before.
    expect(unreachableError('http://localhost:11434', failed, { inBrowser: true, origin: 'http://localhost:4173', secureContext: true }).message).toContain('OLLAMA_ORIGINS');
  });
});

describe('which endpoint errors a study or search does not try again', () => {
  it('marks the refusals the same request meets again as lasting, and the ones that may pass as not', () => {
    const at = { endpointUrl: endpoint, model: 'llama3.2:3b' };
    for (const status of [400, 401, 403, 404, 422]) expect(isLasting(statusError(status, '', '', at))).toBe(true);
    // Busy, rate-limited, timed out or broken for now: worth another try after a wait.
    for (const status of [408, 429, 500, 502, 503]) expect(isLasting(statusError(status, '', '', at))).toBe(false);
    // Older llama-server says 500 for a prompt longer than its context: that never fits either.
    expect(isLasting(statusError(500, 'Internal Server Error', '{"error":{"message":"the request exceeds the available context size"}}', at))).toBe(true);
    expect(isLasting(unreachableError(endpoint, new TypeError('fetch failed'), { inBrowser: false }))).toBe(false);
  });
});

describe('Ollama refusing a prompt longer than its context', () => {
  const at = { endpointUrl: 'http://127.0.0.1:11434/v1/chat/completions', model: 'llama3.2:3b' };

  it('names the overflow and quotes llama-server’s own sentence, not the JSON Ollama wrapped it in', () => {
    const refusal = {
      error: { code: 400, message: 'request (5210 tokens) exceeds the available context size (4096 tokens), try increasing it', type: 'exceed_context_size_error', n_prompt_tokens: 5210, n_ctx: 4096 },
    };
    const error = statusError(400, 'Bad Request', JSON.stringify({ error: JSON.stringify(refusal) }), at);
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toContain('The server said: "request (5210 tokens) exceeds the available context size (4096 tokens), try increasing it".');
    expect(error.message).not.toContain('{');
    expect(isLasting(error)).toBe(true);
  });

  it('names the overflow in the words of its own runner too', () => {
    const error = statusError(400, 'Bad Request', JSON.stringify({ error: 'the input length exceeds the context length' }), at);
    expect(error).toBeInstanceOf(EndpointContextLengthError);
    expect(error.message).toMatch(/too long for the model's context window.*OLLAMA_CONTEXT_LENGTH/);
  });
});
