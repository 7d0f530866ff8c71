import { describe, expect, it } from 'vitest';
import { rowLabelPieces } from '../../../src/ui/analysis/row-label.ts';

describe("a table row's label in a narrow window", () => {
  it('wraps a pipeline after its arrows and before an error type, never inside a step', () => {
    const label = 'llama → exec → llama (self-refine) · NameError';
    const pieces = rowLabelPieces(label);
    expect(pieces).toEqual([
      { text: 'llama →', whole: true },
      { text: 'exec →', whole: true },
      { text: 'llama (self-refine) ·', whole: true },
      { text: 'NameError', whole: true },
    ]);
    expect(pieces.map((p) => p.text).join(' ')).toBe(label);
  });

  it('wraps a pair of arms between the two, each kept whole', () => {
    expect(rowLabelPieces('llama → exec → llama (self-refine) vs llama3.2:3b solo').map((p) => p.text)).toEqual(['llama →', 'exec →', 'llama (self-refine) vs', 'llama3.2:3b solo']);
  });

  it('keeps a short label whole and lets a long one wrap between its words', () => {
    expect(rowLabelPieces('llama3.2:3b solo')).toEqual([{ text: 'llama3.2:3b solo', whole: true }]);
    const long = 'qwen2.5:1.5b generator (T=0.3) then llama3.2:3b refiner (T=0.2)';
    expect(rowLabelPieces(long)).toEqual([{ text: long, whole: false }]);
  });
});
