/**
 * What the two scoring-throughput benches share (score-throughput.ts under Node,
 * score-throughput-chromium.ts in the app's page): their options, the corpus split into the sets
 * timed apart, and the report — the table of sets with times, rates and ratios, each canonical
 * run, and how the verdicts split and differ between the two runners.
 */
import type { Problem } from '../src/core/benchmarks/problem.ts';
import { SLOW_TASK_TIMEOUT_MS } from '../src/core/harness/limits.ts';
import { brokenItems, canonicalItems, type CorpusItem, type Verdict } from '../reference/scoring-corpus.ts';
import { loadTestProblems } from '../tests/support/datasets.ts';

export type SetName = 'fast' | 'slow' | 'broken';

/** A command-line option that must be a whole number from 1. */
export function wholeNumberOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, not ${value}.`);
  return n;
}

export interface ThroughputCorpus {
  problems: Problem[];
  canonical: CorpusItem[];
  sets: Record<SetName, CorpusItem[]>;
  /** Every program: the canonical solutions and the broken variants. */
  total: number;
}

/**
 * Both benchmarks' canonical solutions and broken variants. The calibrated slow tasks (Mbpp/123:
 * seconds in either runner) are a set of their own: on two workers one of them alone outlasts
 * the other 590 canonical programs, hiding per-program costs.
 */
export async function throughputCorpus(): Promise<ThroughputCorpus> {
  const problems = [...(await loadTestProblems('humaneval')), ...(await loadTestProblems('mbpp'))];
  const canonical = canonicalItems(problems);
  const isSlow = (item: CorpusItem) => SLOW_TASK_TIMEOUT_MS[item.problem.id] !== undefined;
  const sets = { fast: canonical.filter((item) => !isSlow(item)), slow: canonical.filter(isSlow), broken: brokenItems(problems) };
  return { problems, canonical, sets, total: canonical.length + sets.broken.length };
}

export interface ThroughputRun {
  /** What the sandbox column is called: `sandbox` (Node) or `page` (Chromium). */
  ours: string;
  runs: number;
  sets: Record<SetName, CorpusItem[]>;
  /** Every program of the corpus, for the last row. */
  total: number;
  startMs: number;
  oursMs: Record<SetName, number>;
  referenceMs: Record<SetName, number>;
  fastRuns: { sandbox: number; reference: number }[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(9);
const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(0)}/s`.padStart(7);
const sum = (ms: Record<string, number>) => Object.values(ms).reduce((a, b) => a + b, 0);

export function printThroughputTable(run: ThroughputRun): void {
  const { sets, oursMs, referenceMs } = run;
  const rows: [string, number, number, number][] = [
    [`canonical, all but slow tasks (median of ${run.runs})`, sets.fast.length, oursMs.fast, referenceMs.fast],
    [`canonical, slow tasks (${sets.slow.map((item) => item.problem.id).join(', ')})`, sets.slow.length, oursMs.slow, referenceMs.slow],
    ['broken', sets.broken.length, oursMs.broken, referenceMs.broken],
    ['all, sandbox start-up included', run.total, run.startMs + sum(oursMs), sum(referenceMs)],
  ];
  console.log(`${'set'.padEnd(44)} ${'programs'.padStart(8)} ${run.ours.padStart(9)} ${'rate'.padStart(7)} ${'reference'.padStart(9)} ${'rate'.padStart(7)}  ratio`);
  for (const [name, n, oursRowMs, referenceRowMs] of rows) {
    console.log(`${name.padEnd(44)} ${String(n).padStart(8)} ${seconds(oursRowMs)} ${rate(n, oursRowMs)} ${seconds(referenceRowMs)} ${rate(n, referenceRowMs)}  ${(oursRowMs / referenceRowMs).toFixed(2)}`);
  }
  const each = run.fastRuns.map((r) => `${(r.sandbox / 1000).toFixed(2)}/${(r.reference / 1000).toFixed(2)}`).join(', ');
  console.log(`\ncanonical runs, ${run.ours}/reference seconds: ${each}`);
}

export function formatSeconds(ms: number): string {
  return seconds(ms).trim();
}

/** Prints how each runner's verdicts split; returns the programs whose verdicts differ. */
export function printVerdicts(ours: string, canonical: CorpusItem[], broken: CorpusItem[], oursVerdicts: Map<string, Verdict>, reference: Map<string, Verdict>): CorpusItem[] {
  const split = (items: CorpusItem[], verdicts: Map<string, Verdict>) => {
    const counts = { passed: 0, failed: 0, timeout: 0 };
    for (const item of items) counts[verdicts.get(item.key)?.verdict ?? 'failed']++;
    return `${counts.passed} passed, ${counts.failed} failed, ${counts.timeout} timed out`;
  };
  console.log(`\ncanonical: ${ours} ${split(canonical, oursVerdicts)}; reference ${split(canonical, reference)}`);
  console.log(`broken:    ${ours} ${split(broken, oursVerdicts)}; reference ${split(broken, reference)}`);
  const differ = [...canonical, ...broken].filter((item) => oursVerdicts.get(item.key)?.verdict !== reference.get(item.key)?.verdict);
  const shown = differ.map((d) => `${d.key}: ${oursVerdicts.get(d.key)?.verdict}/${reference.get(d.key)?.verdict}`).slice(0, 10);
  console.log(`verdicts that differ: ${differ.length}${differ.length ? ` (${shown.join(', ')})` : ''}`);
  return differ;
}

/**
 * The broken set's time beyond its time-limit floor. A program that runs into its limit costs
 * that limit on either side (the verdicts must agree, so the limits are equal), and no runner
 * can finish the set in less than the sum of those limits over the workers. What is left above
 * that floor is what a runner itself spends: starting, cleaning up, replacing interpreters.
 */
export function printLimitFloor(
  ours: string,
  broken: CorpusItem[],
  workers: number,
  verdicts: { ours: Map<string, Verdict>; reference: Map<string, Verdict> },
  ms: { oursBroken: number; reference: Record<SetName, number> },
): void {
  const floorMs = (of: Map<string, Verdict>) =>
    broken.reduce((sum, item) => sum + (of.get(item.key)?.verdict === 'timeout' ? item.limits.timeoutMs : 0), 0) / workers;
  const oursFloor = floorMs(verdicts.ours);
  const referenceFloor = floorMs(verdicts.reference);
  const timedOut = broken.filter((item) => verdicts.ours.get(item.key)?.verdict === 'timeout').length;
  console.log(
    `\nbroken set, time-limit floor (${timedOut} programs at their limit / ${workers} workers): ${ours} ${formatSeconds(oursFloor)}, reference ${formatSeconds(referenceFloor)}`,
  );
  console.log(
    `broken set beyond that floor: ${ours} ${formatSeconds(ms.oursBroken - oursFloor)}, reference ${formatSeconds(ms.reference.broken - referenceFloor)}, ratio ${((ms.oursBroken - oursFloor) / (ms.reference.broken - referenceFloor)).toFixed(2)}`,
  );
  console.log(`a runner spending no time but the limits would score everything at ratio ${(oursFloor / sum(ms.reference)).toFixed(2)} against this reference`);
}
