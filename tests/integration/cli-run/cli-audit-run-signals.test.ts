/**
 * `feedback-lab run` in a real process: a terminal that closes (SIGHUP, an SSH connection
 * dropped) stops the study as Ctrl+C does, keeping the units done since the last checkpoint;
 * and a server that listed its models and then drops the first chat request (crashed loading
 * the model) is said to have stopped answering, not to be at a wrong address.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { CLI_ELSEWHERE_PATTERN, runFeedbackLab } from '../../support/cli-process.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-cli-audit-run-'));
  const study = (ids: string[]) => JSON.stringify({ name: 'audit', benchmark: 'humaneval', selection: { kind: 'ids', ids }, arms: ['llama-solo'], repeats: 1, mode: 'study' });
  writeFileSync(join(dir, 'two.json'), study(['HumanEval/0', 'HumanEval/1']));
  writeFileSync(join(dir, 'one.json'), study(['HumanEval/0']));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('feedback-lab run, audit', () => {
  it('on SIGHUP writes the units done so far and exits 129, as Ctrl+C does', async () => {
    // The first unit gets its reply at once; the second never does, so the study is mid-way when the terminal closes.
    let chats = 0;
    const server = await startFakeOpenAIServer({ reply: () => (++chats === 1 ? 'def f():\n    return 0\n' : { kind: 'hang' }) });
    try {
      const run = await runFeedbackLab(dir, ['run', '--study', 'two.json', '--endpoint', server.url, '--model', 'fake-model', '--workers', '1', '--requests', '2', '--out', 'hup.json'], (child) => {
        let sent = false;
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // Well inside the 30 s between checkpoints: only the stop's own write can keep the unit.
          if (!sent && /^1\/2 done/m.test(stderr)) {
            sent = true;
            child.kill('SIGHUP');
          }
        });
      });
      expect(run.code, run.stderr).toBe(129);
      expect(run.stderr).toMatch(new RegExp(String.raw`continue with: ${CLI_ELSEWHERE_PATTERN} run --resume hup\.json`));
      const doc = await importResultFile(new Uint8Array(readFileSync(join(dir, 'hup.json'))));
      expect(doc.units.filter((unit) => unit.status === 'finished').map((unit) => unit.problemId)).toEqual(['HumanEval/0']);
    } finally {
      await server.close();
    }
  });

  it('says a server that listed its models and then drops the chat request stopped answering, without sending the user to check its address', async () => {
    const server = createServer((request, response) => {
      if (request.url?.endsWith('/models')) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
        return;
      }
      // Crashed while loading the model: the connection closes with no answer.
      request.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const run = await runFeedbackLab(dir, ['run', '--study', 'one.json', '--endpoint', url, '--model', 'fake-model', '--workers', '1', '--out', 'dropped.json']);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(/llama-solo\/0\/HumanEval\/0 errored: The language-model server at http:\/\/127\.0\.0\.1:\d+ stopped answering .*It answered earlier requests, so its address was right/);
      expect(run.stderr).not.toMatch(/base URL, host and port are right/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
