/**
 * The two scales the figures need, over d3-array's tick rules. d3-scale would give the same
 * behaviour, but its continuous scales pull in d3-interpolate, d3-color and d3-format (about
 * 11.7 kB gzipped, measured) for colour interpolation and tick formatting these charts never use;
 * d3-array's `ticks` and `nice` (about 1.4 kB) are the only part that is not a line of algebra.
 */
import { nice, ticks } from 'd3-array';

export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  ticks(count: number): number[];
}

/** Maps [d0, d1] (widened to round numbers) linearly onto [r0, r1]. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number], tickCount = 5): LinearScale {
  const [d0, d1] = nice(domain[0], domain[1], tickCount);
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as LinearScale;
  scale.domain = [d0, d1];
  scale.ticks = (count: number) => ticks(d0, d1, count);
  return scale;
}

export interface BandLayout {
  /** Left edge of band i. */
  start(i: number): number;
  /** Centre of band i. */
  center(i: number): number;
  bandwidth: number;
  /** From one band's start to the next's. */
  step: number;
}

/**
 * n equal bands across [r0, r1], with `inner` of each step left empty between bands and `outer`
 * steps of margin at both ends (as d3's band scale's paddingInner and paddingOuter).
 */
export function bandLayout(n: number, range: readonly [number, number], inner = 0.2, outer = 0.1): BandLayout {
  const [r0, r1] = range;
  const step = (r1 - r0) / Math.max(1, n - inner + 2 * outer);
  const bandwidth = step * (1 - inner);
  const first = r0 + step * outer;
  return {
    start: (i) => first + i * step,
    center: (i) => first + i * step + bandwidth / 2,
    bandwidth,
    step,
  };
}

/** n points spread across [r0, r1] with half a step of margin at each end. */
export function pointLayout(n: number, range: readonly [number, number]): (i: number) => number {
  const [r0, r1] = range;
  const step = (r1 - r0) / Math.max(1, n);
  return (i) => r0 + step * (i + 0.5);
}
