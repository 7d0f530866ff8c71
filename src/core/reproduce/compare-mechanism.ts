/**
 * Mechanism comparisons: Table 3 (fix rates by error type), Tables 4–6 (forced iterations) with
 * the "every iteration is net-negative" claim beside the symmetric raw delta, and §4.8's
 * unfixable problems, computed vs printed.
 */
import type { IterationTable } from '../stats/iteration-tables.ts';
import { compareNumber, notReleased, type Comparison, type Place } from './comparison.ts';
import type { ReleasedErrorTaxonomy } from './error-taxonomy.ts';
import type { ReleasedIterationAnalysis } from './iteration-analysis.ts';
import {
  ITERATION_ARMS,
  PAPER_ARM_LABEL,
  PRINTED_TABLE3,
  PRINTED_TABLE4,
  PRINTED_TABLE5,
  PRINTED_TABLE6,
  PRINTED_UNFIXABLE,
  RELEASED_ARM_NAME,
  type PaperArm,
  type Printed,
} from './paper-printed.ts';
import { iterationArmTables, taxonomyFixRates } from './paper-tables.ts';
import { formatAs } from './printed-number.ts';
import { describeRule, describeRules, everyRule, ruleFits, rulesGivingRange } from './table3-rules.ts';
import { unfixableReport } from './unfixable.ts';

const exact = (value: number): Printed => ({ value, decimals: 0 });

function tablesByArm(iterations: ReleasedIterationAnalysis): (arm: PaperArm) => IterationTable {
  const tables = iterationArmTables(iterations);
  return (arm) => {
    const found = tables.find((t) => t.arm === RELEASED_ARM_NAME[arm]);
    if (!found) throw new Error(`iteration_analysis.json has no arm "${RELEASED_ARM_NAME[arm]}".`);
    return found.table;
  };
}

/** Tables 4–6 and the claim that every forced iteration is net-negative. */
export function compareIterationTables(iterations: ReleasedIterationAnalysis): Comparison[] {
  const tableOf = tablesByArm(iterations);
  const out: Comparison[] = [];
  for (const { arm, net } of PRINTED_TABLE4) {
    const t = tableOf(arm);
    net.forEach((printed, i) => {
      const k = i + 1;
      const differs = Math.sign(t.rawDelta[k] ?? 0) !== Math.sign(t.net[k] ?? 0);
      out.push(
        compareNumber({ table: 'Table 4', row: PAPER_ARM_LABEL[arm], column: `Iter ${k}` }, exact(printed), t.net[k] ?? 0, {
          match: differs
            ? `The symmetric change raw[${k}] − raw[${k - 1}] is ${t.rawDelta[k]}: ${t.recoveries[k]} problems that had ` +
              `passed before, broke and passed again count there but not in new fixes − regressions.`
            : undefined,
        }),
      );
    });
  }
  const cells = ITERATION_ARMS.flatMap((arm) => {
    const t = tableOf(arm);
    return [1, 2, 3].map((k) => ({ net: t.net[k] ?? 0, rawDelta: t.rawDelta[k] ?? 0 }));
  });
  const negative = cells.filter((c) => c.net < 0).length;
  const symmetricNegative = cells.filter((c) => c.rawDelta < 0).length;
  const symmetricPositive = cells.filter((c) => c.rawDelta > 0).length;
  out.push({
    table: 'Table 4',
    row: 'All arms and iterations',
    column: 'Net-negative cells',
    printed: 'every iteration',
    computed: `${negative} of ${cells.length}`,
    status: negative === cells.length ? 'match' : 'mismatch',
    explanation:
      `By the study's own net (new fixes − regressions) ${negative} of ${cells.length} cells are negative (its table ` +
      `prints a 0). Its net counts a re-break as a regression but never a re-fix; by the symmetric change in ` +
      `problems passing, raw[k] − raw[k−1], ${symmetricNegative} cells are negative and ${symmetricPositive} positive.`,
  });

  for (const { arm, solved } of PRINTED_TABLE5) {
    const t = tableOf(arm);
    solved.forEach((printed, k) =>
      out.push(compareNumber({ table: 'Table 5', row: PAPER_ARM_LABEL[arm], column: `iters=${k}` }, exact(printed), t.effective[k] ?? 0)),
    );
  }
  for (const { arm, initialPasses, broke, breakRatePercent } of PRINTED_TABLE6) {
    const t = tableOf(arm);
    const place = (column: string): Place => ({ table: 'Table 6', row: PAPER_ARM_LABEL[arm], column });
    out.push(compareNumber(place('Initial Passes'), exact(initialPasses), t.initialPasses));
    out.push(compareNumber(place('Broke'), exact(broke), t.broke));
    out.push(compareNumber(place('Break Rate'), breakRatePercent, 100 * (t.breakRate ?? 0), { unit: ' %' }));
  }
  return out;
}

/**
 * Table 3 (HumanEval column): the printed range of fix rates across configurations against the
 * range over the four refining arms of error_taxonomy.json (bare AssertionErrors, its "None" row,
 * counted as AssertionError, rounded), with every arm's rate from both released files and, per
 * row, which other reading of the files (table3-rules.ts) gives the printed range.
 */
export function compareTable3(taxonomy: ReleasedErrorTaxonomy, iterations: ReleasedIterationAnalysis): Comparison[] {
  const taxonomyRates = taxonomyFixRates(taxonomy);
  const iterationRates = iterationArmTables(iterations).map(({ arm, fixesByFirstError }) => ({ arm, rows: fixesByFirstError }));
  const percent = (fixed: number, total: number): string => `${formatAs((100 * fixed) / total, 0)} %`;
  const fitting = PRINTED_TABLE3.map(({ errorType, humaneval }) => rulesGivingRange(errorType, humaneval, taxonomyRates, iterationRates));
  const oneRule = everyRule().find((rule) => fitting.every((rules) => ruleFits(rule, rules)));
  const rows = PRINTED_TABLE3.map(({ errorType, humaneval: [low, high] }, i): Comparison => {
    const categories = errorType === 'AssertionError' ? ['AssertionError', 'None'] : [errorType];
    const fromTaxonomy = taxonomyRates.flatMap(({ arm, rows: r }) => {
      const mine = r.filter((row) => categories.includes(row.category));
      const total = mine.reduce((n, row) => n + row.total, 0);
      const fixed = mine.reduce((n, row) => n + row.fixed, 0);
      return total > 0 ? [{ arm, rate: (100 * fixed) / total, text: `${arm} ${fixed}/${total} = ${percent(fixed, total)}` }] : [];
    });
    const fromIterations = iterationRates.flatMap(({ arm, rows: r }) => {
      const row = r.find((x) => x.category === errorType);
      return row ? [`${arm} ${row.fixed}/${row.total} = ${percent(row.fixed, row.total)}`] : [];
    });
    const rates = fromTaxonomy.map((r) => r.rate);
    const computed =
      rates.length === 0 ? null : `${formatAs(Math.min(...rates), 0)}–${formatAs(Math.max(...rates), 0)} %`;
    const printed = low === high ? `${low} %` : `${low}–${high} %`;
    const matches = computed === `${low}–${high} %` || (low === high && computed === `${low}–${low} %`);
    const rules = describeRules(fitting[i] ?? []);
    const tried = '(either file or both, with or without the coder arm, bare asserts merged or apart, rounded or truncated)';
    const verdict =
      rules.length === 0
        ? `None of the rules we tried ${tried} gives this row's printed range.`
        : `Of the rules we tried ${tried}, this row's printed range comes from ${rules.join('; or ')}` +
          (oneRule ? `; ${describeRule(oneRule)} fits every row.` : '; but no one rule fits all rows.');
    return {
      table: 'Table 3',
      row: errorType,
      column: 'HumanEval fix rate',
      printed,
      computed,
      status: matches ? 'match' : 'mismatch',
      explanation: matches
        ? null
        : `Computed: the four arms of error_taxonomy.json, bare asserts merged, rounded. ` +
          `Per arm in error_taxonomy.json (early stopping): ${fromTaxonomy.map((r) => r.text).join('; ')}. ` +
          `In iteration_analysis.json (forced iterations): ${fromIterations.join('; ') || 'none'}. ${verdict} ` +
          `The paper says only that the ranges span the tested configurations.`,
    };
  });
  return [
    ...rows,
    notReleased(
      { table: 'Table 3', row: 'All error types', column: 'MBPP fix rate' },
      PRINTED_TABLE3.map(({ errorType, mbpp: [low, high] }) => `${errorType} ${low === high ? low : `${low}–${high}`} %`).join(', '),
      'The study released no MBPP raw results (HumanEval only), so this cannot be recomputed.',
    ),
  ];
}

/** §4.8: "7 of 164 problems were never solved by any tested configuration". */
export function compareUnfixable(taxonomy: ReleasedErrorTaxonomy): Comparison[] {
  const report = unfixableReport(taxonomy);
  const split = new Map<string, number>();
  for (const u of report.recomputedUnfixable) split.set(u.dominantError, (split.get(u.dominantError) ?? 0) + 1);
  const printedSplit = Object.entries(PRINTED_UNFIXABLE.byError);
  const computedSplit = printedSplit.map(([error]) => `${split.get(error) ?? 0} ${error}`).join(', ');
  const splitMatches =
    printedSplit.every(([error, n]) => split.get(error) === n) && split.size === printedSplit.length;
  return [
    {
      table: '§4.8 text',
      row: 'HumanEval',
      column: 'Problems solved by no configuration',
      printed: `${PRINTED_UNFIXABLE.problems} of ${PRINTED_UNFIXABLE.of}`,
      computed: `${report.unsolved.length} of ${report.totalProblems}`,
      status: report.unsolved.length === PRINTED_UNFIXABLE.problems ? 'match' : 'mismatch',
      explanation: report.explanation,
    },
    {
      table: '§4.8 text',
      row: 'HumanEval',
      column: "The study's unfixable list",
      printed: `${PRINTED_UNFIXABLE.problems}`,
      computed: `${report.recomputedUnfixable.length}`,
      status: report.recomputedUnfixable.length === PRINTED_UNFIXABLE.problems ? 'match' : 'mismatch',
      explanation: `Re-applying the study's rule (every arm's final error type non-null) to error_taxonomy.json.`,
    },
    {
      table: '§4.8 text',
      row: 'HumanEval',
      column: 'Unfixable by dominant error',
      printed: printedSplit.map(([error, n]) => `${n} ${error}`).join(', '),
      computed: computedSplit,
      status: splitMatches ? 'match' : 'mismatch',
      explanation: splitMatches ? null : `Dominant final error per problem of the study's list: ${computedSplit}.`,
    },
  ];
}
