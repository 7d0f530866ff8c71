import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultFileJsonSchemaText } from '../../../src/core/results/result-file-json-schema.ts';

describe('docs/results-format.schema.json', () => {
  it('is what the validating schema generates today (regenerate: npx tsx scripts/write-results-schema.ts)', () => {
    const onDisk = readFileSync(new URL('../../../docs/results-format.schema.json', import.meta.url), 'utf8');
    expect(onDisk).toBe(resultFileJsonSchemaText());
  });

  it('documents the parts a reader of a file needs', () => {
    const schema = JSON.parse(resultFileJsonSchemaText()) as { required: string[]; $defs: Record<string, unknown> };
    expect(schema.required).toEqual(['format', 'version', 'appVersion', 'configHash', 'config', 'environments', 'units']);
    expect(Object.keys(schema.$defs)).toEqual(expect.arrayContaining(['StudyConfig', 'Pipeline', 'Unit', 'Trajectory', 'Step', 'Outcome']));
  });
});
