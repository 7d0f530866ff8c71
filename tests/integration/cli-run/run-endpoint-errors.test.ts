/**
 * `feedback-lab run` against endpoints that refuse, in a real process against real HTTP servers
 * on 127.0.0.1: each refusal is said once, in words that name the fix on the command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ELSEWHERE_PATTERN, runFeedbackLab } from '../../support/cli-process.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';
import { SCRIPTED_PROBLEM_IDS, scriptedStudyFile } from '../../support/scripted-study.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-refused-'));
  // Two arms × two problems: four units, few enough to stay under the stop for an endpoint that keeps failing.
  writeFileSync(join(dir, 'study.json'), JSON.stringify({ ...scriptedStudyFile(1), selection: { kind: 'ids', ids: SCRIPTED_PROBLEM_IDS.slice(0, 2) } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feedback-lab run against an endpoint that refuses', () => {
  it('says a key is needed and how to give one, and that a key given was refused, before any Python starts', async () => {
    const server = await startFakeOpenAIServer({ apiKey: 'the-right-key' });
    try {
      const noKey = await runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', server.url, '--model', 'fake-model']);
      expect(noKey.code).toBe(1);
      // The command line's own hint, and only it: the app's advice (a key field) does not apply here.
      expect(noKey.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          /^feedback-lab run: The server at \S+ needs a valid API key \(401 Unauthorized\)\. The server said: "Incorrect API key provided\."\. No key was sent: put it in an environment variable and name that with --api-key-env VAR \(e\.g\. --api-key-env OPENAI_API_KEY\)\.$/,
        ),
      ]);

      // The child's environment is copied from this process's when it is spawned.
      process.env.FEEDBACK_LAB_TEST_KEY = 'not-it';
      const running = runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', server.url, '--model', 'fake-model', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY']);
      delete process.env.FEEDBACK_LAB_TEST_KEY;
      const wrongKey = await running;
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toMatch(/\(401 Unauthorized\)\. The server said: "Incorrect API key provided\."\. The key sent was the value of FEEDBACK_LAB_TEST_KEY: check that it is the key for this server\.\n$/);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('answers a 403 with the command line\'s hint only, not the page origin a browser would send', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(403, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'This key may not list models.' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const noKey = await runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', url, '--model', 'fake-model']);
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toMatch(
        /^feedback-lab run: The server at \S+ refused the request \(403 Forbidden\)\. The server said: "This key may not list models\."\. No key was sent, and the server may want one: .*--api-key-env VAR .*\n$/,
      );
      expect(noKey.stderr).not.toMatch(/origin|OLLAMA_ORIGINS|this page/);

      process.env.FEEDBACK_LAB_TEST_KEY = 'limited';
      const running = runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', url, '--model', 'fake-model', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY']);
      delete process.env.FEEDBACK_LAB_TEST_KEY;
      const withKey = await running;
      expect(withKey.code).toBe(1);
      expect(withKey.stderr).toMatch(/\(403 Forbidden\)\. The server said: "This key may not list models\."\. The key sent was the value of FEEDBACK_LAB_TEST_KEY: check that it is the key for this server and that it may use these models\.\n$/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers a key refused mid-run (after the model list took it) with the command line\'s advice only, after what happened', async () => {
    // The key works for the model list and the first reply, then is refused: revoked, or a quota spent.
    let chats = 0;
    const server = await startFakeOpenAIServer({
      reply: () => (++chats <= 1 ? 'def f():\n    return 0\n' : { kind: 'status', status: 401, message: 'This key has been revoked.' }),
    });
    // Two repeats: eight units, past the five errored in a row that stop a run. One unit at a time:
    // with several in flight, the answered unit could finish after three refused ones and reset the
    // count, so the run ran out of units before five in a row (seen once in CI).
    writeFileSync(join(dir, 'study-8.json'), JSON.stringify({ ...scriptedStudyFile(2), selection: { kind: 'ids', ids: SCRIPTED_PROBLEM_IDS.slice(0, 2) } }));
    try {
      process.env.FEEDBACK_LAB_TEST_KEY = 'revoked-later';
      const running = runFeedbackLab(dir, [
        'run', '--study', 'study-8.json', '--endpoint', server.url, '--model', 'fake-model',
        '--workers', '1', '--requests', '1', '--concurrency', '1', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY', '--out', 'revoked.json',
      ]);
      delete process.env.FEEDBACK_LAB_TEST_KEY;
      const ran = await running;
      expect(ran.code, ran.stderr).toBe(3);
      const errored = ran.stderr.split('\n').filter((line) => / errored: /.test(line));
      expect(errored.length).toBeGreaterThan(0);
      expect(errored[0]).toMatch(
        /^\S+ errored: The server at \S+ needs a valid API key \(401 Unauthorized\)\. The server said: "This key has been revoked\."\. The key sent was the value of FEEDBACK_LAB_TEST_KEY: check that it is the key for this server\.$/,
      );
      // Not the app's advice (a key field, local servers) anywhere, in front of the hint or after it.
      expect(ran.stderr).not.toMatch(/Check the API key|local servers such as Ollama|origin/);
      // The run stops, and its last line says why in the same terms, not "check the server".
      expect(ran.stderr).toMatch(
        new RegExp(String.raw`keeps failing; it refuses the key \(401\): the key sent was the value of FEEDBACK_LAB_TEST_KEY: check that it is the key for this server, then continue with: ${CLI_ELSEWHERE_PATTERN} run --resume revoked\.json --endpoint http:\/\/127\.0\.0\.1:\d+\/v1 --api-key-env FEEDBACK_LAB_TEST_KEY(?: --workers 1)? --concurrency 1\n$`),
      );
      // A refusal is not tried again: one request per unit.
      expect(server.requests.length).toBeLessThanOrEqual(8);
    } finally {
      await server.close();
    }
  });

  it('blames the server, not the key, for a run stopped by failures after a unit got its reply since the key was refused', async () => {
    // One unit at a time, one request each (the solo arm): refused, answered, then refused for another cause until the run stops.
    let chats = 0;
    const server = await startFakeOpenAIServer({
      reply: () => {
        chats++;
        if (chats === 1) return { kind: 'status', status: 401, message: 'This key has been revoked.' };
        if (chats === 2) return 'def f():\n    return 0\n';
        return { kind: 'status', status: 400, message: 'The server cannot take this request now.' };
      },
    });
    writeFileSync(join(dir, 'study-solo.json'), JSON.stringify({ ...scriptedStudyFile(1), arms: ['llama-solo'] }));
    try {
      process.env.FEEDBACK_LAB_TEST_KEY = 'refused-once';
      const running = runFeedbackLab(dir, [
        'run', '--study', 'study-solo.json', '--endpoint', server.url, '--model', 'fake-model',
        '--workers', '1', '--requests', '1', '--concurrency', '1', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY', '--out', 'refused-once.json',
      ]);
      delete process.env.FEEDBACK_LAB_TEST_KEY;
      const ran = await running;
      expect(ran.code, ran.stderr).toBe(3);
      expect(ran.stderr).toMatch(new RegExp(String.raw`keeps failing; check the server, then continue with: ${CLI_ELSEWHERE_PATTERN} run --resume refused-once\.json --endpoint http:\/\/127\.0\.0\.1:\d+\/v1 --api-key-env FEEDBACK_LAB_TEST_KEY(?: --workers 1)? --concurrency 1\n$`));
    } finally {
      await server.close();
    }
  });

  it('explains a context too small once, then names the units that met it, and exits 3 with the way to resume', async () => {
    const tooLong = "This model's maximum context length is 512 tokens. However, your messages resulted in 900 tokens.";
    const server = await startFakeOpenAIServer({ reply: () => ({ kind: 'status', status: 400, message: tooLong }) });
    try {
      const ran = await runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', server.url, '--model', 'fake-model', '--workers', '1', '--out', 'ctx.json']);
      expect(ran.code).toBe(3);
      const errored = ran.stderr.split('\n').filter((line) => /^[^ ]+\/\d+\/[^ ]+ errored: /.test(line));
      expect(errored).toHaveLength(4);
      expect(errored[0]).toMatch(/^\S+ errored: The request is too long for the model's context window .* larger context/);
      const first = errored[0]!.split(' ')[0];
      expect(errored.slice(1)).toEqual(errored.slice(1).map((line) => `${line.split(' ')[0]} errored: the same error as ${first}.`));
      expect(ran.stderr).toMatch(/4 unit\(s\) errored.*bin\/feedback-lab\.mjs run --resume ctx\.json(?: --workers 1)?\n$/);
    } finally {
      await server.close();
    }
  });

  it('sends a key only to an endpoint named on the command line, not to one a study file names (audit R215-1)', async () => {
    const server = await startFakeOpenAIServer({ apiKey: 'the-right-key' });
    try {
      // Someone else's draft: it names a server, and the user runs it with their key.
      writeFileSync(join(dir, 'theirs.json'), JSON.stringify({ ...scriptedStudyFile(1), selection: { kind: 'ids', ids: SCRIPTED_PROBLEM_IDS.slice(0, 1) }, endpoint: server.url }));
      const withKey = (args: string[]) => {
        process.env.FEEDBACK_LAB_TEST_KEY = 'the-right-key';
        const running = runFeedbackLab(dir, args);
        delete process.env.FEEDBACK_LAB_TEST_KEY;
        return running;
      };
      const refused = await withKey(['run', '--study', 'theirs.json', '--model', 'fake-model', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY', '--out', 'theirs-run.json']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        `theirs.json names the endpoint ${server.url}, and a key from --api-key-env is sent only to an endpoint named on the command line: if that server is yours, add --endpoint ${server.url}.`,
      );
      expect(server.requests).toHaveLength(0);
      // Named by the user, it gets the key.
      const sent = await withKey(['run', '--study', 'theirs.json', '--endpoint', server.url, '--model', 'fake-model', '--api-key-env', 'FEEDBACK_LAB_TEST_KEY', '--out', 'theirs-run.json']);
      expect(sent.code, sent.stderr).toBe(0);
      expect(server.requests[0]?.headers.authorization).toBe('Bearer the-right-key');
    } finally {
      await server.close();
    }
  });
});
