/**
 * The paper's tables computed from its released data by the same stats code that analyses our
 * own runs: Table 1 from per-run pass counts, Table 2 from those summaries, Tables 4–6 from the
 * forced-iteration trajectories, fix rates from the per-problem error outcomes.
 */
import { errorTransitions, firstErrorTable, type FirstErrorRow, type TransitionMatrices } from '../stats/error-tables.ts';
import { iterationTable, type IterationTable } from '../stats/iteration-tables.ts';
import { comparePaired, type PairedComparison } from '../stats/paired.ts';
import { separation, type Separation } from '../stats/sigma.ts';
import { percentOf, type Summary } from '../stats/summary.ts';
import { taxonomyStepTrajectories, type ReleasedErrorTaxonomy, type ReleasedTaxonomyArm } from './error-taxonomy.ts';
import { passTrajectories, stepTrajectories, type ReleasedIterationAnalysis } from './iteration-analysis.ts';
import { armNamed, summarizeArm, type ReleasedMainResults } from './main-results.ts';
import { studyErrorCategory } from './study-error-category.ts';

export interface Table1Row {
  arm: string;
  passCounts: number[];
  summary: Summary;
  /** 100 · mean / total problems */
  percent: number;
}

/** Table 1 (HumanEval): per arm, mean ± SD of the runs and the mean as % of the problems. */
export function table1(main: ReleasedMainResults): Table1Row[] {
  return main.arms.map((arm) => {
    const summary = summarizeArm(arm);
    return { arm: arm.name, passCounts: arm.passCounts, summary, percent: percentOf(summary.mean, main.totalProblems) };
  });
}

function meanSd(main: ReleasedMainResults, name: string): { mean: number; sd: number } {
  const s = summarizeArm(armNamed(main, name));
  if (s.sd === null) throw new Error(`σ needs at least two runs of "${name}".`);
  return { mean: s.mean, sd: s.sd };
}

/** Δ and σ = Δ / √(SD₁² + SD₂²) of `treatment` against `baseline` (released arm names). */
export function sigmaBetween(main: ReleasedMainResults, baseline: string, treatment: string): Separation {
  return separation(meanSd(main, baseline), meanSd(main, treatment));
}

export interface SigmaPair extends Separation {
  baseline: string;
  treatment: string;
}

/** σ for every pair of arms (baseline = the arm listed first in the file). */
export function allSigmaPairs(main: ReleasedMainResults): SigmaPair[] {
  const pairs: SigmaPair[] = [];
  main.arms.forEach((a, i) => {
    for (const b of main.arms.slice(i + 1)) {
      pairs.push({ baseline: a.name, treatment: b.name, ...sigmaBetween(main, a.name, b.name) });
    }
  });
  return pairs;
}

export interface IterationArmTables {
  arm: string;
  /** Tables 4–6 and Fig. 3. */
  table: IterationTable;
  /** First error category → fixed at which iteration (the study's error_fix_by_iter). */
  fixesByFirstError: FirstErrorRow[];
  /** Error category transitions between consecutive iterations. */
  transitions: TransitionMatrices;
}

/** Per arm of the forced-iteration run: iteration table, fixes by first error, transitions. */
export function iterationArmTables(iterations: ReleasedIterationAnalysis): IterationArmTables[] {
  return iterations.arms.map((arm) => ({
    arm: arm.name,
    table: iterationTable(passTrajectories(arm)),
    fixesByFirstError: firstErrorTable(stepTrajectories(arm), studyErrorCategory),
    transitions: errorTransitions(stepTrajectories(arm), studyErrorCategory),
  }));
}

/**
 * Fix rates by first error category for the arms that refine (the study's fix_rates), from the
 * early-stopping run of error_taxonomy.json. Bare AssertionErrors form the "None" row there.
 */
export function taxonomyFixRates(taxonomy: ReleasedErrorTaxonomy): { arm: string; rows: FirstErrorRow[] }[] {
  return taxonomy.arms
    .filter((arm) => arm.fixRates !== null)
    .map((arm) => ({ arm: arm.name, rows: firstErrorTable(taxonomyStepTrajectories(arm), studyErrorCategory) }));
}

/**
 * A problem of a refining arm that error_taxonomy.json lists with no execution at all
 * (trajectory_length 0: the study's 120 s cap on a whole pipeline struck). It has a logged first
 * error type but no first step, so no fix-rate row counts it (as in the study's own fix_rates);
 * it still counts as a failure in the arm's passes.
 */
export interface UncountedProblem {
  arm: string;
  taskId: string;
  /** The row its logged first error type would have been counted under. */
  category: string;
}

/** Every problem the fix rates leave out for want of an execution, arm by arm, in file order. */
export function taxonomyUncounted(taxonomy: ReleasedErrorTaxonomy): UncountedProblem[] {
  return taxonomy.arms
    .filter((arm) => arm.fixRates !== null)
    .flatMap((arm) =>
      arm.problems
        .filter((p) => p.executions === 0)
        .map((p) => ({ arm: arm.name, taskId: p.taskId, category: studyErrorCategory(p.initialErrorType) })),
    );
}

function taxonomyArm(taxonomy: ReleasedErrorTaxonomy, name: string): ReleasedTaxonomyArm {
  const arm = taxonomy.arms.find((a) => a.name === name);
  if (arm === undefined) {
    throw new Error(`error_taxonomy.json has no arm "${name}" (it has: ${taxonomy.arms.map((a) => a.name).join(', ')}).`);
  }
  return arm;
}

/**
 * What the study lacked: a paired per-problem comparison of two arms (McNemar, bootstrap CIs).
 * Only error_taxonomy.json keeps per-problem verdicts of every arm, from one run each, so this
 * compares single runs, not five-run means.
 */
export function pairedFromTaxonomy(
  taxonomy: ReleasedErrorTaxonomy,
  baseline: string,
  treatment: string,
  options: { seed: number; replicates?: number },
): PairedComparison {
  const pass = (name: string): boolean[] => taxonomyArm(taxonomy, name).problems.map((p) => p.passed);
  return comparePaired(pass(baseline), pass(treatment), options);
}
