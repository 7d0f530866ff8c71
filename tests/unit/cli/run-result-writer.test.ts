import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResultWriter } from '../../../cli/run/result-writer.ts';
import { storeFromResultFile } from '../../../cli/run/resume-store.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { environment, studyResultFile } from '../results/result-file-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await importResultFile(new Uint8Array(readFileSync(path)))).units).toHaveLength(2);
    rmSync(path);
    const before = checks;
    await new Promise((resolve) => setTimeout(resolve, 40));
    stop();
    expect(checks).toBeGreaterThan(before);
    expect(existsSync(path)).toBe(false);
  });
});
