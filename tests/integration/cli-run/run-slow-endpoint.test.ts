/**
 * `feedback-lab run` against an endpoint that answers slowly, on real HTTP servers on 127.0.0.1.
 * The limits (15 s for the model list, 120 s for a reply's first text) are shortened here, so
 * what a user meets after minutes is seen in a second: a model list that does not come stops
 * the command with the reason, and a reply that does not start is tried again with a note that
 * says so and names the option that gives a slow server longer.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEndpoint } from '../../../cli/run/bind-models.ts';
import { InputError } from '../../../cli/usage-error.ts';
import { runFeedbackLab } from '../../support/cli-process.ts';
import { SCRIPTED_MODEL, startScriptedServer } from '../../support/scripted-study.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-slow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A server whose model list comes after `delayMs` (the connection is accepted at once); `onRequest` hears each request come. */
async function slowModelList(delayMs: number, onRequest = () => {}): Promise<{ url: string; answered: () => boolean; close: () => Promise<void> }> {
  let answered = false;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((_request, response) => {
    onRequest();
    const timer = setTimeout(() => {
      answered = true;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    answered: () => answered,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const MODELS = { 'llama3.2:3b': { engine: 'openai' as const, id: 'fake-model', baseUrl: '' } };

describe('feedback-lab run against a slow endpoint', () => {
  it('stops, before any Python starts, when the model list does not come within the limit, and says why', async () => {
    const server = await slowModelList(5_000);
    try {
      const checking = checkEndpoint(server.url, undefined, MODELS, null, 300);
      await expect(checking).rejects.toBeInstanceOf(InputError);
      await expect(checking).rejects.toThrow(/accepted the connection but sent no model list within 0\.3 s/);
      // It gave up waiting: it did not sit until the server's answer came.
      expect(server.answered()).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('waits for a model list that is slow but within the limit', async () => {
    const server = await slowModelList(200);
    try {
      await expect(checkEndpoint(server.url, undefined, MODELS, null, 3_000)).resolves.toBeNull();
    } finally {
      await server.close();
    }
  });

  it('on Ctrl+C while waiting for the model list, says the study did not start and nothing was written, and exits 130', async () => {
    writeFileSync(join(dir, 'waiting.json'), JSON.stringify({ name: 'waiting', benchmark: 'humaneval', selection: { kind: 'first', n: 1 }, arms: ['llama-solo'] }));
    let child: ChildProcess | null = null;
    const server = await slowModelList(60_000, () => child?.kill('SIGINT'));
    try {
      const ran = await runFeedbackLab(dir, ['run', '--study', 'waiting.json', '--endpoint', server.url, '--model', 'fake-model', '--out', 'waiting-result.json'], (c) => {
        child = c;
      });
      expect(ran.code, ran.stderr).toBe(130);
      expect(ran.stderr).toMatch(/Interrupted before the study started: nothing was written\.\n$/);
      expect(existsSync(join(dir, 'waiting-result.json'))).toBe(false);
      expect(readdirSync(dir).filter((name) => name.startsWith('waiting-result'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('tries a reply that does not start within --first-token-timeout again, says so with the option to raise, and finishes', async () => {
    const server = await startScriptedServer({ tokensPerSecond: 5000 });
    // The first request's text would come only after 4 s; the command waits half a second.
    server.script({ kind: 'reply', firstTokenDelayMs: 4_000 });
    writeFileSync(
      join(dir, 'one.json'),
      JSON.stringify({ name: 'one unit', benchmark: 'humaneval', selection: { kind: 'ids', ids: ['HumanEval/0'] }, arms: ['llama-solo'], repeats: 1, mode: 'study' }),
    );
    try {
      const ran = await runFeedbackLab(dir, [
        'run', '--study', 'one.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL,
        '--workers', '1', '--first-token-timeout', '0.5', '--out', 'one-result.json',
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toMatch(
        /llama-solo\/\S+: The server sent no text within 0\.5 s .* If the server is only slow, give it longer with --first-token-timeout S \(it was 0\.5 s\)\. Trying the unit again in 2s \(the unit's attempt 2 of 3\)\./,
      );
      expect(ran.stdout.trim()).toBe('llama-solo: 1/1 passed');
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('tries a reply that never starts again when the time cap is shorter than --first-token-timeout, rather than counting a failed problem', async () => {
    const server = await startScriptedServer({ tokensPerSecond: 5000 });
    // Response headers and an empty first chunk, then silence: a server that took the request and is stuck.
    server.script({ kind: 'stall', afterTokens: 0 });
    const limits = { timeoutMs: 10_000, problemTimeCapMs: 1_000, maxOutputChars: 100_000, slowTaskFloors: true };
    writeFileSync(
      join(dir, 'capped.json'),
      JSON.stringify({ name: 'capped', benchmark: 'humaneval', selection: { kind: 'ids', ids: ['HumanEval/0'] }, arms: ['llama-solo'], repeats: 1, mode: 'study', limits }),
    );
    try {
      const ran = await runFeedbackLab(dir, [
        'run', '--study', 'capped.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL,
        '--workers', '1', '--first-token-timeout', '2', '--out', 'capped-result.json',
      ]);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toMatch(/llama-solo\/\S+: The server sent no text within 2 s .* Trying the unit again in 2s \(the unit's attempt 2 of 3\)\./);
      // Not "0/1 passed" with the cap's stop reason: the second request was answered.
      expect(ran.stdout.trim()).toBe('llama-solo: 1/1 passed');
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
