/**
 * Numbers given on the command line, read as written in decimal. `Number()` alone also reads
 * "0x10", "0b11" and " 5 " (and "2e0" as a count) — a typo or a stray shell quote became another
 * number without a word — so the text must look like a plain decimal first.
 */
import { UsageError } from './usage-error.ts';

const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** `text` as a whole number from `min` to `max`; UsageError saying what `flag` takes otherwise. */
export function wholeNumberArgument(flag: string, text: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number {
  const value = WHOLE.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive whole number' : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}, not "${text}".`);
  }
  return value;
}

/** `text` as a number above zero, fractions and exponents allowed ("2.5", ".5", "1e-3"); UsageError otherwise. */
export function positiveNumberArgument(flag: string, text: string): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number, not "${text}".`);
  return value;
}
