/**
 * Table 2 style comparisons of arm pairs: the study's Δ and σ = Δ/√(SD₁² + SD₂²) over repeats,
 * beside what it lacked — McNemar's test on the discordant problems of each matched repeat, and a
 * bootstrap 95 % CI of the difference in pass rate over problems.
 */
import { bootstrapPairedDifference, type ConfidenceInterval } from '../stats/bootstrap.ts';
import { mcnemarFromOutcomes, type McNemarResult, type PairedCounts } from '../stats/mcnemar.ts';
import { NO_SPREAD, separation } from '../stats/sigma.ts';
import { armSummaries, NO_INTERVAL_NOTE } from './arm-tables.ts';
import { shareSolved, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';
import { formatNumber, maybeNumberCell, numberCell, textCell, type Cell, type Table } from './table.ts';
import { countText } from '../count-text.ts';

export interface ArmPair {
  baselineId: string;
  treatmentId: string;
}

export interface PairResult {
  baseline: AnalysisArm;
  treatment: AnalysisArm;
  /**
   * Δ of mean passes per complete run (treatment − baseline), null without one on each side or when
   * the arms' studies have different problems (pass counts of different problem sets do not
   * subtract); σ null without two, and not finite when both arms have SD 0 (see sigmaCell).
   */
  delta: number | null;
  sigma: number | null;
  /** The arms come from studies with different problems: Δ and σ are left out. */
  differentProblems: boolean;
  /**
   * McNemar per matched repeat (repeat r of one arm against repeat r of the other), each on the
   * problems both of those runs have a verdict for; a repeat with none in common has no test.
   */
  perRepeat: (McNemarResult & PairedCounts & { repeat: number; problems: number })[];
  /** Bootstrap CI of Δ pass rate (percentage points) over problems, from each problem's share of repeats solved. */
  difference: { estimate: number; lower: number; upper: number; method: ConfidenceInterval['method'] } | null;
  /** Problems the CI is over: those with a verdict in some run of each arm. */
  problems: number;
}

/**
 * The default pairs to show: every arm against its own study's first arm — the first arm of all
 * when one study is open — and a study's first arm against the first earlier arm that shares
 * problems with it. Studies side by side on other problems (MBPP beside HumanEval) are compared
 * within themselves, not against an arm they have nothing in common with; a second study on a few
 * of the first one's problems compares its arms with its own baseline over all of its problems,
 * not with the first study's over the few they share (audit R222-1). Arms without a verdict (a
 * model that never loaded) are no baseline or treatment: there is nothing to compare (R222-2).
 */
export function defaultPairs(study: AnalysisStudy): ArmPair[] {
  const judged = study.arms.filter((arm) => arm.runs.length > 0);
  return judged.flatMap((arm, i) => {
    const ids = new Set(arm.problemIds);
    const earlier = judged.slice(0, i).filter((b) => b.problemIds.some((id) => ids.has(id)));
    const baseline = earlier.find((b) => b.studyIndex === arm.studyIndex) ?? earlier[0];
    return baseline ? [{ baselineId: baseline.id, treatmentId: arm.id }] : [];
  });
}

/** The arms a pair names that have no verdict yet, by label: said beside the table, which cannot show them. */
export function armsWithoutVerdicts(study: AnalysisStudy, pairs: readonly ArmPair[]): string[] {
  const named = new Set(pairs.flatMap((p) => [p.baselineId, p.treatmentId]));
  return study.arms.filter((arm) => arm.runs.length === 0 && (named.has(arm.id) || pairs.length === 0)).map((arm) => arm.label);
}

export function comparePairs(
  study: AnalysisStudy,
  pairs: readonly ArmPair[],
  options: { seed: number; replicates?: number },
): PairResult[] {
  const summaries = new Map(armSummaries(study).map((s) => [s.arm.id, s]));
  return pairs.flatMap(({ baselineId, treatmentId }) => {
    const b = summaries.get(baselineId);
    const t = summaries.get(treatmentId);
    if (!b || !t) return [];
    const differentProblems = !sameProblems(b.arm, t.arm);
    const sigma =
      !differentProblems && b.sd !== null && t.sd !== null
        ? separation({ mean: b.mean, sd: b.sd }, { mean: t.mean, sd: t.sd }).sigma
        : null;
    // Repeat r of one arm against repeat r of the other, over the repeats both have, each on the
    // problems both of those runs judged: a run stopped part-way in another repeat (a study stopped
    // during its last repeat) must not shrink the complete repeats to its few problems.
    const perRepeat = b.arm.runRepeats.flatMap((repeat, i) => {
      const j = t.arm.runRepeats.indexOf(repeat);
      const baseRun = b.arm.runs[i];
      const treatRun = t.arm.runs[j];
      if (j < 0 || baseRun === undefined || treatRun === undefined) return [];
      const ids = study.problemIds.filter((id) => baseRun.has(id) && treatRun.has(id));
      if (ids.length === 0) return [];
      const test = mcnemarFromOutcomes(
        ids.map((id) => baseRun.get(id)?.passed === true),
        ids.map((id) => treatRun.get(id)?.passed === true),
      );
      return [{ ...test, repeat, problems: ids.length }];
    });
    // Each problem scored by the share of the runs that judged it (a missing verdict is not a failure).
    const scored = study.problemIds.flatMap((id) => {
      const base = shareSolved(b.arm, id);
      const treat = shareSolved(t.arm, id);
      return base === null || treat === null ? [] : [{ base, treat }];
    });
    let difference: PairResult['difference'] = null;
    if (scored.length > 0) {
      const ci = bootstrapPairedDifference(
        scored.map((p) => p.base),
        scored.map((p) => p.treat),
        options,
      );
      difference = { estimate: 100 * ci.estimate, lower: 100 * ci.lower, upper: 100 * ci.upper, method: ci.method };
    }
    const delta = !differentProblems && b.passCounts.length > 0 && t.passCounts.length > 0 ? t.mean - b.mean : null;
    return [{ baseline: b.arm, treatment: t.arm, delta, sigma, differentProblems, perRepeat, difference, problems: scored.length }];
  });
}

function sameProblems(a: AnalysisArm, b: AnalysisArm): boolean {
  if (a.problemIds.length !== b.problemIds.length) return false;
  const ids = new Set(a.problemIds);
  return b.problemIds.every((id) => ids.has(id));
}

/** The levels people compare a p-value with whatever the table says. */
const USUAL_P_LEVELS = [0.05, 0.01];

/**
 * A p-value as people read it: 3 decimals from 0.01 up, 2 significant digits below, "< 0.0001"
 * at the bottom — but with as many more digits as it takes for the shown value to fall on the same
 * side of 0.05, 0.01 and each of `levels` (a Bonferroni threshold) as p itself: rounded to 3
 * decimals, 0.0504 would read "0.050" and pass for significant at 0.05, and 0.0104 would read
 * "0.010", the very threshold 0.05 / 5.
 */
export function formatP(p: number, levels: readonly number[] = []): string {
  if (Number.isNaN(p)) return '–';
  if (p < 0.0001) return '< 0.0001';
  const all = [...USUAL_P_LEVELS, ...levels];
  let decimals = p >= 0.01 ? 3 : 1 - Math.floor(Math.log10(p));
  let text = formatNumber(p, decimals);
  while (decimals < 12 && all.some((level) => Math.sign(Number(text) - level) !== Math.sign(p - level))) {
    decimals++;
    text = formatNumber(p, decimals);
  }
  return text;
}

/** A significance threshold such as 0.05 / 3, to 3 significant digits (0.0167), so a p shown beside it is never its equal by rounding. */
export function formatLevel(level: number): string {
  return String(Number(level.toPrecision(3)));
}

/** Bonferroni's threshold for m tests at a family-wise 5 %. */
export function bonferroniLevel(tests: number): number {
  return 0.05 / tests;
}

const NO_SPREAD_NOTE =
  `Where σ reads "${NO_SPREAD}", both arms solved the same number of problems in every repeat (as a deterministic model ` +
  'at temperature 0 does): there is no run-to-run spread to measure Δ against, so σ has no value. McNemar and the CI still compare them.';

/**
 * Said under a table of several McNemar tests: each p is that test's own. Read together, one of
 * many falls below 0.05 by chance alone; Bonferroni's bound (0.05 / m) is the simple guard.
 */
export function multipleTestsNote(tests: number): string[] {
  if (tests < 2) return [];
  return [
    `The ${tests} p-values are each test's own, not adjusted for multiple comparisons: read together, ` +
      `a p below 0.05 can be chance; to keep the chance of any false alarm under 5 %, compare each with 0.05 / ${tests} = ${formatLevel(bonferroniLevel(tests))} (Bonferroni).`,
  ];
}

/** Said under a table where some pair's CI of Δ is the exact bound rather than the bootstrap's. */
export const EXACT_DIFFERENCE_NOTE =
  'Where the two arms agree on every problem (or one alone solves every one), every resample gives the same Δ, so the CI is ' +
  'the exact binomial (Clopper–Pearson) bound on the share of problems where they differ instead of a zero-width interval.';

/**
 * σ as a cell: an en dash without two runs per arm, and words instead of ∞ (or an en dash for
 * 0/0) when both SDs are 0, so neither the screen nor a CSV claims an infinite separation.
 */
export function sigmaCell(sigma: number | null): Cell {
  if (sigma === null) return textCell('–');
  return Number.isFinite(sigma) ? numberCell(sigma, 2, 'σ') : textCell(NO_SPREAD);
}

/** A p-value as formatP shows it, with its exact value behind it (CSV writes it to 12 significant digits); "–" without one. */
export function pCell(p: number, levels: readonly number[] = []): Cell {
  return Number.isNaN(p) ? textCell('–') : { text: formatP(p, levels), value: p };
}

/**
 * The per-repeat columns of the pair table as CSV columns: a spreadsheet gets b, c, the problems
 * paired and p of each repeat as numbers of their own (p to 12 significant digits), not "6 / 23; 5 / 20" or
 * "0.0023; 0.720" in one text field. Repeats are numbered from 1, as on the page.
 */
function perRepeatCsv(results: readonly PairResult[]): {
  repeats: number[];
  discordant: (r: PairResult) => (number | null)[];
  p: (r: PairResult) => (number | null)[];
} {
  const repeats = [...new Set(results.flatMap((r) => r.perRepeat.map((m) => m.repeat)))].sort((a, b) => a - b);
  const at = (r: PairResult, repeat: number) => r.perRepeat.find((m) => m.repeat === repeat);
  return {
    repeats,
    discordant: (r) =>
      repeats.flatMap((repeat) => {
        const m = at(r, repeat);
        return m ? [m.b, m.c, m.problems] : [null, null, null];
      }),
    p: (r) =>
      repeats.map((repeat) => {
        const exactP = at(r, repeat)?.exactP;
        return exactP === undefined || Number.isNaN(exactP) ? null : exactP;
      }),
  };
}

export function pairTable(results: readonly PairResult[], options: { seed: number; replicates: number }): Table {
  const tests = results.reduce((n, r) => n + r.perRepeat.length, 0);
  const levels = tests > 1 ? [bonferroniLevel(tests)] : [];
  const csv = perRepeatCsv(results);
  const split = csv.repeats.length > 0;
  return {
    id: 'pair-comparisons',
    caption: 'Arm pairs: Δ and σ over repeats (as the study\'s Table 2), McNemar per matched repeat, bootstrap 95 % CI of Δ pass rate',
    columns: [
      { label: 'Treatment vs baseline' },
      { label: 'Δ passes', numeric: true },
      { label: 'σ', numeric: true },
      {
        label: 'Discordant b / c per repeat',
        ...(split ? { csvLabels: csv.repeats.flatMap((k) => [`b, repeat ${k + 1}`, `c, repeat ${k + 1}`, `Problems paired, repeat ${k + 1}`]) } : {}),
      },
      {
        label: 'McNemar exact p per repeat',
        ...(split ? { csvLabels: csv.repeats.map((k) => `McNemar exact p, repeat ${k + 1}`) } : {}),
      },
      { label: 'Δ pass rate', numeric: true, unit: 'pp' },
      { label: '95 % CI low', numeric: true, unit: 'pp' },
      { label: '95 % CI high', numeric: true, unit: 'pp' },
      { label: 'Problems', numeric: true },
    ],
    rows: results.map((r) => {
      // Repeats matched other than 1, 2, 3… (a shard of the later repeats, one arm's repeat 1 with no verdict): each says which it is.
      const named = r.perRepeat.some((m, i) => m.repeat !== i);
      const which = (m: { repeat: number }) => (named ? `repeat ${m.repeat + 1}: ` : '');
      return [
        textCell(`${r.treatment.label} vs ${r.baseline.label}`),
        maybeNumberCell(r.delta, 1),
        sigmaCell(r.sigma),
        {
          text: r.perRepeat.map((m) => `${which(m)}${m.b} / ${m.c}${m.problems === r.problems ? '' : ` (of ${m.problems})`}`).join('; ') || '–',
          values: csv.discordant(r),
        },
        { text: r.perRepeat.map((m) => `${which(m)}${formatP(m.exactP, levels)}`).join('; ') || '–', values: csv.p(r) },
        maybeNumberCell(r.difference?.estimate ?? null, 1, ' pp'),
        maybeNumberCell(r.difference?.lower ?? null, 1, ' pp'),
        maybeNumberCell(r.difference?.upper ?? null, 1, ' pp'),
        numberCell(r.problems),
      ];
    }),
    notes: [
      ...results.flatMap((r) => {
        const pair = `${r.treatment.label} vs ${r.baseline.label}`;
        if (r.problems === 0) {
          return [`${pair}: the two arms have no problem judged in common (different benchmarks or subsets), so nothing can be paired or tested.`];
        }
        return r.differentProblems
          ? [`${pair}: the arms' studies have different problems, so their pass counts do not subtract: Δ and σ are left out; McNemar and the CI use the ${r.problems} problems both judged.`]
          : [];
      }),
      ...(results.some((r) => r.sigma !== null && !Number.isFinite(r.sigma)) ? [NO_SPREAD_NOTE] : []),
      ...multipleTestsNote(tests),
      'σ = Δ / √(SD₁² + SD₂²) is an effect size over repeats, not a test. b: problems only the baseline solved, c: only the treatment; McNemar\'s exact two-sided p asks whether b and c differ by more than chance.',
      'Each repeat\'s test pairs the problems both of its runs judged ("of N" when that is not every problem of the CI).',
      `The CI resamples problems (${countText(options.replicates)} times, seed ${options.seed}), each scored by the share of its repeats solved, both arms together. ` +
        'Δ pass rate counts every verdict, a partial run\'s too, while Δ passes and σ come from complete runs only (as the means per arm), so the two can differ.',
      ...(results.some((r) => r.difference?.method === 'exact-binomial') ? [EXACT_DIFFERENCE_NOTE] : []),
      ...(results.some((r) => r.difference?.method === 'none') ? [NO_INTERVAL_NOTE] : []),
    ],
  };
}
