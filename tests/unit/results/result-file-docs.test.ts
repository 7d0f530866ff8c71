import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { resultFileJsonSchemaText } from '../../../src/core/results/result-file-json-schema.ts';
import { fileBytes, studyResultFile } from './result-file-fixtures.ts';

const docs = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

describe('docs/results-format.schema.json', () => {
  it('is what the validating schema generates today (regenerate: npx tsx scripts/write-results-schema.ts)', () => {
    expect(docs('results-format.schema.json')).toBe(resultFileJsonSchemaText());
  });

  it('documents the parts a reader of a file needs', () => {
    const schema = JSON.parse(resultFileJsonSchemaText()) as { required: string[]; $defs: Record<string, unknown> };
    expect(schema.required).toEqual(['format', 'version', 'appVersion', 'configHash', 'config', 'environments', 'units']);
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['StudyConfig', 'Pipeline', 'Unit', 'Trajectory', 'Step', 'Outcome']));
  });
});

describe('docs/results-format.md', () => {
  it('shows a minimal example that imports, exactly as the app writes it', async () => {
    const block = /## A minimal example[\s\S]*?```json\n([\s\S]*?)\n```/.exec(docs('results-format.md'))?.[1];
    expect(block).toBeDefined();
    const doc = await importResultFile(new TextEncoder().encode(block));
    expect(new TextDecoder().decode(await exportResultFile(doc, { gzip: false, indent: 2 }))).toBe(block);
  });

  it("gives a Python recipe for the config hash that matches a file the app writes, labels with arrows included (audit R220-4)", async () => {
    const recipe = /## Config hash[\s\S]*?```python\n([\s\S]*?)\n```/.exec(docs('results-format.md'))?.[1];
    expect(recipe).toBeDefined();
    const doc = await studyResultFile();
    expect(JSON.stringify(doc.config)).toContain('→');
    const folder = mkdtempSync(join(tmpdir(), 'config-hash-'));
    try {
      writeFileSync(join(folder, 'check_hash.py'), recipe!);
      writeFileSync(join(folder, 'study.json'), await fileBytes(doc));
      expect(execFileSync('python3', ['check_hash.py', 'study.json'], { cwd: folder, encoding: 'utf8' }).trim()).toBe('configHash matches');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is right that gzip shrinks a study several times over', async () => {
    const doc = await studyResultFile();
    const ratio = (await fileBytes(doc)).length / (await fileBytes(doc, true)).length;
    expect(ratio).toBeGreaterThan(5);
  });
});
