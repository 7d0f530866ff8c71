import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from '../../../src/core/results/json-syntax-error.ts';

const at = (text: string) => {
  const place = locateJsonSyntaxError(text);
  return place && `${place.line}:${place.column}${place.atEnd ? ' (end)' : ''}`;
};

describe('locateJsonSyntaxError', () => {
  it('finds nothing wrong in valid JSON, as JSON.parse does', () => {
    for (const text of ['{}', '[]', ' 0 ', '-1.5e+3', '"a\\u00e9\\n"', '{"a": [1, true, false, null, {"b": ""}]}', '\n[\n]\n']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(at(text)).toBeNull();
    }
  });

  it('points at the first character that breaks the grammar', () => {
    expect(at('{"a": 1,}')).toBe('1:9');
    expect(at('{"a" 1}')).toBe('1:6');
    expect(at('[1 2]')).toBe('1:4');
    expect(at('{\n  "a": tru\n}')).toBe('2:11');
    expect(at('[01]')).toBe('1:3');
    expect(at('[1.]')).toBe('1:4');
    expect(at('"\\x"')).toBe('1:3');
    expect(at('"a\tb"')).toBe('1:3');
    expect(at("{'a': 1}")).toBe('1:2');
    expect(at('{} {}')).toBe('1:4');
    expect(at('[}')).toBe('1:2');
  });

  it('says when the text simply stops, as a truncated file does', () => {
    expect(at('')).toBe('1:1 (end)');
    expect(at('{"a": [1, 2')).toBe('1:12 (end)');
    expect(at('{"a": "unfinished')).toBe('1:18 (end)');
    expect(at('[tr')).toBe('1:4 (end)');
  });

  it('survives nesting a million levels deep', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(999_999);
    expect(locateJsonSyntaxError(deep)?.atEnd).toBe(true);
  });
});
