/**
 * Table 2 style comparisons of arm pairs: the study's Δ and σ = Δ/√(SD₁² + SD₂²) over repeats,
 * beside what it lacked — McNemar's test on the discordant problems of each matched repeat, and a
 * bootstrap 95 % CI of the difference in pass rate over problems.
 */
import { bootstrapPairedDifference } from '../stats/bootstrap.ts';
import { mcnemarFromOutcomes, type McNemarResult, type PairedCounts } from '../stats/mcnemar.ts';
import { separation } from '../stats/sigma.ts';
import { armSummaries } from './arm-tables.ts';
import { commonProblems, shareSolved, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';
import { formatNumber, maybeNumberCell, numberCell, textCell, type Cell, type Table } from './table.ts';

export interface ArmPair {
  baselineId: string;
  treatmentId: string;
}

export interface PairResult {
  baseline: AnalysisArm;
  treatment: AnalysisArm;
  /** Δ of mean passes per complete run (treatment − baseline), null without one on each side; σ null without two, and not finite when both arms have SD 0 (see sigmaCell). */
  delta: number | null;
  sigma: number | null;
  /** McNemar per matched repeat (repeat r of one arm against repeat r of the other). */
  perRepeat: (McNemarResult & PairedCounts)[];
  /** Bootstrap CI of Δ pass rate (percentage points) over problems, from each problem's share of repeats solved. */
  difference: { estimate: number; lower: number; upper: number } | null;
  problems: number;
}

/** Every arm against the first, the default pairs to show. */
export function defaultPairs(study: AnalysisStudy): ArmPair[] {
  const [first, ...rest] = study.arms;
  return first ? rest.map((arm) => ({ baselineId: first.id, treatmentId: arm.id })) : [];
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
    const ids = commonProblems(study, [b.arm, t.arm]);
    const sigma = b.sd !== null && t.sd !== null ? separation({ mean: b.mean, sd: b.sd }, { mean: t.mean, sd: t.sd }).sigma : null;
    // Repeat r of one arm against repeat r of the other, over the repeats both have.
    const perRepeat = b.arm.runRepeats.flatMap((repeat, i) => {
      const j = t.arm.runRepeats.indexOf(repeat);
      if (j < 0) return [];
      return [
        mcnemarFromOutcomes(
          ids.map((id) => b.arm.runs[i]?.get(id)?.passed === true),
          ids.map((id) => t.arm.runs[j]?.get(id)?.passed === true),
        ),
      ];
    });
    let difference: PairResult['difference'] = null;
    if (ids.length > 0) {
      const ci = bootstrapPairedDifference(
        ids.map((id) => shareSolved(b.arm, id) ?? 0),
        ids.map((id) => shareSolved(t.arm, id) ?? 0),
        options,
      );
      difference = { estimate: 100 * ci.estimate, lower: 100 * ci.lower, upper: 100 * ci.upper };
    }
    const delta = b.passCounts.length > 0 && t.passCounts.length > 0 ? t.mean - b.mean : null;
    return [{ baseline: b.arm, treatment: t.arm, delta, sigma, perRepeat, difference, problems: ids.length }];
  });
}

/** A p-value as people read it: 3 significant digits, or "< 0.0001". */
export function formatP(p: number): string {
  if (p < 0.0001) return '< 0.0001';
  return p >= 0.01 ? formatNumber(p, 3) : p.toPrecision(2);
}

/** Shown instead of σ when both arms passed the same number in every repeat (Δ over zero spread). */
export const NO_SPREAD = 'no spread (SD 0 in both)';

const NO_SPREAD_NOTE =
  `Where σ reads "${NO_SPREAD}", both arms solved the same number of problems in every repeat (as a deterministic model ` +
  'at temperature 0 does): there is no run-to-run spread to measure Δ against, so σ has no value. McNemar and the CI still compare them.';

/**
 * σ as a cell: an en dash without two runs per arm, and words instead of ∞ (or an en dash for
 * 0/0) when both SDs are 0, so neither the screen nor a CSV claims an infinite separation.
 */
export function sigmaCell(sigma: number | null): Cell {
  if (sigma === null) return textCell('–');
  return Number.isFinite(sigma) ? numberCell(sigma, 2, 'σ') : textCell(NO_SPREAD);
}

export function pairTable(results: readonly PairResult[], options: { seed: number; replicates: number }): Table {
  return {
    id: 'pair-comparisons',
    caption: 'Arm pairs: Δ and σ over repeats (as the study\'s Table 2), McNemar per matched repeat, bootstrap 95 % CI of Δ pass rate',
    columns: [
      { label: 'Treatment vs baseline' },
      { label: 'Δ passes', numeric: true },
      { label: 'σ', numeric: true },
      { label: 'Discordant b / c per repeat' },
      { label: 'McNemar exact p per repeat' },
      { label: 'Δ pass rate', numeric: true },
      { label: '95 % CI low', numeric: true },
      { label: '95 % CI high', numeric: true },
      { label: 'Problems', numeric: true },
    ],
    rows: results.map((r) => [
      textCell(`${r.treatment.label} vs ${r.baseline.label}`),
      maybeNumberCell(r.delta, 1),
      sigmaCell(r.sigma),
      textCell(r.perRepeat.map((m) => `${m.b} / ${m.c}`).join('; ')),
      textCell(r.perRepeat.map((m) => formatP(m.exactP)).join('; ')),
      maybeNumberCell(r.difference?.estimate ?? null, 1, ' pp'),
      maybeNumberCell(r.difference?.lower ?? null, 1, ' pp'),
      maybeNumberCell(r.difference?.upper ?? null, 1, ' pp'),
      numberCell(r.problems),
    ]),
    notes: [
      ...(results.some((r) => r.sigma !== null && !Number.isFinite(r.sigma)) ? [NO_SPREAD_NOTE] : []),
      'σ = Δ / √(SD₁² + SD₂²) is an effect size over repeats, not a test. b: problems only the baseline solved, c: only the treatment; McNemar\'s exact two-sided p asks whether b and c differ by more than chance.',
      `The CI resamples problems (${options.replicates} times, seed ${options.seed}), each scored by the share of its repeats solved, both arms together.`,
    ],
  };
}
