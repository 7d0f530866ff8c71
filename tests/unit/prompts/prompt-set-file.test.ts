import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPromptSetFile } from '../../../src/core/prompts/prompt-set-file.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const json = (value: unknown) => bytes(JSON.stringify(value));

describe('reading a file picked as a prompt set', () => {
  it('accepts a valid set, a byte-order mark included', () => {
    const result = readPromptSetFile(
      bytes('\ufeff' + JSON.stringify({ format: 'feedback-lab/prompt-set', version: 1, name: 'Mine', prompts: [{ id: 'generator.plain', role: 'generator', text: 'Write it.' }] })),
    );
    expect(result).toEqual({
      ok: true,
      promptSet: { format: 'feedback-lab/prompt-set', version: 1, name: 'Mine', prompts: [{ id: 'generator.plain', role: 'generator', text: 'Write it.' }] },
    });
  });

  it('lists every problem of a broken set by its field path', () => {
    const result = readPromptSetFile(
      json({ format: 'feedback-lab/prompt-set', version: 1, prompts: [{ id: 'generator.plain', role: 'coder', text: 'x' }, { id: 'a b', role: 'refiner', text: '' }] }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      expect.stringMatching(/^prompts\[0\]\.role: expected one of generator, analyzer, refiner/),
      expect.stringMatching(/^prompts\[1\]\.id: expected 1-80 letters/),
      expect.stringMatching(/^prompts\[1\]\.text: expected the prompt's text/),
    ]);
  });

  it('recognises a result file, a search file, a samples file and a gzip file picked by mistake, in one sentence each', () => {
    const refused = (file: Uint8Array) => {
      const result = readPromptSetFile(file);
      return result.ok ? null : result.errors;
    };
    expect(refused(json({ format: 'feedback-lab/results', version: 1, config: {} }))).toEqual([
      expect.stringMatching(/^This is a Feedback Lab result file, not a prompt set\. Its prompt texts travel with it.*feedback-lab run --study FILE\.$/),
    ]);
    expect(refused(json({ format: 'feedback-lab/search', version: 1 }))).toEqual([expect.stringMatching(/^This is a Feedback Lab search file/)]);
    const samples = '{"task_id": "HumanEval/0", "completion": "    return 1"}\n{"task_id": "HumanEval/1", "completion": "    return 2"}\n';
    // Sent to the page by the name the navigation gives it.
    expect(refused(bytes(samples))).toEqual([expect.stringMatching(/^This is a samples file.* on the Scoring page/)]);
    expect(refused(bytes(samples.split('\n')[0]!))).toEqual([expect.stringMatching(/^This is a samples file/)]);
    expect(refused(gzipSync(json({ format: 'feedback-lab/results' })))).toEqual([expect.stringMatching(/^This file is gzip-compressed/)]);
  });

  it('names a result, search or samples file of study size too, not only its size', () => {
    const refused = (file: Uint8Array) => {
      const result = readPromptSetFile(file);
      return result.ok ? null : result.errors;
    };
    const padding = 'x'.repeat(1_200_000);
    // As the app writes them: "format" first, then everything else (a full study is 10-200 MB).
    expect(refused(json({ format: 'feedback-lab/results', version: 1, config: { name: padding } }))).toEqual([
      expect.stringMatching(/^This is a Feedback Lab result file, not a prompt set\./),
    ]);
    expect(refused(json({ format: 'feedback-lab/search', version: 1, note: padding }))).toEqual([expect.stringMatching(/^This is a Feedback Lab search file/)]);
    const line = (i: number) => JSON.stringify({ task_id: `HumanEval/${i}`, completion: `    return ${'1 + '.repeat(2000)}1` });
    expect(refused(bytes(Array.from({ length: 164 }, (_, i) => line(i)).join('\n')))).toEqual([expect.stringMatching(/^This is a samples file/)]);
    // Anything else that big is refused by its size.
    expect(refused(json({ prompts: padding }))).toEqual(['This file is 1.2 MB; a prompt set is a small .json file (under 1 MB).']);
  });

  it('says when a file is not JSON, or not text at all', () => {
    expect(readPromptSetFile(bytes('{"format": "feedback-lab/prompt-set",'))).toMatchObject({ ok: false, errors: [expect.stringMatching(/^This is not a JSON file/)] });
    expect(readPromptSetFile(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]))).toEqual({ ok: false, errors: ['This file is not text (not UTF-8); a prompt set is a .json file.'] });
  });
});
