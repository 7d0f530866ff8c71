/**
 * Audit R126: what import says about a result file broken in the middle, and whether
 * docs/results-format.md names what the writers write.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/results/canonical-json.ts';
import { locateJsonSyntaxError } from '../../../src/core/results/json-syntax-error.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { resultFileJsonSchemaText } from '../../../src/core/results/result-file-json-schema.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { fileBytes, studyResultFile } from './result-file-fixtures.ts';

async function rejection(text: string): Promise<UserError> {
  try {
    await importResultFile(new TextEncoder().encode(text));
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('the import was expected to fail');
}

describe('a result file broken in the middle', () => {
  // The app writes a file on one line: "line 1, column 36715" alone does not say which unit is broken.
  it('names the unit a syntax error is in', async () => {
    const text = new TextDecoder().decode(await fileBytes(await studyResultFile()));
    expect(text.split('\n')).toHaveLength(1);
    const unitStart = text.indexOf('{"armId"', text.indexOf('{"armId"') + 1);
    const reply = text.indexOf('"reply":', unitStart);
    const broken = `${text.slice(0, reply)}"reply" ${text.slice(reply + '"reply":'.length)}`;
    const error = await rejection(broken);
    expect(error.message).toMatch(/^The file is not valid JSON: the error is at line 1, column \d+\.$/);
    expect(error.details[0]).toMatch(/^At units\[1\]\.trajectory\.steps\[\d+\]\.reply\.$/);
  });

  it('names the field a truncated file stops in', async () => {
    const text = new TextDecoder().decode(await fileBytes(await studyResultFile()));
    const error = await rejection(text.slice(0, text.indexOf('"finalCode"', text.indexOf('{"armId"', text.indexOf('{"armId"') + 1)) + 20));
    expect(error.message).toMatch(/^The file is truncated: its JSON stops in the middle \(line 1, column \d+\)\.$/);
    expect(error.details).toEqual(['It stops in units[1].trajectory.finalCode.']);
  });

  it('locates the member as keys and indices, escapes read', () => {
    expect(locateJsonSyntaxError('{"a":[1,{"b":"x')?.path).toEqual(['a', 1, 'b']);
    expect(locateJsonSyntaxError('{"u":[{"s":[]},{"s":[1 2]}]}')?.path).toEqual(['u', 1, 's', 0]);
    expect(locateJsonSyntaxError('{"k\\"q":[')?.path).toEqual(['k"q', 0]);
    // After a comma the next key is not known yet: the object is named, not the member before.
    expect(locateJsonSyntaxError('{"a":1, x}')?.path).toEqual([]);
    expect(locateJsonSyntaxError('{"a":{"b":1}} x')?.path).toEqual([]);
  });

  it('cuts a path nested past reason short', async () => {
    const error = await rejection('['.repeat(100_000));
    expect(error.details).toEqual([`It stops in ${'[0]'.repeat(12)}….`]);
  });
});

describe('docs/results-format.md', () => {
  const markdown = readFileSync(new URL('../../../docs/results-format.md', import.meta.url), 'utf8');

  it('names every field the JSON Schema has', () => {
    // Words of the inline code spans, outside the example (which names fields without saying what they mean).
    const prose = markdown.replace(/```[\s\S]*?```/g, '');
    const named = new Set([...prose.matchAll(/`([^`]+)`/g)].flatMap((m) => m[1]!.split(/[^A-Za-z0-9_]+/)));
    const fields = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (typeof value === 'object' && value !== null) {
        const { properties } = value as { properties?: unknown };
        if (typeof properties === 'object' && properties !== null) for (const key of Object.keys(properties)) fields.add(key);
        Object.values(value).forEach(walk);
      }
    };
    walk(JSON.parse(resultFileJsonSchemaText()));
    expect([...fields].filter((field) => !named.has(field))).toEqual([]);
  });

  it('is right about the order of keys that are whole numbers, which the config hash depends on', () => {
    expect(markdown).toMatch(/keys that\s+are whole numbers/);
    expect(canonicalJson({ models: { 'llama3.2:3b': 1, '10': 2, '9': 3 } })).toBe('{"models":{"9":3,"10":2,"llama3.2:3b":1}}');
  });
});
