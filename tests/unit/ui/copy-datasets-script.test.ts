import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { DATASET_FILES } from '../../../src/core/benchmarks/datasets.ts';
import { RELEASED_SOURCE_FILES } from '../../../src/core/reproduce/released-sources.ts';
import { datasetsDir, readDatasetBytes } from '../../support/datasets.ts';
import { studyResultsDir } from '../../support/study-results.ts';

const script = fileURLToPath(new URL('../../../scripts/copy-datasets.mjs', import.meta.url));
const FILE_NAMES = Object.values(DATASET_FILES).map((file) => file.fileName);

async function copyDatasets(...args: string[]): Promise<{ code: number; output: string }> {
  return copyDatasetsFrom(undefined, ...args);
}

/** Runs the script as `npm run` does: from the repository, with the caller's folder in INIT_CWD. */
async function copyDatasetsFrom(initCwd: string | undefined, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const env = { ...process.env };
    if (initCwd === undefined) delete env['INIT_CWD'];
    else env['INIT_CWD'] = initCwd;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, ...args], { cwd: fileURLToPath(new URL('../../..', import.meta.url)), env });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('npm run datasets -- --from DIR', () => {
  it('copies both benchmark files after checking their hashes against the app\'s pins', async () => {
    // Fails loudly, naming the folder, when the test datasets are missing.
    await readDatasetBytes('humaneval');
    await readDatasetBytes('mbpp');
    const to = mkdtempSync(join(tmpdir(), 'datasets-to-'));
    const result = await copyDatasets('--from', datasetsDir(), '--to', to);
    expect(result.code).toBe(0);
    for (const name of FILE_NAMES) {
      expect(readFileSync(join(to, name)).equals(readFileSync(join(datasetsDir(), name)))).toBe(true);
    }
  });

  it('says which files a folder lacks', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'datasets-empty-'));
    const result = await copyDatasets('--from', empty, '--to', join(empty, 'out'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('lacks HumanEval.jsonl.gz and sanitized-mbpp.json');
    expect(existsSync(join(empty, 'out'))).toBe(false);
  });

  it('refuses a file that is not the pinned one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datasets-tampered-'));
    writeFileSync(join(dir, 'HumanEval.jsonl.gz'), readFileSync(join(datasetsDir(), 'HumanEval.jsonl.gz')));
    writeFileSync(join(dir, 'sanitized-mbpp.json'), '[]');
    const result = await copyDatasets('--from', dir, '--to', join(dir, 'out'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('sanitized-mbpp.json is not the pinned file');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('asks for --from when it is missing', async () => {
    const result = await copyDatasets();
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('--from DIR');
  });
});

describe('npm run datasets -- --released DIR', () => {
  it("copies the study's released files, checked against the pins the Reproduce page fetches with", async () => {
    const to = mkdtempSync(join(tmpdir(), 'released-to-'));
    const result = await copyDatasets('--released', studyResultsDir(), '--released-to', to);
    expect(result.code, result.output).toBe(0);
    for (const file of RELEASED_SOURCE_FILES) {
      expect(readFileSync(join(to, file.path)).equals(readFileSync(join(studyResultsDir(), file.path))), file.path).toBe(true);
    }
  });

  it('reads relative folders from where the command was typed, not from the repository npm runs it in', async () => {
    const from = studyResultsDir();
    const to = mkdtempSync(join(tmpdir(), 'released-rel-'));
    const ok = await copyDatasetsFrom(dirname(from), '--released', basename(from), '--released-to', to);
    expect(ok.code, ok.output).toBe(0);
    expect(existsSync(join(to, 'neat_runs', 'v3_champion.json'))).toBe(true);
  });

  it('refuses an edited file and copies nothing, benchmarks included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'released-tampered-'));
    for (const file of RELEASED_SOURCE_FILES) {
      const target = join(dir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(join(studyResultsDir(), file.path)));
    }
    writeFileSync(join(dir, 'main_results.json'), '{}');
    const out = join(dir, 'out');
    const result = await copyDatasets('--from', datasetsDir(), '--to', join(out, 'datasets'), '--released', dir, '--released-to', join(out, 'released'));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('main_results.json is not the pinned file');
    expect(existsSync(out)).toBe(false);
  });
});
