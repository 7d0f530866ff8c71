/**
 * `feedback-lab run` without --out names its file after the study and the day. Running the same
 * study file again that day (another go at a noisy arm, say) must write a file of its own, not
 * replace the first run's results. `--resume` of a file with nothing left to run leaves it alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultFileName } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { datasetsDir } from '../../support/datasets.ts';
import type { FakeOpenAIServer } from '../../support/fake-openai-server.ts';
import { SCRIPTED_MODEL, SCRIPTED_PROBLEM_IDS, startScriptedServer } from '../../support/scripted-study.ts';

const BIN = join(fileURLToPath(new URL('../../..', import.meta.url)), 'bin', 'feedback-lab.mjs');
const STUDY_NAME = 'Two runs one day';

function feedbackLab(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, DATASETS_DIR: datasetsDir() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let server: FakeOpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-out-'));
  server = await startScriptedServer({ tokensPerSecond: 5000 });
  const draft = { name: STUDY_NAME, benchmark: 'humaneval', selection: { kind: 'ids', ids: SCRIPTED_PROBLEM_IDS.slice(0, 2) }, arms: ['llama-solo'] };
  writeFileSync(join(dir, 'study.json'), JSON.stringify(draft));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback-lab run without --out', () => {
  it('writes a second run of a study the same day beside the first, never over it', async () => {
    // The first run's file, as it would be on disk (its bytes must survive untouched).
    const first = resultFileName(STUDY_NAME, { gzip: false });
    writeFileSync(join(dir, first), 'the first run\n');

    const ran = await feedbackLab(['run', '--study', 'study.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(readFileSync(join(dir, first), 'utf8')).toBe('the first run\n');
    const second = first.replace(/\.json$/, '-2.json');
    expect(ran.stderr).toContain(`results in ${join(dir, second)}`);
    const doc = await importResultFile(new Uint8Array(readFileSync(join(dir, second))));
    expect(doc.config.name).toBe(STUDY_NAME);
    expect(doc.units).toHaveLength(2);
    expect(readdirSync(dir).filter((name) => name.endsWith('.json')).sort()).toEqual([first, second, 'study.json'].sort());
  });

  it('--resume of a finished file says so and leaves the file alone, without the endpoint', async () => {
    const finished = resultFileName(STUDY_NAME, { gzip: false }).replace(/\.json$/, '-2.json');
    const before = readFileSync(join(dir, finished));
    // The server is gone: a finished study needs neither it nor Python.
    await server.close();
    const resumed = await feedbackLab(['run', '--resume', finished]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Nothing left to run: every unit of ${finished} is finished. The file is unchanged.`);
    expect(resumed.stdout).toMatch(/^llama-solo: \d\/2 passed\n$/);
    expect(readFileSync(join(dir, finished)).equals(before)).toBe(true);
  });
});
