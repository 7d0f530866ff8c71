import { describe, expect, it } from 'vitest';
import { legendLayout, shorten, wrapLabel } from '../../../src/ui/charts/legend-layout.ts';
import { bandLayout, linearScale, pointLayout } from '../../../src/ui/charts/scales.ts';

describe('chart scales', () => {
  it('widens the domain to round numbers and maps it onto the range', () => {
    const y = linearScale([0, 93.6], [300, 100]);
    expect(y.domain).toEqual([0, 100]);
    expect(y(0)).toBe(300);
    expect(y(100)).toBe(100);
    expect(y(50)).toBe(200);
    expect(y.ticks(5)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('keeps negative values below zero (net per iteration)', () => {
    const y = linearScale([-22, 0], [200, 0]);
    expect(y.domain[0]).toBeLessThanOrEqual(-22);
    expect(y(0)).toBe(0);
  });

  it('lays bands out without overlap and inside the range', () => {
    const x = bandLayout(4, [0, 100], 0.2, 0.1);
    expect(x.start(0)).toBeGreaterThan(0);
    expect(x.start(3) + x.bandwidth).toBeLessThanOrEqual(100 + 1e-9);
    expect(x.start(1) - (x.start(0) + x.bandwidth)).toBeGreaterThan(0);
    expect(x.center(0)).toBeCloseTo(x.start(0) + x.bandwidth / 2, 10);
  });

  it('spreads points evenly', () => {
    const x = pointLayout(4, [0, 100]);
    expect([0, 1, 2, 3].map(x)).toEqual([12.5, 37.5, 62.5, 87.5]);
  });

  it('wraps legend entries to a new row instead of running off the chart', () => {
    const { items, height } = legendLayout(['llama → exec → llama (self-refine)', 'qwen → exec → llama (cross-model)', 'coder'], 0, 0, 300);
    expect(items.map((i) => i.y)).toEqual([0, 18, 36]);
    expect(height).toBe(54);
    expect(shorten('x'.repeat(60)).length).toBe(42);
  });

  it('shortens long labels in the middle, so arms that differ only at the end stay apart on a chart', () => {
    const labels = [
      'llama → exec → llama (self-refine)',
      'llama → exec → llama (self-refine) (forced 3 iterations)',
      'llama3.2:3b solo (Run A, feedback-lab-run-a-2026-11-22.json)',
      'llama3.2:3b solo (Run A, feedback-lab-run-a-2026-11-22.json (2))',
    ];
    for (const max of [18, 26, 42]) {
      const shown = labels.map((label) => shorten(label, max));
      expect(new Set(shown).size, `at ${max} characters: ${shown.join(' | ')}`).toBe(labels.length);
      expect(shown.every((s) => s.length <= max)).toBe(true);
    }
    expect(shorten(labels[1]!, 26)).toBe('llama → exec →…terations)');
  });

  it('wraps a slanted bar label between words instead of cutting out its middle, and still tells apart labels that differ at the end', () => {
    expect(wrapLabel('llama3.2:3b solo', 26, 3)).toEqual(['llama3.2:3b solo']);
    expect(wrapLabel('llama → exec → llama (self-refine)', 26, 3)).toEqual(['llama → exec → llama', '(self-refine)']);
    expect(wrapLabel('llama → exec → llama (self-refine) (forced 3 iterations)', 26, 3)).toEqual([
      'llama → exec → llama',
      '(self-refine) (forced 3',
      'iterations)',
    ]);
    // A word longer than a line (a file name) is cut at the line's width.
    const labels = [
      'llama3.2:3b solo (Run A, feedback-lab-run-a-2026-11-22.json)',
      'llama3.2:3b solo (Run A, feedback-lab-run-a-2026-11-22.json (2))',
      'a very long arm label that goes on and on past three whole lines of text (arm 1)',
      'a very long arm label that goes on and on past three whole lines of text (arm 2)',
    ];
    const shown = labels.map((label) => wrapLabel(label, 26, 3));
    expect(new Set(shown.map((lines) => lines.join('\n'))).size).toBe(labels.length);
    for (const lines of shown) {
      expect(lines.length).toBeLessThanOrEqual(3);
      expect(lines.every((line) => line.length > 0 && line.length <= 26)).toBe(true);
    }
    expect(shown[2]!.at(-1)).toMatch(/….*\(arm 1\)$/);
    // Never between the halves of an emoji.
    const emoji = wrapLabel(`x${'😀'.repeat(30)}`, 26, 3);
    expect(emoji.join('')).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
