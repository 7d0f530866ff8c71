/**
 * One printed number beside the number computed from the released data, with a verdict and,
 * for anything but a plain match, a sentence saying why they differ.
 */
import type { Printed } from './paper-printed.ts';
import { agrees, agreesAfterDoubleRounding, formatAs, formatPrinted, roundHalfUp } from './printed-number.ts';

/**
 * - match: the computed value, rounded as printed, is the printed value.
 * - rounding: it is, once the rounding of the printed inputs is accounted for.
 * - mismatch: it is not; the explanation says what the paper computed instead, if known.
 * - not-released: the data behind the printed value was not released.
 */
export type ComparisonStatus = 'match' | 'rounding' | 'mismatch' | 'not-released';

export interface Comparison {
  /** Where the paper prints it: "Table 2", "§4.8 text". */
  table: string;
  row: string;
  column: string;
  /** As printed, e.g. "3.7", "4.7σ", "50–67 %". */
  printed: string;
  /** Computed from the released files, at the printed precision; null when not released. */
  computed: string | null;
  status: ComparisonStatus;
  /** Why computed and printed differ, or a note on how the value was computed; null for a plain match. */
  explanation: string | null;
}

export interface Place {
  table: string;
  row: string;
  column: string;
}

/**
 * Compares a computed number with a printed one: match, else `rounding` when rounding twice
 * (first to one more decimal, as a script prints, then by hand) gives the printed value, else
 * mismatch with the caller's explanation.
 */
export function compareNumber(
  place: Place,
  printed: Printed,
  computed: number,
  notes: { match?: string; mismatch?: string; unit?: string } = {},
): Comparison {
  const unit = notes.unit ?? '';
  const base = {
    ...place,
    printed: `${formatPrinted(printed)}${unit}`,
    computed: `${formatAs(computed, printed.decimals)}${unit}`,
  };
  if (agrees(computed, printed)) return { ...base, status: 'match', explanation: notes.match ?? null };
  if (agreesAfterDoubleRounding(computed, printed)) {
    const once = formatAs(roundHalfUp(computed, printed.decimals + 1), printed.decimals + 1);
    return {
      ...base,
      status: 'rounding',
      explanation:
        `Rounded twice: the released value ${formatAs(computed, printed.decimals + 3)} printed to ` +
        `${printed.decimals + 1} decimals (as the study's script prints) is ${once}, which rounds to the printed ` +
        `${formatPrinted(printed)}; rounded once it is ${formatAs(computed, printed.decimals)}.`,
    };
  }
  return {
    ...base,
    status: 'mismatch',
    explanation: notes.mismatch ?? `The released data gives ${formatAs(computed, printed.decimals + 2)}${unit}.`,
  };
}

/** A printed value whose data was not released. */
export function notReleased(place: Place, printed: string, why: string): Comparison {
  return { ...place, printed, computed: null, status: 'not-released', explanation: why };
}
