import { describe, expect, it } from 'vitest';
import { describeErroredReasons, erroredReasons } from '../../../src/core/study/errored-reasons.ts';
import { unreachableError } from '../../../src/llm/endpoint-errors.ts';

describe('why units errored', () => {
  it('groups the messages, the one most units got first', () => {
    expect(erroredReasons(['busy', 'not found', 'not found'])).toEqual([
      { message: 'not found', units: 2 },
      { message: 'busy', units: 1 },
    ]);
  });

  it('says one message alone, two with their units, and counts the rest', () => {
    expect(describeErroredReasons(erroredReasons(['model "x" not found (404)', 'model "x" not found (404)']))).toBe('“model "x" not found (404)”');
    expect(describeErroredReasons(erroredReasons(['a', 'a', 'b', 'c', 'd', 'd']))).toBe('“a” (2 units); “d” (2 units); 2 other errors (2 units)');
    expect(describeErroredReasons([])).toBe('');
  });

  it('cuts a message the length of a web page short, between words where it has them', () => {
    const page = `<html>${'x'.repeat(5000)}</html>`;
    expect(describeErroredReasons(erroredReasons([page]))).toHaveLength(600 + 3);
    const words = describeErroredReasons(erroredReasons([`<p>${'word '.repeat(1000)}</p>`]));
    expect(words.length).toBeLessThanOrEqual(600 + 3);
    expect(words.endsWith('word…”')).toBe(true);
  });

  it("says the advice for a server that stopped answering whole, down to its last words", () => {
    const error = unreachableError('http://127.0.0.1:11434/v1', new TypeError('Failed to fetch'), { inBrowser: true, origin: 'https://lab.example' }, true);
    const said = describeErroredReasons(erroredReasons([error.message]));
    expect(said).toBe(`“${error.message}”`);
    expect(said).toMatch(/\(for Ollama, the same OLLAMA_ORIGINS\)\.”$/);
  });
});
