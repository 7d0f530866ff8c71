/**
 * Iteration tables of forced-iteration arms (every refinement runs even after a pass): the
 * study's Tables 4–6 and Fig. 3. Trajectories of all repeats are pooled, so counts are
 * problem-runs; a run the time cap cut short counts as failing at the iterations it never reached.
 */
import { cumulativeSolved, iterationTable, type IterationTable } from '../stats/iteration-tables.ts';
import { armTrajectories, attemptExecutions, type AnalysisArm, type AnalysisStudy } from './study-runs.ts';
import { countOf } from '../count-text.ts';
import { maybeNumberCell, numberCell, tableId, textCell, type Table } from './table.ts';

export interface ArmIterations {
  label: string;
  /** Runs the problem-runs amount to (fractional when a run is partial). */
  runs: number;
  table: IterationTable;
  /** Problem-runs whose trajectory stopped before the last iteration (time cap), padded with failures. */
  padded: number;
  /**
   * Of `padded`: runs that passed at iteration 0 and at every iteration they reached, so their
   * only "break" is the padding. The break table counts them and must say so (audit R208-1).
   */
  brokeByCap: number;
}

/**
 * Problem-runs counted in whole runs of the arm's study: the number of runs when every run is
 * complete, and no more than the data holds when one is partial (a stopped study, a missing
 * shard), so a "per run" mean does not count the missing problems as unsolved.
 */
function runsWorth(arm: AnalysisArm, problemRuns: number): number {
  return arm.problemCount > 0 ? problemRuns / arm.problemCount : arm.runs.length;
}

function verdicts(study: AnalysisStudy, arm: AnalysisArm): boolean[][] {
  return armTrajectories(study, arm).map((t) => attemptExecutions(t).map((e) => e.outcome.kind === 'passed'));
}

/** Iteration tables of every forced-iteration arm. */
export function forcedIterationTables(study: AnalysisStudy): ArmIterations[] {
  return study.arms
    .filter((arm) => arm.forcedIterations)
    .flatMap((arm) => {
      const raw = verdicts(study, arm);
      // To the pipeline's last iteration even if every run was cut short before it (ArmSpec.plannedAttempts).
      const length = Math.max(0, raw.length > 0 ? (arm.plannedAttempts ?? 0) : 0, ...raw.map((v) => v.length));
      if (raw.length === 0 || length === 0) return [];
      let padded = 0;
      let brokeByCap = 0;
      const full = raw.map((v) => {
        if (v.length === length) return v;
        padded++;
        if (v.length > 0 && v.every((passed) => passed)) brokeByCap++;
        return [...v, ...new Array<boolean>(length - v.length).fill(false)];
      });
      return [{ label: arm.label, runs: runsWorth(arm, full.length), table: iterationTable(full), padded, brokeByCap }];
    });
}

/** One arm's per-iteration table: raw, new fixes, regressions, the study's net beside the raw delta, effective. */
export function iterationTableView(arm: ArmIterations): Table {
  const t = arm.table;
  return {
    id: tableId('iterations', arm.label),
    caption: `${arm.label}: what each forced iteration did (${t.problems} problem-runs)`,
    columns: [
      { label: 'Iteration' },
      { label: 'Raw passing', numeric: true },
      { label: 'New fixes', numeric: true },
      { label: 'Regressions', numeric: true },
      { label: 'Net (study)', numeric: true },
      { label: 'Raw Δ', numeric: true },
      { label: 'Recoveries', numeric: true },
      { label: 'Effective (early stop)', numeric: true },
    ],
    rows: t.raw.map((raw, k) => [
      textCell(String(k)),
      numberCell(raw),
      numberCell(t.newFixes[k] ?? 0),
      numberCell(t.regressions[k] ?? 0),
      numberCell(t.net[k] ?? 0),
      numberCell(t.rawDelta[k] ?? 0),
      numberCell(t.recoveries[k] ?? 0),
      numberCell(t.effective[k] ?? 0),
    ]),
    notes: [
      'Net = new fixes − regressions, the study\'s definition: a problem that broke and passed again adds a regression but no fix. Raw Δ = raw[k] − raw[k−1] counts both; Raw Δ = Net + Recoveries.',
      ...(arm.padded > 0
        ? [
            `${countOf(arm.padded, 'problem-run')} hit the time cap early and count as failing at the iterations they never reached` +
              (arm.brokeByCap > 0 ? `; ${arm.brokeByCap} of them still passed when the cap came, so each adds a regression refinement did not make.` : '.'),
          ]
        : []),
    ],
  };
}

/** Table 6 style: initial passes that later broke, and how much of the fixing happened at iteration 1. */
export function breakTableView(arms: readonly ArmIterations[]): Table {
  return {
    id: 'break-rate',
    caption: 'Initial passes broken by forced refinement, and the share of fixes made at iteration 1',
    columns: [
      { label: 'Arm' },
      { label: 'Initial passes', numeric: true },
      { label: 'Broke', numeric: true },
      { label: 'Break rate', numeric: true, unit: '%' },
      { label: 'Fixes after iteration 0', numeric: true },
      { label: 'Share at iteration 1', numeric: true, unit: '%' },
    ],
    rows: arms.map((a) => [
      textCell(a.label),
      numberCell(a.table.initialPasses),
      numberCell(a.table.broke),
      maybeNumberCell(a.table.breakRate === null ? null : 100 * a.table.breakRate, 0, ' %'),
      numberCell(a.table.fixesAfterInitial),
      maybeNumberCell(a.table.shareOfFixesAtIteration1 === null ? null : 100 * a.table.shareOfFixesAtIteration1, 0, ' %'),
    ]),
    // A slow machine's time cap would otherwise read as refinement breaking working code (audit R208-1).
    notes: arms
      .filter((a) => a.brokeByCap > 0)
      .map(
        (a) =>
          `${a.label}: ${a.brokeByCap} of its ${a.table.broke} breaks ${a.brokeByCap === 1 ? 'is a problem-run' : 'are problem-runs'} the time cap per problem ended while ${a.brokeByCap === 1 ? 'it' : 'they'} still passed; ` +
          'counted as failing at the iterations never reached, as in the iteration table, not broken by refinement.',
      ),
  };
}

export interface IterationSeries {
  label: string;
  /** values[k] per iteration k, as mean problems per run. */
  values: number[];
}

/**
 * Fig. 3, left: problems solved after at most k iterations with early stopping, mean per run,
 * for every arm that refines (forced arms: `effective`; early-stopping arms: their own runs).
 */
export function cumulativeSolvedSeries(study: AnalysisStudy): IterationSeries[] {
  return study.arms.flatMap((arm) => {
    const v = verdicts(study, arm);
    // To the pipeline's last iteration, not the longest run's: an arm whose runs all passed by
    // iteration 2 has solved at most 3 iterations what it solved by 2, not "–" (ArmSpec.plannedAttempts).
    const maxIteration = Math.max(0, arm.plannedAttempts ?? 0, ...v.map((x) => x.length)) - 1;
    if (maxIteration < 1 || arm.runs.length === 0) return [];
    return [{ label: arm.label, values: cumulativeSolved(v, maxIteration).map((n) => n / runsWorth(arm, v.length)) }];
  });
}

/**
 * What the per-run means of the arms above rest on when some of their runs are partial (a study
 * stopped mid-run, a shard not opened): runsWorth() counts the problem-runs there are as a
 * fraction of whole runs, so a mean per run of those arms is scaled up from the problems judged.
 * The summary table leaves partial runs out instead; without this sentence its "–" beside a
 * figure's "14.0 per run" reads as a contradiction.
 */
export function scaledRunNotes(study: AnalysisStudy, labels: ReadonlySet<string>): string[] {
  return study.arms.flatMap((arm) => {
    if (!labels.has(arm.label) || arm.problemCount === 0) return [];
    const problemRuns = armTrajectories(study, arm).length;
    const partial = arm.runs.filter((run) => run.size < arm.problemCount).length;
    if (partial === 0) return [];
    const worth = problemRuns / arm.problemCount;
    return [
      `${arm.label}: ${partial} of its ${arm.runs.length} runs ${partial === 1 ? 'is' : 'are'} partial, so its ${problemRuns} problem-runs ` +
        `count as ${Number(worth.toFixed(2))} run${Number(worth.toFixed(2)) === 1 ? '' : 's'} of ${arm.problemCount} problems: its values per run are scaled up from the problems judged, ` +
        'as if the rest went the same way.',
    ];
  });
}

/** Fig. 3, right: the study's net per iteration k ≥ 1 without early stopping, mean per run. */
export function netSeries(arms: readonly ArmIterations[]): IterationSeries[] {
  return arms.map((a) => ({ label: a.label, values: a.table.net.slice(1).map((n) => (a.runs > 0 ? n / a.runs : 0)) }));
}
