/**
 * Whatever reads the command's stderr may go away while it runs: `run … 2>&1 | tee log` ended by
 * the same Ctrl+C that stops the run, `score … 2>&1 | head`, a terminal closed under a disowned
 * run. Progress lines are advice: writing one into a closed pipe crashed the process (exit 1), and
 * the run's last write never happened, so its result file lost every unit since the last
 * checkpoint, and `score` deleted what it had scored (audit R209-1).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { runFeedbackLab } from '../../support/cli-process.ts';
import { loadTestProblems } from '../../support/datasets.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-stderr-gone-'));
  writeFileSync(
    join(dir, 'two.json'),
    JSON.stringify({ name: 'gone', benchmark: 'humaneval', selection: { kind: 'ids', ids: ['HumanEval/0', 'HumanEval/1'] }, arms: ['llama-solo'], repeats: 1, mode: 'study' }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a command whose stderr reader goes away', () => {
  it('run: Ctrl+C after the pipe closed still writes the units done and exits 130', async () => {
    // The first unit gets its reply at once; the second never does, so the study is mid-way.
    let chats = 0;
    const server = await startFakeOpenAIServer({ reply: () => (++chats === 1 ? 'def f():\n    return 0\n' : { kind: 'hang' }) });
    try {
      const run = await runFeedbackLab(dir, ['run', '--study', 'two.json', '--endpoint', server.url, '--model', 'fake-model', '--workers', '1', '--requests', '2', '--out', 'gone.json'], (child) => {
        let seen = '';
        child.stderr?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (/^1\/2 done/m.test(seen) && !child.stderr!.destroyed) {
            // As `| tee` killed by the same Ctrl+C: nothing reads stderr any more.
            child.stderr!.destroy();
            setTimeout(() => child.kill('SIGINT'), 200);
          }
        });
      });
      expect(run.code).toBe(130);
      const doc = await importResultFile(new Uint8Array(readFileSync(join(dir, 'gone.json'))));
      expect(doc.units.filter((unit) => unit.status === 'finished').map((unit) => unit.problemId)).toEqual(['HumanEval/0']);
    } finally {
      await server.close();
    }
  });

  it('score: a reader that stops after the first line leaves the results written, and the exit says how scoring went', async () => {
    const problems = (await loadTestProblems('humaneval')).slice(0, 6);
    writeFileSync(join(dir, 'six.jsonl'), problems.map((p) => `${JSON.stringify({ task_id: p.id, completion: p.canonicalSolution })}\n`).join(''));
    const run = await runFeedbackLab(dir, ['score', '--benchmark', 'humaneval', '--workers', '1', 'six.jsonl'], (child) => {
      child.stderr?.once('data', () => child.stderr!.destroy());
    });
    expect(run.code).toBe(0);
    const results = join(dir, 'six.jsonl_results.jsonl');
    expect(existsSync(results)).toBe(true);
    expect(readFileSync(results, 'utf8').trimEnd().split('\n')).toHaveLength(6);
  });
});
