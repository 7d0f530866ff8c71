import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readStudyArgument } from '../../../cli/run/study-source.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { studyResultFile } from '../results/result-file-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-study-source-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('run --study with a result file', () => {
  it.each([0, 2])('parses the file once, not once to see what it is and again to import it (indent %i)', async (indent) => {
    const bytes = await exportResultFile(await studyResultFile(), { gzip: false, indent });
    writeFileSync(join(dir, `study-${indent}.json`), bytes);
    const length = new TextDecoder().decode(bytes).length;
    const parse = vi.spyOn(JSON, 'parse');
    const request = await readStudyArgument(`study-${indent}.json`, dir);
    expect(request.study.kind).toBe('config');
    // Only parses of the whole file count: the importer parses small things too (a sniffed first line…).
    expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length === length)).toHaveLength(1);
  });
});
