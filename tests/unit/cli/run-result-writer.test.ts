import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createResultWriter, resultFileText } from '../../../cli/run/result-writer.ts';
import { storeFromResultFile } from '../../../cli/run/resume-store.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { bigResultFile } from '../../support/big-result-file.ts';
import { loadTestProblems } from '../../support/datasets.ts';
import { environment, studyResultFile } from '../results/result-file-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for `ready`, checking every few milliseconds, for at most 10 s. */
async function until(ready: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !ready(); ) {
    if (Date.now() > deadline) throw new Error('the condition never held within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the result file writer', () => {
  it('writes an importable file, gzip when the name ends in .gz, keeping earlier runs\' environments first', async () => {
    const partial = await studyResultFile({ only: (order) => order < 7, cutAfter: new Map([[6, 1]]) });
    const store = await storeFromResultFile(partial);
    const here = environment({ userAgent: 'Node.js v20.20.2 (linux x64)', gpu: null, webllmVersion: null });
    for (const name of ['out.json', 'out.json.gz']) {
      const writer = createResultWriter({ path: join(dir, name), store, studyId: partial.config.id, environment: () => here, earlierEnvironments: partial.environments });
      await writer.write();
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(name.endsWith('.gz'));
      const doc = await importResultFile(bytes);
      expect(doc.units).toEqual(partial.units);
      expect(doc.environments).toEqual([...partial.environments, here]);
    }
    // Written through a temporary file renamed into place: nothing half-written is left behind.
    expect(readdirSync(dir).sort()).toEqual(['out.json', 'out.json.gz']);
  });

  it('writes at a checkpoint when the study changed, and not when it did not', async () => {
    const doc = await studyResultFile({ only: (order) => order < 2 });
    const store = await storeFromResultFile(doc);
    const path = join(dir, 'checkpoint.json');
    const writer = createResultWriter({ path, store, studyId: doc.config.id, environment: () => environment() });
    let changed = true;
    let checks = 0;
    const stop = writer.startCheckpoints(
      5,
      () => {
        checks++;
        const answer = changed;
        changed = false;
        return answer;
      },
      (error) => {
        throw error;
      },
    );
    // Polled, not slept for: the write streams through zlib and a loaded machine may take a while.
    await until(() => existsSync(path));
    expect((await importResultFile(new Uint8Array(readFileSync(path)))).units).toHaveLength(2);
    rmSync(path);
    const before = checks;
    await until(() => checks > before + 2);
    stop();
    expect(existsSync(path)).toBe(false);
  });

  it('spaces checkpoints by their cost: the next waits nine times as long as the last write took', async () => {
    const doc = await studyResultFile({ only: (order) => order < 7 });
    const store = await storeFromResultFile(doc);
    const path = join(dir, 'spaced.json.gz');
    const writer = createResultWriter({ path, store, studyId: doc.config.id, environment: () => environment() });
    // What one write of this file takes here, now: the quickest of three, warmed up (the machine
    // may be loaded: the bound below is loose, a fifth of the ten writes' worth each gap holds; a
    // third failed once beside four auditors' browsers, a later write being quicker than these).
    let oneWrite = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await writer.write();
      oneWrite = Math.min(oneWrite, performance.now() - started);
    }
    const checks: number[] = [];
    const stop = writer.startCheckpoints(
      1,
      () => (checks.push(performance.now()), true),
      (error) => {
        throw error;
      },
    );
    await until(() => checks.length >= 4);
    stop();
    // A 1-ms interval checked every millisecond, writes queued behind writes; each gap is now a
    // write and nine times its length after it.
    const gaps = checks.slice(1).map((t, i) => t - (checks[i] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThan(2 * oneWrite);
  });

  it('streams the bytes exportResultFile would write, plain and gzipped', async () => {
    const partial = await studyResultFile({ only: (order) => order < 7, cutAfter: new Map([[6, 1]]) });
    const store = await storeFromResultFile(partial);
    const here = environment({ userAgent: 'Node.js v20.20.2 (linux x64)', gpu: null, webllmVersion: null });
    const expected = await exportResultFile({ ...partial, environments: [...partial.environments, here] }, { gzip: false });
    for (const name of ['same.json', 'same.json.gz']) {
      const writer = createResultWriter({ path: join(dir, name), store, studyId: partial.config.id, environment: () => here, earlierEnvironments: partial.environments });
      await writer.write();
      const bytes = readFileSync(join(dir, name));
      expect(new Uint8Array(name.endsWith('.gz') ? gunzipSync(bytes) : bytes)).toEqual(expected);
    }
  });

  it('hands a big study on in pieces, giving the event loop a turn between them, instead of one string built at once', async () => {
    const problems = (await loadTestProblems('mbpp')).slice(0, 30);
    const doc = await bigResultFile({ problems, repeats: 1 });
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const pieces: string[] = [];
    let turnsSeen = -1;
    let turnsBetweenPieces = 0;
    for await (const piece of resultFileText(doc)) {
      if (turnsSeen >= 0 && turns > turnsSeen) turnsBetweenPieces++;
      turnsSeen = turns;
      pieces.push(piece);
    }
    clearInterval(ticking);
    expect(pieces.length).toBeGreaterThan(1);
    expect(turnsBetweenPieces).toBeGreaterThan(0);
    // Compared as text: toEqual walks a typed array byte by byte.
    expect(pieces.join('') === new TextDecoder().decode(await exportResultFile(doc, { gzip: false }))).toBe(true);
  }, 20_000);
});
