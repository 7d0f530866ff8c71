/**
 * Comparing a computed number with one printed at some precision. The paper rounds half up (as
 * people do), not half to even; a value sitting on a binary boundary (3.65 is 3.6499… in
 * floating point) is nudged so it rounds the way it reads.
 */
import type { Printed } from './paper-printed.ts';

/** Rounds half away from zero to `decimals` places. */
export function roundHalfUp(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return (Math.sign(x) * Math.round(Math.abs(x) * scale + 1e-9)) / scale;
}

/** `x` as it would be printed with `decimals` places ("3.6", "-0.4", "62"). */
export function formatAs(x: number, decimals: number): string {
  const rounded = roundHalfUp(x, decimals);
  return (rounded === 0 ? 0 : rounded).toFixed(decimals);
}

/** The printed number as printed. */
export function formatPrinted(printed: Printed): string {
  return printed.value.toFixed(printed.decimals);
}

/** Whether `x`, rounded to the printed precision, is the printed number. */
export function agrees(x: number, printed: Printed): boolean {
  return formatAs(x, printed.decimals) === formatPrinted(printed);
}

/**
 * Whether `x` gives the printed number after being rounded twice — first to one more decimal
 * (as a script's print did), then to the printed precision (by hand): 3.6469 → 3.65 → 3.7.
 */
export function agreesAfterDoubleRounding(x: number, printed: Printed): boolean {
  return agrees(roundHalfUp(x, printed.decimals + 1), printed);
}
