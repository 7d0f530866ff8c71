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
import { runFeedbackLab } from '../../support/cli-process.ts';
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

  it('explains a context too small once, then names the units that met it, and exits 1 with the way to resume', async () => {
    const tooLong = "This model's maximum context length is 512 tokens. However, your messages resulted in 900 tokens.";
    const server = await startFakeOpenAIServer({ reply: () => ({ kind: 'status', status: 400, message: tooLong }) });
    try {
      const ran = await runFeedbackLab(dir, ['run', '--study', 'study.json', '--endpoint', server.url, '--model', 'fake-model', '--workers', '1', '--out', 'ctx.json']);
      expect(ran.code).toBe(1);
      const errored = ran.stderr.split('\n').filter((line) => /^[^ ]+\/\d+\/[^ ]+ errored: /.test(line));
      expect(errored).toHaveLength(4);
      expect(errored[0]).toMatch(/^\S+ errored: The request is too long for the model's context window .* larger context/);
      const first = errored[0]!.split(' ')[0];
      expect(errored.slice(1)).toEqual(errored.slice(1).map((line) => `${line.split(' ')[0]} errored: the same error as ${first}.`));
      expect(ran.stderr).toMatch(/4 unit\(s\) errored.*feedback-lab run --resume ctx\.json\n$/);
    } finally {
      await server.close();
    }
  });
});
