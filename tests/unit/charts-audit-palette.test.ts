/**
 * The chart series colours (src/ui/charts/chart-theme.css) as a reader sees them: every series
 * line, bar and legend swatch at 3:1 or more against the chart's background in its theme (WCAG
 * 1.4.11), and no two series of a theme's palette alike to a reader with protanopia, deuteranopia
 * or tritanopia (Machado et al. 2009, severity 1, compared as CIELAB ΔE76). Light-theme series 6
 * was 2.31:1 on white, and light series 2 and 5 (#d55e00, #8a6d00) came out as one olive under
 * protanopia (ΔE 2.6): the cross-model arm and the coder solo arm of the Consistency chart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const chartCss = readFileSync(join(ROOT, 'src/ui/charts/chart-theme.css'), 'utf8');
const appCss = readFileSync(join(ROOT, 'src/ui/styles/app.css'), 'utf8');

/** The value of `--name` in each rule block of `css` that declares it, in order. */
function declared(css: string, name: string): string[] {
  return [...css.matchAll(new RegExp(`--${name}:\\s*(#[0-9a-fA-F]{6})\\s*;`, 'g'))].map((m) => m[1]!.toLowerCase());
}

/** [light, dark] series colours: the first `.chart` block and the explicit dark-theme block. */
function palettes(): [string[], string[]] {
  const light: string[] = [];
  const dark: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const values = declared(chartCss, `chart-${i}`);
    // Light block, the prefers-color-scheme dark block, the [data-theme='dark'] block.
    expect(values, `--chart-${i} in each of the three blocks`).toHaveLength(3);
    expect(values[1], `--chart-${i}: both dark blocks agree`).toBe(values[2]);
    light.push(values[0]!);
    dark.push(values[2]!);
  }
  return [light, dark];
}

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}
const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const fromLinear = (c: number) => {
  const v = Math.min(1, Math.max(0, c));
  return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
};

function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map(toLinear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [la, lb] = [luminance(channels(a)), luminance(channels(b))];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

type Matrix = readonly (readonly [number, number, number])[];
const SIMULATIONS: Record<string, Matrix | null> = {
  'normal vision': null,
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function seen(hex: string, matrix: Matrix | null): number[] {
  const rgb = channels(hex);
  if (!matrix) return rgb;
  const linear = rgb.map(toLinear);
  return matrix.map((row) => fromLinear(row[0] * linear[0]! + row[1] * linear[1]! + row[2] * linear[2]!));
}

function lab(rgb: readonly number[]): [number, number, number] {
  const [r, g, b] = rgb.map(toLinear) as [number, number, number];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
const deltaE = (a: readonly number[], b: readonly number[]) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

/** The theme's chart background: charts are drawn on --surface. */
function surfaces(): [string, string] {
  const values = declared(appCss, 'surface');
  return [values[0]!, values.at(-1)!];
}

describe('chart series colours', () => {
  const [light, dark] = palettes();
  const [lightSurface, darkSurface] = surfaces();

  it.each([
    ['light', light, lightSurface],
    ['dark', dark, darkSurface],
  ] as const)('every %s series has 3:1 against the chart background', (_, palette, surface) => {
    for (const [i, color] of palette.entries()) {
      expect(contrast(color, surface), `--chart-${i + 1} ${color} on ${surface}`).toBeGreaterThanOrEqual(3);
    }
  });

  it.each([
    ['light', light],
    ['dark', dark],
  ] as const)('no two %s series look alike, with or without a colour-vision deficiency', (_, palette) => {
    for (const [vision, matrix] of Object.entries(SIMULATIONS)) {
      for (let i = 0; i < palette.length; i++) {
        for (let j = i + 1; j < palette.length; j++) {
          const difference = deltaE(seen(palette[i]!, matrix), seen(palette[j]!, matrix));
          // 9.8: the closest pair of the Okabe–Ito-like base colours kept from the start (series 1 and 7, deuteranopia).
          expect(difference, `${vision}: --chart-${i + 1} ${palette[i]} vs --chart-${j + 1} ${palette[j]}`).toBeGreaterThan(9.8);
        }
      }
    }
  });
});
