/**
 * Vite plugin (dev and preview servers, Node): answers `.gz` files as the bytes they are.
 *
 * Both servers serve files through sirv, which answers any `foo.x.gz` with
 * `Content-Encoding: gzip` and the type of `foo.x` (none at all for `.jsonl`). The browser then
 * inflates `datasets/HumanEval.jsonl.gz` behind the app's back, and the app records the hash of
 * the inflated text instead of the published file's (docs/deploy.md, "What the host must do").
 * Here they go out as `application/gzip` with no encoding, as scripts/serve.mjs sends them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

const GZIP_TYPE = 'application/gzip';

type WriteHead = (statusCode: number, ...rest: unknown[]) => ServerResponse;

/** A copy of `headers` without an encoding and, for a file that is sent, with the gzip type. */
function asBytes(headers: Record<string, unknown>, sent: boolean): Record<string, unknown> {
  const kept = Object.entries(headers).filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'content-encoding' && !(sent && lower === 'content-type');
  });
  return { ...Object.fromEntries(kept), ...(sent ? { 'Content-Type': GZIP_TYPE } : {}) };
}

function sendGzipAsBytes(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (!pathname.endsWith('.gz')) return next();
  const writeHead = res.writeHead.bind(res) as WriteHead;
  // sirv hands its headers to writeHead; Vite's compression middleware (preview) copies them onto
  // the response first and calls writeHead with the status alone. Either way they pass here.
  const rewritten: WriteHead = (statusCode, ...rest) => {
    const sent = statusCode >= 200 && statusCode < 300;
    res.removeHeader('Content-Encoding');
    if (sent) res.setHeader('Content-Type', GZIP_TYPE);
    const args = rest.map((arg) => (arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? asBytes(arg as Record<string, unknown>, sent) : arg));
    return writeHead(statusCode, ...args);
  };
  res.writeHead = rewritten as ServerResponse['writeHead'];
  next();
}

export function gzipAsBytes(): Plugin {
  return {
    name: 'feedback-lab:gzip-as-bytes',
    // Added before Vite's own middlewares, so before sirv (and before the base is stripped).
    configureServer(server) {
      server.middlewares.use(sendGzipAsBytes);
    },
    configurePreviewServer(server) {
      server.middlewares.use(sendGzipAsBytes);
    },
  };
}
