import { afterEach, describe, expect, it, vi } from 'vitest';
import { countOf, countText } from '../../src/core/count-text.ts';
import { describeImportProgress } from '../../src/ui/shared/read-result-file.ts';

describe('counts as people read them', () => {
  it('puts a comma every three digits, as toLocaleString("en") did', () => {
    for (const n of [0, 7, 999, 1000, 17_080, 47_742, 1_000_000, 123_456_789, -1200, -999]) expect(countText(n)).toBe(n.toLocaleString('en'));
  });

  it('writes one as one and the rest as plural', () => {
    expect([countOf(1, 'repeat'), countOf(0, 'unit'), countOf(17_080, 'unit')]).toEqual(['1 repeat', '0 units', '17,080 units']);
  });
});

describe("reading a big file's progress", () => {
  afterEach(() => vi.restoreAllMocks());

  it('says each phase without Intl, whose first use loads ICU on the page’s thread', () => {
    const toLocale = vi.spyOn(Number.prototype, 'toLocaleString');
    const format = vi.spyOn(Intl, 'NumberFormat');
    expect(describeImportProgress('big.json.gz', { phase: 'decompressing', bytes: 1234 * 1024 * 1024 })).toBe('big.json.gz: decompressing (1,234 MB so far)…');
    expect(describeImportProgress('big.json.gz', { phase: 'parsing', bytes: 185 * 1024 * 1024 })).toBe('big.json.gz: reading 185 MB of JSON…');
    expect(describeImportProgress('big.json.gz', { phase: 'checking', units: 17_080, steps: 47_742 })).toBe('big.json.gz: checking 17,080 units (47,742 steps)…');
    expect(toLocale).not.toHaveBeenCalled();
    expect(format).not.toHaveBeenCalled();
  });
});
