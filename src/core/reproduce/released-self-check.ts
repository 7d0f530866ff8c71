/**
 * The released files against their own raw data. Each file holds, beside the raw verdicts, the
 * study's own summaries of them (main_results.json's mean/stdev/min/max, iteration_analysis.json's
 * `analyses`, error_taxonomy.json's `fix_rates`). The paper's tables were made from those
 * summaries, so before a printed number is blamed on the paper, the summary it came from is
 * checked against what our code computes from the raw data of the same file. In the files of
 * the pinned commit every check agrees; a file edited by hand, or one from another commit,
 * shows here which of its summaries no longer follows from its data.
 */
import { firstErrorTable, type FirstErrorRow } from '../stats/error-tables.ts';
import { iterationTable } from '../stats/iteration-tables.ts';
import { MAIN_RESULTS_FILE, summarizeArm, type ReleasedMainResults } from './main-results.ts';
import { ERROR_TAXONOMY_FILE, taxonomyStepTrajectories, type ReleasedErrorTaxonomy } from './error-taxonomy.ts';
import { ITERATION_ANALYSIS_FILE, passTrajectories, stepTrajectories, type ReleasedIterationAnalysis } from './iteration-analysis.ts';
import { studyErrorCategory } from './study-error-category.ts';

export interface SelfCheck {
  file: string;
  /** The released arm name. */
  arm: string;
  /** What is compared, in the file's own words where it has them (`raw_pass_at_iter`). */
  quantity: string;
  released: string;
  recomputed: string;
  agrees: boolean;
}

const list = (values: readonly number[]): string => values.join(', ');

function check(file: string, arm: string, quantity: string, released: string, recomputed: string): SelfCheck {
  return { file, arm, quantity, released, recomputed, agrees: released === recomputed };
}

// The study's floats came from Python's statistics module on the same integers; ours agree to the
// last bits or two, so a tolerance far below any printed precision tells a real difference.
function sameFloat(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function floatCheck(arm: string, quantity: string, released: number, recomputed: number): SelfCheck {
  const agrees = sameFloat(released, recomputed);
  const text = (v: number) => String(Number(v.toPrecision(12)));
  return { file: MAIN_RESULTS_FILE, arm, quantity, released: text(released), recomputed: agrees ? text(released) : text(recomputed), agrees };
}

/**
 * main_results.json: each arm's mean, stdev, min and max against its pass_counts, and its
 * consistency histogram against them too: Σ k · consistency[k] counts the problem-runs solved,
 * which is the sum of the runs' pass counts.
 */
export function mainResultsSelfChecks(main: ReleasedMainResults): SelfCheck[] {
  return main.arms.flatMap((arm) => {
    const s = summarizeArm(arm);
    const solvedInHistogram = arm.consistency.reduce((total, problems, k) => total + k * problems, 0);
    const passes = arm.passCounts.reduce((a, b) => a + b, 0);
    return [
      floatCheck(arm.name, 'mean', arm.released.mean, s.mean),
      floatCheck(arm.name, 'stdev', arm.released.stdev, s.sd ?? Number.NaN),
      check(MAIN_RESULTS_FILE, arm.name, 'min', String(arm.released.min), String(s.min)),
      check(MAIN_RESULTS_FILE, arm.name, 'max', String(arm.released.max), String(s.max)),
      check(MAIN_RESULTS_FILE, arm.name, 'Σ k · consistency[k] (problem-runs solved)', String(solvedInHistogram), String(passes)),
    ];
  });
}

/** A first-error row as the study writes it: total; fixed at iterations 1…K; never fixed. */
function fixRowText(total: number, fixedAtIteration: readonly number[], neverFixed: number): string {
  return `${total}; ${list(fixedAtIteration.slice(1))}; ${neverFixed}`;
}

function byCategory<T extends { category: string }>(rows: readonly T[]): Map<string, T> {
  return new Map(rows.map((r) => [r.category, r]));
}

/**
 * iteration_analysis.json: each arm's `analyses` (raw, new fixes, regressions, effective,
 * initial passes, the first-break iterations, fixes by first error) against what
 * stats/iteration-tables.ts and stats/error-tables.ts compute from its raw_trajectories.
 */
export function iterationSelfChecks(iterations: ReleasedIterationAnalysis): SelfCheck[] {
  return iterations.arms.flatMap((arm) => {
    const own = arm.summary;
    const t = iterationTable(passTrajectories(arm));
    const c = (quantity: string, released: string, recomputed: string) => check(ITERATION_ANALYSIS_FILE, arm.name, quantity, released, recomputed);
    // The file lists each broken problem's first failing iteration; compared as counts per iteration 1…K.
    const breaksAt = (breaks: readonly number[]) =>
      list(Array.from({ length: iterations.forcedIterations }, (_, i) => breaks.filter((k) => k === i + 1).length));
    const checks = [
      c('n_problems', String(own.problems), String(t.problems)),
      c('raw_pass_at_iter', list(own.raw), list(t.raw)),
      c('new_fixes_at_iter', list(own.newFixes), list(t.newFixes)),
      c('regressions_at_iter', list(own.regressions), list(t.regressions)),
      c('effective_pass_at_iter', list(own.effective), list(t.effective)),
      c('initial_pass_count', String(own.initialPasses), String(t.initialPasses)),
      c(`regression_first_break: initial passes first failing at 1…${iterations.forcedIterations}`, breaksAt(own.firstBreaks), breaksAt(t.firstBreaks)),
    ];
    const ours = byCategory(firstErrorTable(stepTrajectories(arm), studyErrorCategory));
    const theirs = byCategory(own.errorFixByIteration);
    for (const category of new Set([...theirs.keys(), ...ours.keys()])) {
      const r = theirs.get(category);
      const o: FirstErrorRow | undefined = ours.get(category);
      checks.push(
        c(
          `error_fix_by_iter ${category}: total; fixed at 1…${iterations.forcedIterations}; never fixed`,
          r ? fixRowText(r.total, r.fixedAtIteration, r.neverFixed) : '(no row)',
          o ? fixRowText(o.total, o.fixedAtIteration, o.neverFixed) : '(no row)',
        ),
      );
    }
    return checks;
  });
}

/**
 * error_taxonomy.json: each refining arm's `fix_rates` (count and fixed per first error
 * category) against its per_problem outcomes. (Its `passed` is checked by the file's reader.)
 */
export function taxonomySelfChecks(taxonomy: ReleasedErrorTaxonomy): SelfCheck[] {
  return taxonomy.arms.flatMap((arm) => {
    if (arm.fixRates === null) return [];
    const checks: SelfCheck[] = [];
    const ours = byCategory(firstErrorTable(taxonomyStepTrajectories(arm), studyErrorCategory));
    const theirs = byCategory(arm.fixRates);
    for (const category of new Set([...theirs.keys(), ...ours.keys()])) {
      const r = theirs.get(category);
      const o = ours.get(category);
      checks.push(
        check(
          ERROR_TAXONOMY_FILE,
          arm.name,
          `fix_rates ${category}: fixed of count`,
          r ? `${r.fixed} of ${r.count}` : '(no row)',
          o ? `${o.fixed} of ${o.total}` : '(no row)',
        ),
      );
    }
    return checks;
  });
}
