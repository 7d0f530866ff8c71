/**
 * `main_results.json`: the study's five-run validation on HumanEval (its Table 1), one entry
 * per arm with the per-run pass counts, their mean and SD, and the consistency histogram.
 * The released mean and SD are kept, but tables recompute them from the pass counts with the
 * same code that summarises our own runs.
 */
import { summarize, type Summary } from '../stats/summary.ts';
import { asCount, asNumber, asString, check, entries, field, items, rootCursor } from './read-json.ts';

export const MAIN_RESULTS_FILE = 'main_results.json';

export interface ReleasedArm {
  /** The study's name for the arm, e.g. `llama→exec→llama` (used to join the released files). */
  name: string;
  /** Problems passed in each run. */
  passCounts: number[];
  /** As released (Python statistics.mean / stdev / min / max of passCounts). */
  released: { mean: number; stdev: number; min: number; max: number };
  /** consistency[k] = problems solved in exactly k of the runs, k = 0…runs. */
  consistency: number[];
}

export interface ReleasedMainResults {
  runTimestamp: string;
  runs: number;
  totalProblems: number;
  arms: ReleasedArm[];
}

/**
 * The runs per arm in words: "five" as the released file (and a page without the file) has them,
 * else the file's own count ("2"): a file from another version of the study's scripts may hold
 * another number of runs.
 */
export function runsWord(main: ReleasedMainResults | null): string {
  return main === null || main.runs === 5 ? 'five' : String(main.runs);
}

/** "five-run" (mean), or the file's own count ("2-run"): see runsWord. */
export function runsAdjective(main: ReleasedMainResults | null): string {
  return `${runsWord(main)}-run`;
}

/** Validates and types a parsed `main_results.json`. Throws ReleasedFileError on any surprise. */
export function readMainResults(json: unknown): ReleasedMainResults {
  const root = rootCursor(MAIN_RESULTS_FILE, json);
  const runs = asCount(field(root, 'n_runs'));
  const totalProblems = asCount(field(root, 'total_problems'));
  const names = new Set<string>();
  const arms = items(field(root, 'configs')).map((config): ReleasedArm => {
    const nameCursor = field(config, 'name');
    const name = asString(nameCursor);
    check(!names.has(name), nameCursor, `names an arm twice ("${name}")`);
    names.add(name);

    const countsCursor = field(config, 'pass_counts');
    const passCounts = items(countsCursor).map(asCount);
    check(passCounts.length === runs, countsCursor, `should hold n_runs = ${runs} counts, holds ${passCounts.length}`);
    check(passCounts.every((c) => c <= totalProblems), countsCursor, `has a count above total_problems = ${totalProblems}`);

    const consistencyCursor = field(config, 'consistency');
    const histogram = new Map(entries(consistencyCursor).map(([k, c]) => [k, asCount(c)]));
    const consistency = Array.from({ length: runs + 1 }, (_, k) => histogram.get(String(k)) ?? -1);
    check(
      histogram.size === runs + 1 && consistency.every((c) => c >= 0),
      consistencyCursor,
      `should have one entry for each k = 0…${runs}`,
    );
    const problems = consistency.reduce((a, b) => a + b, 0);
    check(problems === totalProblems, consistencyCursor, `counts ${problems} problems, not total_problems = ${totalProblems}`);

    return {
      name,
      passCounts,
      released: {
        mean: asNumber(field(config, 'mean')),
        stdev: asNumber(field(config, 'stdev')),
        min: asNumber(field(config, 'min')),
        max: asNumber(field(config, 'max')),
      },
      consistency,
    };
  });
  return { runTimestamp: asString(field(root, 'run_timestamp')), runs, totalProblems, arms };
}

/** The arm's Table 1 summary, recomputed from its per-run pass counts. */
export function summarizeArm(arm: ReleasedArm): Summary {
  return summarize(arm.passCounts);
}

/** The arm called `name`; throws naming the arms that exist when there is none. */
export function armNamed(results: ReleasedMainResults, name: string): ReleasedArm {
  const arm = results.arms.find((a) => a.name === name);
  if (arm === undefined) {
    throw new Error(`${MAIN_RESULTS_FILE} has no arm "${name}" (it has: ${results.arms.map((a) => a.name).join(', ')}).`);
  }
  return arm;
}
