/**
 * Feedback Lab's service worker, built to `sw.js` at the app's root (precache-plugin.ts). Two jobs:
 *
 * 1. Cross-origin isolation where the host cannot send headers (GitHub Pages): every same-origin
 *    response goes back to the page with COOP/COEP/CORP added, so after one reload the page and
 *    its workers are `crossOriginIsolated` and the sandbox can interrupt Python through a
 *    SharedArrayBuffer. The idea is the one of coi-serviceworker; this is our own code.
 * 2. Offline: the app shell is cached when the worker installs, the rest of the build (lazy
 *    pages, workers, Pyodide, shipped benchmark files) when the page asks (`warm`), and any other
 *    same-origin GET as it goes by. Studies and benchmark files also live in IndexedDB.
 *
 * Cross-origin requests (model downloads, upstream datasets, endpoints) are never touched, and
 * no cache but our own two is ever opened or deleted: WebLLM keeps its models in Cache Storage
 * under its own names.
 */
import type { PageMessage, PrecacheEntry, PrecacheManifest, WorkerMessage } from './protocol.ts';

declare const self: ServiceWorkerGlobalScope;

// The build replaces this string with the manifest's JSON (precache-plugin.ts).
const MANIFEST: PrecacheManifest = JSON.parse('__FEEDBACK_LAB_PRECACHE_MANIFEST__') as PrecacheManifest;

/** Entries under a content-hash key, shared by every version: unchanged files survive an update. */
const PRECACHE = 'feedback-lab-precache-v1';
/** Same-origin GETs outside the build: navigations, benchmark files added after the build. */
const RUNTIME = 'feedback-lab-runtime-v1';
const OUR_CACHE_PREFIX = 'feedback-lab-';
/** A navigation falls back to the cached page after this long, for networks that hang. */
const NAVIGATION_TIMEOUT_MS = 5000;
const WARM_CONCURRENCY = 3;
/**
 * Larger same-origin files are not copied into the runtime cache: model weights mirrored on the
 * app's own origin are WebLLM's to cache, and a second copy would double gigabytes.
 */
const RUNTIME_MAX_BYTES = 32 * 2 ** 20;
/**
 * A download of ours that goes this long without an answer or a byte is given up. A browser never
 * gives up on a connection that stays open but silent, and a download shared with later askers
 * (`storing`) then held them all: after a stalled pyodide.asm.wasm every fresh Python worker, and
 * the offline copy, waited on it for as long as the worker lived, though the network was back
 * (audit R183-1). Longer than the page's own watch (30 s, download-stall-watch.ts), which then
 * speaks first and names the file.
 */
const DOWNLOAD_STALL_MS = 45_000;

const entriesByPath = new Map(MANIFEST.entries.map((entry) => [entry.path, entry]));

function urlOf(path: string): string {
  return new URL(path, self.registration.scope).href;
}

/** The cache key of an entry: its URL with the content hash, so a new build never reads old bytes. */
function keyOf(entry: PrecacheEntry): string {
  return `${urlOf(entry.path)}?__rev=${entry.rev}`;
}

async function sha256Prefix(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Gives a download up (through `signal`) once `quiet` has not been called for DOWNLOAD_STALL_MS.
 * core/stall-timer.ts's timer with an AbortController, written out here: sw.js must import nothing.
 */
interface StallWatch {
  signal: AbortSignal;
  /** Something arrived: the wait starts again. */
  quiet(): void;
  /** The download is over, one way or another. */
  done(): void;
}

function stallWatch(): StallWatch {
  const giveUp = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch: StallWatch = {
    signal: giveUp.signal,
    quiet: () => {
      clearTimeout(timer);
      timer = setTimeout(() => giveUp.abort(new Error(`the download stalled: nothing arrived for ${DOWNLOAD_STALL_MS / 1000} s`)), DOWNLOAD_STALL_MS);
    },
    done: () => clearTimeout(timer),
  };
  watch.quiet();
  return watch;
}

/**
 * The bytes of a download under way, for the pages that ask for its file meanwhile: each is
 * answered with a stream of the bytes so far and then the rest as they come, not kept waiting for
 * the stored copy. Kept waiting, a page saw no answer at all, and its own watch
 * (download-stall-watch.ts) gave Python's start up after 30 s as a stalled download while the
 * offline copy was fetching the wasm steadily on a slow link (audit R188-1). The chunks are the
 * ones read for the hash check anyway: sharing them costs no memory.
 */
class SharedBody {
  /** The status and headers, once the response has come. */
  head: ResponseInit | null = null;
  readonly #chunks: Uint8Array<ArrayBuffer>[] = [];
  #end: 'open' | 'ended' | { failure: unknown } = 'open';
  #waiting: (() => void)[] = [];

  begin(response: Response): void {
    this.head = { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) };
    this.#wake();
  }

  push(chunk: Uint8Array<ArrayBuffer>): void {
    this.#chunks.push(chunk);
    this.#wake();
  }

  end(): void {
    if (this.#end === 'open') this.#end = 'ended';
    this.#wake();
  }

  /** The download failed: streams given out fail too. Nothing once it has ended (storing it may fail after). */
  fail(failure: unknown): void {
    if (this.#end === 'open') this.#end = { failure };
    this.#wake();
  }

  /** The head, once it has come; null if the download failed (or ended) without one. */
  async opened(): Promise<ResponseInit | null> {
    while (this.head === null && this.#end === 'open') await this.#next();
    return this.head;
  }

  /** Every byte of the body from the first, as it arrives. */
  replay(): ReadableStream<Uint8Array<ArrayBuffer>> {
    let at = 0;
    return new ReadableStream({
      pull: async (controller) => {
        for (;;) {
          if (at < this.#chunks.length) return controller.enqueue(this.#chunks[at++]!);
          if (this.#end === 'ended') return controller.close();
          if (this.#end !== 'open') return controller.error(this.#end.failure);
          await this.#next();
        }
      },
    });
  }

  #next(): Promise<void> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/** The bytes of a body, read as they arrive so that `watch` sees the download move (and `shared`'s askers get them). */
async function readWatched(response: Response, watch: StallWatch, shared?: SharedBody): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) {
    const whole = new Uint8Array(await response.arrayBuffer());
    shared?.push(whole);
    shared?.end();
    return whole;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  try {
    for (;;) {
      watch.quiet();
      const { done, value } = await reader.read();
      // A read cancelled by the give-up may report `done`: that is no end of the file.
      if (watch.signal.aborted) throw watch.signal.reason;
      if (done) break;
      chunks.push(value);
      shared?.push(value);
      size += value.byteLength;
    }
  } catch (error) {
    shared?.fail(error);
    throw error;
  } finally {
    watch.done();
  }
  shared?.end();
  // Joined here rather than with core/concat-bytes.ts: sw.js must be one file, importing nothing.
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Stores a response for an entry if its bytes are the ones the build hashed (a deploy in progress
 * could serve a newer file under the same name); otherwise leaves it to the network next time.
 * Says whether it stored it.
 */
async function storeVerified(entry: PrecacheEntry, response: Response, watch: StallWatch, shared?: SharedBody): Promise<boolean> {
  const bytes = await readWatched(response, watch, shared);
  if ((await sha256Prefix(bytes)) !== entry.rev) return false;
  const cache = await caches.open(PRECACHE);
  await cache.put(keyOf(entry), new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers }));
  return true;
}

/**
 * Downloads of build files under way (the page's, or the offline copy's), by path: whether each
 * was stored, and its bytes so far. A second request for the same file shares that download
 * instead of starting another: on a slow first visit the Score page's two Python workers and the
 * offline copy each downloaded Pyodide's 20 MB side by side, and the Playground's copy was
 * downloaded twice (audit R180-3).
 */
interface Download {
  stored: Promise<boolean>;
  body: SharedBody;
}

const storing = new Map<string, Download>();

/** Lists `download` as the one of `entry` under way until it settles. */
function share(entry: PrecacheEntry, download: Download): void {
  // Whatever ended it, the askers streaming it hear so (a no-op if its body ended).
  const stored = download.stored.catch((error: unknown) => (download.body.fail(error), false));
  const listed = { stored, body: download.body };
  storing.set(entry.path, listed);
  void stored.then(() => storing.get(entry.path) === listed && storing.delete(entry.path));
}

/**
 * The stored copy of `entry`, else undefined once `start` has begun a download of it, shared with
 * later askers. A page (`stream`) asking while another asker's download is under way is answered
 * with that download's bytes as they come; the offline copy waits for it to be stored. One that
 * failed before answering (a stalled one given up) may have been followed by another asker's,
 * waited for in turn. The check and `start` run with no await between them, so of the askers a
 * failed download leaves, only the first downloads again.
 */
async function storedOrStarted(entry: PrecacheEntry, start: () => Download, stream: boolean): Promise<Response | undefined> {
  for (;;) {
    const cached = await caches.match(keyOf(entry), { cacheName: PRECACHE });
    if (cached) return cached;
    const pending = storing.get(entry.path);
    if (!pending) {
      share(entry, start());
      return undefined;
    }
    if (stream) {
      const head = await pending.body.opened();
      if (head) return new Response(pending.body.replay(), head);
    }
    await pending.stored;
  }
}

async function fetchEntry(entry: PrecacheEntry): Promise<void> {
  let stored: Promise<boolean> | undefined;
  const download = (): Download => {
    // Hashed assets never change; anything else is revalidated so the hash check can pass. Low
    // priority: the page may be loading the same files for itself at this moment.
    const watch = stallWatch();
    const body = new SharedBody();
    stored = fetch(urlOf(entry.path), {
      cache: entry.path.startsWith('assets/') ? 'default' : 'no-cache',
      priority: 'low',
      signal: watch.signal,
    }).then(
      async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        body.begin(response);
        return storeVerified(entry, response, watch, body);
      },
      (error: unknown) => {
        watch.done();
        throw watch.signal.aborted ? watch.signal.reason : error;
      },
    );
    return { stored, body };
  };
  if (await storedOrStarted(entry, download, false)) return;
  if (!(await stored!)) throw new Error('the server has other bytes than this build (a newer deploy?)');
}

/**
 * A file the copy could not store, and whether the browser had no room for it: the page then says
 * to free space, not to wait for the network (a full browser read as "tried again when the
 * network comes back"). Chromium's QuotaExceededError may have an empty message.
 */
function failureOf(path: string, error: unknown): WorkerMessage['failed'][number] {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  const reason = error instanceof Error ? error.message || error.name : String(error);
  return name === 'QuotaExceededError' ? { path, reason, full: true } : { path, reason };
}

/** Caches the entries not cached yet, a few at a time; returns the failures. */
async function precache(entries: readonly PrecacheEntry[]): Promise<{ path: string; reason: string }[]> {
  const cache = await caches.open(PRECACHE);
  const missing: PrecacheEntry[] = [];
  for (const entry of entries) if (!(await cache.match(keyOf(entry)))) missing.push(entry);
  const failed: { path: string; reason: string }[] = [];
  let next = 0;
  const lane = async () => {
    while (next < missing.length) {
      const entry = missing[next++]!;
      try {
        // The list of missing files is made at the start, minutes before a slow network reaches
        // the last of them: the page may have stored one meanwhile.
        if (await cache.match(keyOf(entry))) continue;
        await fetchEntry(entry);
      } catch (error) {
        failed.push(failureOf(entry.path, error));
      }
    }
  };
  await Promise.all(Array.from({ length: WARM_CONCURRENCY }, lane));
  return failed;
}

/** Optional files the host has (shipped benchmark files), into the runtime cache. */
async function cacheOptional(paths: readonly string[]): Promise<string[]> {
  const cache = await caches.open(RUNTIME);
  const cached: string[] = [];
  for (const path of paths) {
    const url = urlOf(path);
    try {
      if (!(await cache.match(url))) {
        const watch = stallWatch();
        const response = await fetch(url, { cache: 'no-cache', signal: watch.signal }).catch((error: unknown) => {
          watch.done();
          throw error;
        });
        if (!response.ok || isPage(response)) {
          watch.done();
          continue;
        }
        await cache.put(url, new Response(await readWatched(response, watch), response));
      }
      cached.push(path);
    } catch {
      // Not shipped with this deploy, or no network: the app loads it from elsewhere.
    }
  }
  return cached;
}

async function warm(): Promise<WorkerMessage> {
  const failed = await precache(MANIFEST.entries);
  const optionalCached = await cacheOptional(MANIFEST.optional);
  return {
    type: 'warmed',
    version: MANIFEST.version,
    cached: MANIFEST.entries.length - failed.length,
    total: MANIFEST.entries.length,
    failed,
    optionalCached,
  };
}

/** The report when the cache itself could not be used (storage refused or full): nothing saved. */
function warmFailed(error: unknown): WorkerMessage {
  return {
    type: 'warmed',
    version: MANIFEST.version,
    cached: 0,
    total: MANIFEST.entries.length,
    failed: [failureOf('the offline cache', error)],
    optionalCached: [],
  };
}

/** Where the precache lists the builds whose files it keeps (not a file of any build). */
function buildsKey(): string {
  return urlOf('__feedback-lab-precache-builds.json');
}

interface KeptBuild {
  version: string;
  keys: string[];
}

/**
 * Deletes our caches of older formats and precache keys no kept build uses. The build before this
 * one is kept: a tab opened before the update still runs its code, and asks for its lazy pages and
 * workers by their old names, which the host no longer has.
 */
async function prune(): Promise<void> {
  for (const name of await caches.keys()) {
    if (name.startsWith(OUR_CACHE_PREFIX) && name !== PRECACHE && name !== RUNTIME) await caches.delete(name);
  }
  const cache = await caches.open(PRECACHE);
  const listed = await cache.match(buildsKey());
  const earlier = listed ? ((await listed.json().catch(() => [])) as KeptBuild[]) : [];
  const previous = earlier.find((build) => build.version !== MANIFEST.version);
  const kept: KeptBuild[] = [{ version: MANIFEST.version, keys: MANIFEST.entries.map(keyOf) }, ...(previous ? [previous] : [])];
  const wanted = new Set([buildsKey(), ...kept.flatMap((build) => build.keys)]);
  for (const request of await cache.keys()) if (!wanted.has(request.url)) await cache.delete(request);
  await cache.put(buildsKey(), new Response(JSON.stringify(kept), { headers: { 'Content-Type': 'application/json' } }));
}

/** A file of the previous build (kept by `prune`), for a tab that still runs it: its hashed names never change meaning. */
async function previousBuildFile(url: URL): Promise<Response | undefined> {
  if (url.search !== '') return undefined;
  const cache = await caches.open(PRECACHE);
  return cache.match(url.href, { ignoreSearch: true });
}

// Statuses whose responses must not have a body (the Response constructor throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The same response with the headers that make the page (and its workers) cross-origin isolated. */
function withIsolationHeaders(response: Response): Response {
  // Opaque responses and network errors cannot be rebuilt; they pass as they are.
  if (response.status === 0) return response;
  // From a host that sends the headers already: hand out the response itself, which keeps the
  // browser's compiled-code cache for it (a rebuilt response would compile Pyodide afresh).
  if (
    response.headers.get('Cross-Origin-Embedder-Policy') === 'require-corp' &&
    response.headers.get('Cross-Origin-Opener-Policy') === 'same-origin' &&
    response.headers.has('Cross-Origin-Resource-Policy')
  ) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  const body = NULL_BODY_STATUSES.has(response.status) ? null : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

/** The URL without query or fragment: how navigations and runtime entries are stored. */
function bareUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Network first, so a new deploy shows at once; the cached page when the network fails, or hangs
 * while a cached page is there to fall back on.
 */
async function navigate(request: Request, url: URL): Promise<Response> {
  const runtime = await caches.open(RUNTIME);
  // Revalidated, never taken from the HTTP cache as it stands: hosts give index.html a max-age
  // (GitHub Pages: 10 minutes), so the first visit after a deploy got the old page, which the new
  // worker then told at once that a new version was out. A 304 costs one round trip.
  const network = fetch(request, { cache: 'no-cache' }).then(async (response) => {
    // A full cache costs the offline copy of this page, never the page itself.
    if (response.ok && response.type === 'basic') await runtime.put(bareUrl(url), response.clone()).catch(() => undefined);
    return response;
  });
  // When the cached page is answered, a late network failure is expected, not an error.
  network.catch(() => undefined);
  const cached = (await runtime.match(bareUrl(url))) ?? (await shellPage(url));
  if (!cached) return network;
  try {
    return await withTimeout(network, NAVIGATION_TIMEOUT_MS);
  } catch {
    return cached;
  }
}

/** index.html from the precache, for the app's root or index.html itself. */
async function shellPage(url: URL): Promise<Response | undefined> {
  const path = url.pathname.slice(new URL(self.registration.scope).pathname.length);
  if (path !== '' && path !== 'index.html') return undefined;
  const entry = entriesByPath.get('index.html');
  return entry ? caches.match(keyOf(entry), { cacheName: PRECACHE }) : undefined;
}

/**
 * Build files: from the cache, else from the network, streamed to the page (Pyodide compiles its
 * wasm while it downloads) while a copy is checked and stored behind it.
 */
async function buildFile(entry: PrecacheEntry, request: Request, event: FetchEvent): Promise<Response> {
  let answer: Promise<Response> | undefined;
  const download = (): Download => {
    // Given up when it stalls, for the page too: later askers share this download (`storing`).
    // Not when this page gives its request up (`request.signal`, aborted with the page's fetch by
    // browsers that follow the spec; Chromium does not): the pages streaming this download and the
    // offline copy still want the file, and cut for them all it failed the other workers' starts.
    const watch = stallWatch();
    const body = new SharedBody();
    answer = fetch(request, { signal: watch.signal });
    // Cloned before the page reads a byte (this reaction is registered first), stored behind it.
    const stored = answer.then(
      (response) => {
        if (response.ok && response.type === 'basic') {
          body.begin(response);
          return storeVerified(entry, response.clone(), watch, body);
        }
        watch.done();
        body.fail(new Error(`HTTP ${response.status}`));
        return false;
      },
      (error: unknown) => {
        watch.done();
        throw error;
      },
    );
    event.waitUntil(stored.catch(() => undefined));
    return { stored, body };
  };
  return (await storedOrStarted(entry, download, true)) ?? answer!;
}

/**
 * An HTML page where a data file was asked for: a host that answers a missing path with the app's
 * index.html (a single-page fallback) says 200 for it. The app's readers refuse it, but kept, it
 * was served offline in place of the file for good.
 */
function isPage(response: Response): boolean {
  return (response.headers.get('Content-Type') ?? '').toLowerCase().startsWith('text/html');
}

function worthKeeping(response: Response): boolean {
  const length = Number(response.headers.get('Content-Length') ?? 0);
  return response.ok && response.type === 'basic' && length <= RUNTIME_MAX_BYTES && !isPage(response);
}

/**
 * Anything else of ours: the network, remembered for when it is gone. The copy is stored behind
 * the response, so the page sees the download progress as it happens.
 */
async function otherFile(event: FetchEvent, url: URL): Promise<Response> {
  const { request } = event;
  const runtime = await caches.open(RUNTIME);
  try {
    const response = await fetch(request);
    if (worthKeeping(response)) event.waitUntil(runtime.put(bareUrl(url), response.clone()).catch(() => undefined));
    return response;
  } catch (error) {
    const cached = await runtime.match(bareUrl(url));
    if (cached) return cached;
    throw error;
  }
}

/** The build's entry for a URL of this scope, if it is one of the build's files. */
function entryOf(url: URL): PrecacheEntry | undefined {
  const path = url.pathname.slice(new URL(self.registration.scope).pathname.length);
  return url.search === '' ? entriesByPath.get(path) : undefined;
}

function respond(event: FetchEvent, url: URL): Promise<Response> {
  const { request } = event;
  if (request.mode === 'navigate') return navigate(request, url);
  const entry = entryOf(url);
  if (entry) return buildFile(entry, request, event);
  return previousBuildFile(url).then((previous) => previous ?? otherFile(event, url));
}

/**
 * A HEAD for a build file: the headers of the copy a GET would be given, when there is one. The
 * page asks how pyodide.asm.wasm is served before Python starts (browser-sandbox.ts); offline the
 * network cannot answer that, and the cached copy is what Pyodide will get anyway.
 */
async function headOfBuildFile(entry: PrecacheEntry, request: Request): Promise<Response> {
  const cached = await caches.match(keyOf(entry), { cacheName: PRECACHE });
  if (!cached) return fetch(request);
  return new Response(null, { status: cached.status, statusText: cached.statusText, headers: cached.headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const failed = await precache(MANIFEST.entries.filter((entry) => entry.shell));
      // Without the shell this worker could not serve the app offline: stay with the old one.
      if (failed.length > 0) throw new Error(`App shell not cached: ${failed.map((f) => `${f.path} (${f.reason})`).join(', ')}`);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(prune().then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' && request.method !== 'HEAD') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.href.startsWith(self.registration.scope)) return;
  if (request.method === 'HEAD') {
    const entry = entryOf(url);
    if (entry) event.respondWith(headOfBuildFile(entry, request).then(withIsolationHeaders));
    return;
  }
  // DevTools can issue these; fetch() would throw on them (https://crbug.com/823392).
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  // Partial content is for media, which this app has none of; let the browser handle it.
  if (request.headers.has('range')) return;
  event.respondWith(respond(event, url).then(withIsolationHeaders));
});

self.addEventListener('message', (event) => {
  const message = event.data as PageMessage;
  if (message?.type !== 'warm') return;
  // The page sends a port to answer on; without one, answer the page itself.
  const reply = event.ports[0] ?? event.source;
  // Always answer: a page that hears nothing says "Saving a copy…" for as long as it is open.
  event.waitUntil(
    warm()
      .catch((error: unknown): WorkerMessage => warmFailed(error))
      .then((report) => reply?.postMessage(report)),
  );
});
