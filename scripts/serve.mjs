#!/usr/bin/env node
// Serves the built app (dist/) the way a static host should: cross-origin isolation headers
// (the sandbox can then interrupt Python through a SharedArrayBuffer), exact MIME types and
// real 404s (a page answered in place of a missing model file gets cached by WebLLM as config).
//
// Usage: node scripts/serve.mjs [--root dist] [--host 127.0.0.1] [--port 4173]   (--port 0 picks a free port)
//                               [--base /feedback-lab/]   serve the app under a sub-path, as GitHub Pages does
//                                                         (default: the sub-path the build was made for, BASE_PATH)
//                               [--no-isolation]          leave out COOP/COEP/CORP, like a host that cannot send
//                                                         headers (the app's service worker then adds them)
import { createServer } from 'node:http';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

const USAGE = 'Usage: node scripts/serve.mjs [--root dist] [--host 127.0.0.1] [--port 4173] [--base /feedback-lab/] [--no-isolation]';

/** A command line it cannot act on: one sentence and the usage, not a stack trace. */
function usageError(message) {
  console.error(`serve: ${message}\n${USAGE}\n(under npm start, options go after --: npm start -- --port 0)`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      root: { type: 'string', default: join(repoRoot, 'dist') },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env.PORT ?? '4173' },
      base: { type: 'string' },
      'no-isolation': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  usageError(error.message);
}
if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
  usageError(`the port must be a whole number from 0 to 65535 (0 picks a free one), not "${values.port}".`);
}

const asBase = (path) => `/${path.replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');

const root = resolve(values.root);
if (!existsSync(join(root, 'index.html'))) {
  console.error(`serve: ${root} has no index.html. Build the app first: npm run build`);
  process.exit(1);
}

/**
 * The sub-path the build in root was made for (BASE_PATH), read from the entry script index.html
 * loads; null when it names none (a relative base, or not this app's index.html). A build served
 * under another path loads none of its scripts, and the page then blames the browser.
 */
function builtBase() {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const entry = /<script\b[^>]*\bsrc="(\/[^"]*?)assets\/[^"]*"/.exec(html);
  return entry ? asBase(entry[1]) : null;
}

const built = builtBase();
const base = values.base === undefined ? (built ?? '/') : asBase(values.base);
if (built !== null && built !== base) {
  console.error(`serve: ${root} was built to be served at ${built} (BASE_PATH), so its pages would not load at ${base}. Leave --base out, or build again with BASE_PATH=${base}.`);
  process.exit(1);
}

// .gz files are data the app decompresses itself, so they go out as application/gzip bytes and
// never with Content-Encoding (a browser would inflate them behind the app's back).
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const ISOLATION_HEADERS = values['no-isolation']
  ? { 'X-Content-Type-Options': 'nosniff' }
  : {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
    };

/** Maps a request path to a file under root, or null when it would leave root or names nothing. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  let file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

function notFound(res) {
  res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Not found\n');
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...ISOLATION_HEADERS, Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const { pathname, search } = new URL(req.url ?? '/', 'http://localhost');
  if (`${pathname}/` === base) {
    res.writeHead(301, { ...ISOLATION_HEADERS, Location: `${base}${search}` });
    res.end();
    return;
  }
  if (!pathname.startsWith(base)) return notFound(res);
  const file = fileFor(`/${pathname.slice(base.length)}`);
  if (!file) return notFound(res);
  const { size, mtimeMs } = statSync(file);
  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Hashed build assets never change; everything else is revalidated so a rebuild shows at once.
  const cacheControl = pathname.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  // A validator, as static hosts send one: without it every revalidation downloaded the whole file
  // again. On a first visit the page fetches Python (20 MB) before the service worker is in
  // control, and the offline copy then fetched all of it a second time (audit R183-3).
  const etag = `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
  const validators = { ETag: etag, 'Cache-Control': cacheControl };
  const wanted = (req.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
  if (wanted.includes(etag) || wanted.includes('*')) {
    res.writeHead(304, { ...ISOLATION_HEADERS, ...validators });
    return res.end();
  }
  res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Content-Length': size, ...validators });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
});

server.on('error', (error) => {
  // Under `npm start`, npm keeps a bare --port for itself: say how to get it through.
  const inUse = `port ${values.port} is in use. Pick another: node scripts/serve.mjs --port N, or npm start -- --port N, or PORT=N npm start (0 picks a free port)`;
  console.error(`serve: ${error.code === 'EADDRINUSE' ? inUse : error.message}`);
  process.exit(1);
});

server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  for (const line of startupLines(values.host, port)) console.log(line);
  console.log('Press Ctrl+C to stop.');
});

/**
 * What to open. `--host 0.0.0.0` listens on every address, but http://0.0.0.0 is no address to
 * open; and from another machine the page is plain http on a LAN address, which browsers do not
 * count as a secure context: no WebGPU, no service worker, no cross-origin isolation. Say both.
 */
function startupLines(host, port) {
  const at = (name) => `http://${name.includes(':') ? `[${name}]` : name}:${port}${base}`;
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const loopback = host === 'localhost' || /^127\./.test(host) || host === '::1';
  if (loopback) return [`Feedback Lab is running at ${at(host)}`];
  const lan = wildcard ? lanAddresses(host === '0.0.0.0' ? 'IPv4' : null) : [host];
  const lines = [];
  if (wildcard) lines.push(`Feedback Lab is running at ${at('127.0.0.1')} (open this one on this machine)`);
  else lines.push(`Feedback Lab is listening only on ${host}, not on this machine's localhost.`);
  if (lan.length === 0) {
    lines.push('No other network address was found for other machines to open.');
    return lines;
  }
  lines.push(`From other machines on the network: ${lan.map(at).join('  ')}`);
  lines.push(
    '  These are plain http, which browsers do not treat as secure there: no in-browser models (WebGPU),',
    '  no offline copy, and Python timeouts restart the worker. Studies and searches still run on an',
    '  OpenAI-compatible endpoint, but not one on the browsing computer\'s own localhost: browsers keep a',
    '  page that is not secure from reaching it. For everything on other machines, serve over https',
    '  (docs/deploy.md).',
  );
  return lines;
}

/** This machine's non-loopback addresses (IPv4 only for 0.0.0.0), link-local IPv6 left out. */
function lanAddresses(family) {
  const found = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal || (family && entry.family !== family)) continue;
      if (entry.family === 'IPv6' && entry.address.toLowerCase().startsWith('fe80')) continue;
      found.push(entry.address);
    }
  }
  return found;
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
