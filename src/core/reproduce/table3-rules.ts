/**
 * Which reading of the released files gives each of Table 3's printed HumanEval ranges. The paper
 * says only that a range spans "the tested configurations"; a reader can take the rates from
 * either released file or both, keep or drop the coder arm, count bare asserts (the "None" row)
 * as AssertionError or not, and round or truncate. Some rows come out under one of these rules
 * and others under another, so the ledger names the rules per row rather than one for the table.
 */
import type { FirstErrorRow } from '../stats/error-tables.ts';
import { RELEASED_ARM_NAME } from './paper-printed.ts';
import { formatAs } from './printed-number.ts';

export type RuleFiles = 'taxonomy' | 'iterations' | 'both';

export interface FixRateRule {
  files: RuleFiles;
  coderArm: boolean;
  /** Bare asserts ("None") counted as AssertionError; null where it changes no rate of the row. */
  bareAssertsMerged: boolean | null;
  rounding: 'rounded' | 'truncated';
}

/** One released file's fix rates per refining arm, by the study's error category. */
export interface ArmFixRates {
  arm: string;
  rows: readonly Pick<FirstErrorRow, 'category' | 'fixed' | 'total'>[];
}

const CODER_ARM = RELEASED_ARM_NAME['coder-self-refine'];

const FILES_TEXT: Record<RuleFiles, string> = {
  taxonomy: 'error_taxonomy.json alone',
  iterations: 'iteration_analysis.json alone',
  both: 'both files',
};

export function describeRule(rule: FixRateRule): string {
  return [
    FILES_TEXT[rule.files],
    rule.coderArm ? 'with the coder arm' : 'without the coder arm',
    ...(rule.bareAssertsMerged === null ? [] : [rule.bareAssertsMerged ? 'bare asserts merged' : 'bare asserts apart']),
    rule.rounding,
  ].join(', ');
}

/** The rules as one phrase each, "rounded or truncated" where both give the row. */
export function describeRules(rules: readonly FixRateRule[]): string[] {
  const phrases: string[] = [];
  for (const rule of rules) {
    const other = rule.rounding === 'rounded' ? 'truncated' : 'rounded';
    const both = rules.some((r) => r !== rule && describeRule(r) === describeRule({ ...rule, rounding: other }));
    if (!both) phrases.push(describeRule(rule));
    else if (rule.rounding === 'rounded') phrases.push(`${describeRule(rule)} or truncated`);
  }
  return phrases;
}

/** The arms' fix rates (percent) for one printed row under a rule; arms without the category have none. */
function ratesFor(
  errorType: string,
  files: readonly (readonly ArmFixRates[])[],
  coderArm: boolean,
  merged: boolean,
): number[] {
  const categories = merged && errorType === 'AssertionError' ? ['AssertionError', 'None'] : [errorType];
  return files.flatMap((arms) =>
    arms
      .filter(({ arm }) => coderArm || arm !== CODER_ARM)
      .flatMap(({ rows }) => {
        const mine = rows.filter((r) => categories.includes(r.category));
        const total = mine.reduce((n, r) => n + r.total, 0);
        const fixed = mine.reduce((n, r) => n + r.fixed, 0);
        return total > 0 ? [(100 * fixed) / total] : [];
      }),
  );
}

function toWhole(x: number, rounding: FixRateRule['rounding']): number {
  return rounding === 'rounded' ? Number(formatAs(x, 0)) : Math.floor(x + 1e-9);
}

function givesRange(rates: readonly number[], rounding: FixRateRule['rounding'], [low, high]: readonly [number, number]): boolean {
  return rates.length > 0 && toWhole(Math.min(...rates), rounding) === low && toWhole(Math.max(...rates), rounding) === high;
}

const ALL_FILES: RuleFiles[] = ['taxonomy', 'iterations', 'both'];
const ROUNDINGS: FixRateRule['rounding'][] = ['rounded', 'truncated'];

/**
 * The rules that give a printed row's range from the released rates. Bare asserts are a choice
 * only where merging changes the row's rates (the AssertionError row of a file with a None row).
 */
export function rulesGivingRange(
  errorType: string,
  printed: readonly [number, number],
  taxonomy: readonly ArmFixRates[],
  iterations: readonly ArmFixRates[],
): FixRateRule[] {
  const filesOf = (files: RuleFiles) => (files === 'taxonomy' ? [taxonomy] : files === 'iterations' ? [iterations] : [taxonomy, iterations]);
  return ALL_FILES.flatMap((files) =>
    [true, false].flatMap((coderArm) => {
      const merged = ratesFor(errorType, filesOf(files), coderArm, true);
      const apart = ratesFor(errorType, filesOf(files), coderArm, false);
      const same = merged.length === apart.length && merged.every((r, i) => r === apart[i]);
      const variants: [boolean | null, number[]][] = same ? [[null, merged]] : [[true, merged], [false, apart]];
      return variants.flatMap(([bareAssertsMerged, rates]) =>
        ROUNDINGS.filter((rounding) => givesRange(rates, rounding, printed)).map((rounding) => ({ files, coderArm, bareAssertsMerged, rounding })),
      );
    }),
  );
}

/** Whether one rule (every choice made) gives a row: a row indifferent to bare asserts takes either. */
export function ruleFits(rule: FixRateRule, fitting: readonly FixRateRule[]): boolean {
  return fitting.some(
    (f) =>
      f.files === rule.files &&
      f.coderArm === rule.coderArm &&
      f.rounding === rule.rounding &&
      (f.bareAssertsMerged === null || f.bareAssertsMerged === rule.bareAssertsMerged),
  );
}

/** Every rule with each choice made: what "one rule for the whole table" would have to be. */
export function everyRule(): FixRateRule[] {
  return ALL_FILES.flatMap((files) =>
    [true, false].flatMap((coderArm) =>
      [true, false].flatMap((bareAssertsMerged) => ROUNDINGS.map((rounding) => ({ files, coderArm, bareAssertsMerged, rounding }))),
    ),
  );
}
