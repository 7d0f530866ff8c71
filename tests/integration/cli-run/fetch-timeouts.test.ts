/**
 * `run` lifts the 300-s limits Node's fetch puts on a response's headers and body (audit R219-1):
 * Ollama sends no headers until its first token, so a prompt read for longer than 300 s failed as
 * a crashed server whatever --first-token-timeout said. Waiting 300 s is too long for a test, so
 * it sets short limits first, to show that the global fetch obeys the Agent set, then lifts them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFetchTimeouts } from '../../../cli/fetch-timeouts.ts';

const KEY = Symbol.for('undici.globalDispatcher.1');
const slots = globalThis as unknown as Record<symbol, unknown>;

describe("the command line's fetch waits", () => {
  let server: Server;
  let url: string;
  let original: unknown;
  beforeAll(async () => {
    // Headers after 1.5 s, as Ollama sends them with its first token.
    server = createServer((_req, res) => setTimeout(() => res.end('late but fine'), 1500));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await (await fetch('data:,')).arrayBuffer();
    original = slots[KEY];
  });
  afterAll(async () => {
    slots[KEY] = original;
    await new Promise((resolve) => server.close(resolve));
  });

  it("are the Agent's that is set, and wait for a late first byte once lifted", async () => {
    expect(await setFetchTimeouts({ headersTimeout: 400, bodyTimeout: 400 })).toBe(true);
    const cut = await fetch(url).then(
      () => 'answered',
      (error: unknown) => ((error as { cause?: { code?: string } }).cause?.code ?? String(error)),
    );
    expect(cut).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(await setFetchTimeouts()).toBe(true);
    expect(await (await fetch(url)).text()).toBe('late but fine');
  });
});
