/**
 * Per-arm tables of a study: Table 1 (mean ± SD over repeats, per-run counts), pass rates with
 * bootstrap CIs over problems, consistency over repeats and single run vs mean (Table 7).
 */
import { bootstrapPassRate, type ConfidenceInterval } from '../stats/bootstrap.ts';
import { passRateMethod, percentInterval } from './chart-data.ts';
import { consistencyHistogram, noisyProblems, passAtKFromHistogram } from '../stats/consistency.ts';
import { singleVsOtherRuns } from '../stats/single-vs-mean.ts';
import { printedTable7Gaps, type PercentRange } from '../reproduce/table7-gaps.ts';
import { formatAs } from '../reproduce/printed-number.ts';
import { percentOf, summarize } from '../stats/summary.ts';
import { commonProblems, runPasses, shareSolved, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';
import { formatNumber, maybeNumberCell, numberCell, textCell, type Cell, type Table } from './table.ts';
import { isKnownBrokenMbpp, MBPP_KNOWN_BROKEN } from '../benchmarks/mbpp.ts';
import { countOf } from '../count-text.ts';

export interface ArmSummaryRow {
  arm: AnalysisArm;
  /** Passes of each complete run (a verdict for every problem): what the mean and SD are over. */
  passCounts: number[];
  /** Units with a verdict in each run (problems minus errored or unfinished units). */
  finished: number[];
  /** Runs missing some verdicts, in repeat order: their passes are not comparable and stay out of the mean. */
  partial: { passes: number; verdicts: number }[];
  /** NaN without a complete run. */
  mean: number;
  sd: number | null;
}

/** Per arm with any verdict, the statistics over its complete runs. */
export function armSummaries(study: AnalysisStudy): ArmSummaryRow[] {
  return study.arms
    .filter((arm) => arm.runs.length > 0)
    .map((arm) => {
      const complete = arm.runs.filter((run) => run.size >= arm.problemCount);
      const partial = arm.runs.filter((run) => run.size < arm.problemCount).map((run) => ({ passes: runPasses(run), verdicts: run.size }));
      const passCounts = complete.map(runPasses);
      const s = passCounts.length > 0 ? summarize(passCounts) : { mean: Number.NaN, sd: null };
      return { arm, passCounts, finished: arm.runs.map((r) => r.size), partial, mean: s.mean, sd: s.sd };
    });
}

/** Table 1 style: per arm, per-run passes, mean ± SD and the mean as % of the study's problems. */
export function armSummaryTable(study: AnalysisStudy): Table {
  const summaries = armSummaries(study);
  const totals = new Set(summaries.map((r) => r.arm.problemCount));
  // In CSV, a column per repeat with each complete run's passes (a partial run's field empty, as it is out of the mean).
  const repeats = Math.max(0, ...summaries.map((r) => r.arm.plannedRuns));
  const rows = summaries.map((r): Cell[] => {
    const total = r.arm.problemCount;
    const missing = r.arm.plannedRuns * total - r.finished.reduce((a, f) => a + f, 0);
    const any = r.passCounts.length > 0;
    // In repeat order, a partial run in its own place: "(3 passed of 4 scored), 5, 6" when run 1 is the
    // partial one. Not "so far": a finished study whose errored units were not run again stays partial.
    // A repeat with no verdict at all (a shard of the later repeats) is not listed: the runs that
    // are say which repeat they are, or "10, 10" read as runs 1 and 2.
    const skipsRepeats = r.arm.runRepeats.some((repeat, i) => repeat !== i);
    const perRun = r.arm.runs.map((run, i) => {
      const passes = runPasses(run);
      const text = run.size >= total ? String(passes) : `(${passes} passed of ${run.size} scored)`;
      return skipsRepeats ? `run ${(r.arm.runRepeats[i] ?? i) + 1}: ${text}` : text;
    });
    const completeByRepeat = Array.from({ length: repeats }, (_, k) => {
      const run = r.arm.runs[r.arm.runRepeats.indexOf(k)];
      return run !== undefined && run.size >= total ? runPasses(run) : null;
    });
    return [
      textCell(r.arm.label),
      numberCell(r.passCounts.length),
      { text: perRun.join(', '), values: completeByRepeat },
      any ? numberCell(r.mean, 1) : textCell('–'),
      maybeNumberCell(r.sd, 1),
      any && total > 0 ? numberCell(percentOf(r.mean, total), 1, ' %') : textCell('–'),
      any ? numberCell(Math.min(...r.passCounts)) : textCell('–'),
      any ? numberCell(Math.max(...r.passCounts)) : textCell('–'),
      numberCell(missing),
    ];
  });
  const of = totals.size === 1 ? `of ${[...totals][0]}` : "of each arm's study";
  return {
    id: 'arm-summary',
    caption: `Problems solved per arm over repeats (${of}): mean ± sample SD (n − 1), as the study's Table 1`,
    columns: [
      { label: 'Arm' },
      { label: 'Runs', numeric: true },
      { label: 'Passes per run', ...(repeats > 0 ? { csvLabels: Array.from({ length: repeats }, (_, k) => `Passes, run ${k + 1}`) } : {}) },
      { label: 'Mean', numeric: true },
      { label: 'SD', numeric: true },
      { label: 'Mean %', numeric: true },
      { label: 'Min', numeric: true },
      { label: 'Max', numeric: true },
      { label: 'Units without verdict', numeric: true },
    ],
    rows,
    notes: [
      'Units without a verdict (the model failed through every retry, or the study was stopped) are left out of the counts, not counted as failures.',
      'A run missing some verdicts is shown in brackets (passes of the verdicts it has) and left out of Runs, mean, SD, min and max, and so of Δ and σ between arms; McNemar and the CI of Δ pass rate pair every verdict there is, a partial run\'s too.',
      ...knownBrokenNote(study, summaries),
    ],
  };
}

/**
 * Sanitized-MBPP tasks that MBPP+ removed as broken, among the study's problems: scored like the
 * rest, so totals compare with other results on the same problems, and flagged here with what
 * each arm made of them, so a reader can discount them (DESIGN §4). The Playground marks them too.
 */
function knownBrokenNote(study: AnalysisStudy, summaries: readonly ArmSummaryRow[]): string[] {
  const flagged = study.problemIds.filter(isKnownBrokenMbpp);
  if (flagged.length === 0) return [];
  const perArm = summaries.flatMap((r) => {
    // Only arms that ran them: a HumanEval study beside an MBPP one would be credited with 0.0 (audit R222-4).
    if (!r.arm.problemIds.some(isKnownBrokenMbpp)) return [];
    const complete = r.arm.runs.filter((run) => run.size >= r.arm.problemCount);
    if (complete.length === 0) return [];
    const passes = complete.reduce((sum, run) => sum + flagged.filter((id) => run.get(id)?.passed === true).length, 0);
    return [`${r.arm.label} ${formatNumber(passes / complete.length, 1)}`];
  });
  const list = flagged.join(', ');
  return [
    `${countOf(flagged.length, 'problem')} here (${list}) ${flagged.length === 1 ? 'is' : 'are'} among the ${MBPP_KNOWN_BROKEN.size} that MBPP+ removed from ` +
      `sanitized MBPP as broken (wrong or ambiguous tests). ${flagged.length === 1 ? 'It is' : 'They are'} scored like every other problem, so totals stay ` +
      `comparable with other results on the same problems${perArm.length > 0 ? `; mean passes on ${flagged.length === 1 ? 'it' : 'them'} per run: ${perArm.join(', ')}` : ''}.`,
  ];
}

export interface ArmPassRate {
  label: string;
  /** Percent of problems, with its 95 % bootstrap CI over problems. */
  interval: ConfidenceInterval;
  problems: number;
}

/**
 * Pass rate per arm as the mean over problems of the share of repeats that solved each, with a
 * percentile bootstrap 95 % CI over problems (how much the rate would move on another draw of
 * problems like these). Equals the mean pass rate per run when every unit has a verdict.
 */
export function armPassRates(study: AnalysisStudy, seed: number, replicates?: number): ArmPassRate[] {
  return study.arms.flatMap((arm) => {
    const shares = study.problemIds.map((id) => shareSolved(arm, id)).filter((s): s is number => s !== null);
    if (shares.length === 0) return [];
    const ci = bootstrapPassRate(shares, replicates === undefined ? { seed } : { seed, replicates });
    return [{ label: arm.label, interval: percentInterval(ci), problems: shares.length }];
  });
}

export function passRateTable(rates: readonly ArmPassRate[]): Table {
  return {
    id: 'pass-rate-ci',
    caption: 'Pass rate per arm with a 95 % bootstrap CI over problems',
    columns: [
      { label: 'Arm' },
      { label: 'Problems', numeric: true },
      { label: 'Pass rate', numeric: true, unit: '%' },
      { label: '95 % CI low', numeric: true, unit: '%' },
      { label: '95 % CI high', numeric: true, unit: '%' },
    ],
    rows: rates.map((r) => [
      textCell(r.label),
      numberCell(r.problems),
      numberCell(r.interval.estimate, 1, ' %'),
      maybeNumberCell(r.interval.lower, 1, ' %'),
      maybeNumberCell(r.interval.upper, 1, ' %'),
    ]),
    notes: [
      passRateMethod(rates[0]?.interval ?? { replicates: 0, seed: 0 }),
      ...(rates.some((r) => r.interval.method === 'exact-binomial')
        ? [
            'An arm that solved every problem (or none) has nothing to resample — every resample gives the same rate — so its interval is ' +
              'the exact binomial (Clopper–Pearson) one over its problems.',
          ]
        : []),
      ...(rates.some((r) => r.interval.method === 'none') ? [NO_INTERVAL_NOTE] : []),
    ],
  };
}

/** Said under a table where some interval is "–" because every problem scored the same share. */
export const NO_INTERVAL_NOTE =
  'A CI reads "–" where every problem scored the same share of repeats (a study of one problem, say): every resample of problems ' +
  'gives that same value, so resampling says nothing about uncertainty and no interval is shown.';

export interface ArmConsistency {
  label: string;
  /** histogram[k] = problems solved in exactly k of the runs. */
  histogram: number[];
  problems: number;
  /** The arm's own problems and runs with any verdict, when the histogram leaves some out. */
  ofProblems?: number;
  ofRuns?: number;
}

/**
 * Problems solved in k of n repeats, per arm. Every problem must be judged in every run counted,
 * so where some verdicts are missing either runs or problems are left out, whichever keeps more
 * problem-runs: a study stopped early in its last repeat drops that repeat (not every problem it
 * never reached), a single errored unit drops its problem (not a whole run).
 */
export function armConsistency(study: AnalysisStudy): ArmConsistency[] {
  return study.arms.flatMap((arm) => {
    if (arm.runs.length === 0) return [];
    const own = arm.problemIds.filter((id) => study.problemIds.includes(id));
    const complete = arm.runs.filter((run) => own.every((id) => run.has(id)));
    const common = commonProblems(study, [arm]);
    const [runs, ids] = complete.length * own.length > arm.runs.length * common.length ? [complete, own] : [arm.runs, common];
    if (ids.length === 0) return [];
    const histogram = consistencyHistogram(runs.map((run) => ids.map((id) => run.get(id)?.passed === true)));
    const row: ArmConsistency = { label: arm.label, histogram, problems: ids.length };
    return [ids.length < own.length || runs.length < arm.runs.length ? { ...row, ofProblems: own.length, ofRuns: arm.runs.length } : row];
  });
}

export function consistencyTable(rows: readonly ArmConsistency[]): Table {
  const maxRuns = Math.max(0, ...rows.map((r) => r.histogram.length - 1));
  const ks = Array.from({ length: maxRuns + 1 }, (_, k) => k);
  return {
    id: 'consistency',
    caption: 'Consistency over repeats: problems solved in k of n runs',
    columns: [
      { label: 'Arm' },
      { label: 'Runs', numeric: true },
      ...ks.map((k) => ({ label: `${k} of n`, numeric: true })),
      { label: 'Sometimes solved', numeric: true },
      { label: `pass@n`, numeric: true },
    ],
    rows: rows.map((r) => {
      const n = r.histogram.length - 1;
      return [
        textCell(r.label),
        numberCell(n),
        ...ks.map((k) => (k <= n ? numberCell(r.histogram[k] ?? 0) : textCell('–'))),
        numberCell(noisyProblems(r.histogram)),
        n >= 1 ? numberCell(100 * passAtKFromHistogram(r.histogram, n), 1, ' %') : textCell('–'),
      ];
    }),
    notes: [
      '"Sometimes solved" problems (1 … n − 1 of n) are why a single run misleads. pass@n: solved in at least one of the n runs.',
      ...rows.flatMap((r) =>
        r.ofProblems === undefined || r.ofRuns === undefined
          ? []
          : [
              `${r.label}: over ${r.problems} of its ${r.ofProblems} problems and ${r.histogram.length - 1} of its ${r.ofRuns} runs ` +
                '(a problem counts only when every run counted judged it; some verdicts are missing).',
            ],
      ),
    ],
  };
}

/**
 * The study's own gaps, from its Table 7 as printed, in both measures: its "5–7 %" is the drop
 * from the single run; read as inflation over the mean, the same runs are 5.3–7.9 %. Quoting
 * 5–7 % beside the inflation column would set one measure against the other.
 */
function studyTable7Gaps(): string {
  const gaps = printedTable7Gaps();
  const range = ({ min, max }: PercentRange): string => `${formatAs(min, 1)}–${formatAs(max, 1)} %`;
  return (
    `By this measure the study's single runs (its Table 7) were ${range(gaps.inflationPercent)} above their five-run means; ` +
    `the paper's "5–7 %" is the drop measured from the single run, 100 · (single − mean) / single (${range(gaps.dropPercent)}).`
  );
}

/**
 * Table 7 style: the first run and the luckiest run, each against the mean of the arm's other
 * complete runs. The study set a separate single run against five fresh ones; a mean that
 * included the run itself would lean towards it and understate the gap.
 */
export function singleVsMeanTable(study: AnalysisStudy): Table {
  const summaries = armSummaries(study);
  const tooFewRuns = summaries.filter((r) => r.passCounts.length < 2).map((r) => r.arm.label);
  const neverPassed = summaries.filter((r) => r.passCounts.length >= 2 && !(r.mean > 0)).map((r) => r.arm.label);
  let noGap = false;
  const rows = summaries
    .filter((r) => r.passCounts.length >= 2 && r.mean > 0)
    .map((r): Cell[] => {
      const first = r.passCounts[0] ?? 0;
      // The first complete run, which is not repeat 1 when that one misses a verdict (an errored unit).
      const firstIndex = r.arm.runs.findIndex((run) => run.size >= r.arm.problemCount);
      const firstRepeat = (r.arm.runRepeats[firstIndex] ?? 0) + 1;
      const best = Math.max(...r.passCounts);
      const othersMean = (index: number): number => {
        const others = r.passCounts.filter((_, i) => i !== index);
        return others.reduce((a, b) => a + b, 0) / others.length;
      };
      const bestIndex = r.passCounts.indexOf(best);
      const firstGap = singleVsOtherRuns(r.passCounts, 0);
      const bestGap = singleVsOtherRuns(r.passCounts, bestIndex);
      noGap ||= firstGap === null || bestGap === null;
      return [
        textCell(r.arm.label),
        firstRepeat === 1 ? numberCell(first) : { text: `${first} (run ${firstRepeat})`, value: first },
        numberCell(othersMean(0), 1),
        // The difference needs no division: it stands even where run 1 solved nothing.
        numberCell(othersMean(0) - first, 1),
        maybeNumberCell(firstGap?.inflationPercent ?? null, 1, ' %'),
        numberCell(best),
        numberCell(othersMean(bestIndex), 1),
        maybeNumberCell(bestGap?.inflationPercent ?? null, 1, ' %'),
      ];
    });
  return {
    id: 'single-vs-mean',
    caption: "Single run vs the mean of the other repeats, as the study's Table 7",
    columns: [
      { label: 'Arm' },
      { label: 'Run 1', numeric: true },
      { label: 'Mean of the other runs', numeric: true },
      { label: 'Difference (that mean − run 1)', numeric: true },
      { label: 'Run 1 inflation', numeric: true, unit: '%' },
      { label: 'Best run', numeric: true },
      { label: 'Mean without the best run', numeric: true },
      { label: 'Best-run inflation', numeric: true, unit: '%' },
    ],
    rows,
    notes: [
      'Each single run is set against the mean of the arm\'s other complete runs, leaving it out, as the study\'s Table 7 set a separate run ' +
        'against five fresh ones: a mean that counted the run itself would lean towards it and shrink the gap. ' +
        `Inflation = 100 · (single − mean of the others) / mean of the others. A search that keeps its best single evaluation reports the best run. ${studyTable7Gaps()}`,
      ...(rows.some((row) => /\(run \d+\)$/.test(row[1]?.text ?? ''))
        ? ['Run 1 misses a verdict in some arms (an errored or unfinished unit): there the first complete run is used, and named.']
        : []),
      ...(noGap ? ['Inflation reads "–" where the run solved nothing or the other runs solved nothing (no percentage of 0).'] : []),
      ...(tooFewRuns.length > 0
        ? [`Left out, with fewer than two complete runs (no mean of repeats to set a single run against): ${tooFewRuns.join('; ')}.`]
        : []),
      ...(neverPassed.length > 0 ? [`Left out, solving nothing in any run (inflation over a mean of 0 is undefined): ${neverPassed.join('; ')}.`] : []),
    ],
  };
}
