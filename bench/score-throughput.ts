/**
 * How fast does Feedback Lab score? The canonical solutions of both benchmarks, then the broken
 * corpus (tests/support/broken-variants.ts), scored by the Pyodide sandbox under Node worker
 * threads and by the CPython reference runner (reference/reference_runner.py, the
 * openai/human-eval model: one forked process per program), with the same worker count, the
 * same program text and the same per-task limits, one runner after the other in the same run.
 *
 *   npm run bench -- [--workers 2] [--runs 5]
 *
 * The ratio is sandbox time / reference time; the target is ≤ 0.5 (twice as fast as the native
 * harness). The sets are timed apart because they measure different things: the canonical
 * solutions are per-program overhead plus execution speed (the one slow task, on its own, is
 * execution speed alone), the broken set is mostly time limits (the same on both sides) and, in
 * the sandbox, replacing interpreters that a program killed or may have damaged.
 * Nothing here asserts times: the numbers go into docs/performance.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createNodeSandbox } from '../src/sandbox/node-sandbox.ts';
import { scoreWithReference, scoreWithSandbox, type Verdict } from '../reference/scoring-corpus.ts';
import { formatSeconds, printLimitFloor, printThroughputTable, printVerdicts, throughputCorpus, wholeNumberOption } from './throughput-report.ts';

const TARGET_RATIO = 0.5;

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '5' } } });
const workers = wholeNumberOption('workers', values.workers);
const runs = wholeNumberOption('runs', values.runs);
const { canonical, sets, total } = await throughputCorpus();

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`Scoring throughput — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`);
console.log(`${total} programs: ${canonical.length} canonical solutions + ${sets.broken.length} broken variants; ${workers} worker(s) each side.`);
console.log(`load average at start: ${load()}\n`);

// Sandbox first, then the reference: never both at once, so neither steals the other's cores.
const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};
const [sandbox, startMs] = await time(() => createNodeSandbox({ workers }));
const ours = new Map<string, Verdict>();
const reference = new Map<string, Verdict>();
const oursMs: Record<keyof typeof sets, number> = { fast: 0, slow: 0, broken: 0 };
const referenceMs: Record<keyof typeof sets, number> = { fast: 0, slow: 0, broken: 0 };
const keep = (into: Map<string, Verdict>) => (verdicts: Map<string, Verdict>) => verdicts.forEach((v, key) => into.set(key, v));

// The short set runs several times, alternating runners so that drift in machine load hits both
// alike; its medians are compared. The long sets run once each.
const fastRuns: { sandbox: number; reference: number }[] = [];
for (let run = 0; run < runs; run++) {
  const [oursFast, sandboxRunMs] = await time(() => scoreWithSandbox(sets.fast, sandbox, workers));
  const [referenceFast, referenceRunMs] = await time(() => scoreWithReference(sets.fast, workers));
  keep(ours)(oursFast);
  keep(reference)(referenceFast);
  fastRuns.push({ sandbox: sandboxRunMs, reference: referenceRunMs });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
oursMs.fast = median(fastRuns.map((r) => r.sandbox));
referenceMs.fast = median(fastRuns.map((r) => r.reference));
for (const name of ['slow', 'broken'] as const) {
  const [verdicts, ms] = await time(() => scoreWithSandbox(sets[name], sandbox, workers));
  keep(ours)(verdicts);
  oursMs[name] = ms;
}
const stats = sandbox.stats();
await sandbox.close();
for (const name of ['slow', 'broken'] as const) {
  const [verdicts, ms] = await time(() => scoreWithReference(sets[name], workers));
  keep(reference)(verdicts);
  referenceMs[name] = ms;
}
printThroughputTable({ ours: 'sandbox', runs, sets, total, startMs, oursMs, referenceMs, fastRuns });
console.log(`target ratio ≤ ${TARGET_RATIO}; sandbox start-up ${formatSeconds(startMs)} (${workers} interpreters in parallel)`);
const reasons = Object.entries(stats.respawnReasons).map(([why, n]) => `${n} × ${why}`);
console.log(`interpreters replaced during the run: ${stats.respawns}${reasons.length ? ` (${reasons.join('; ')})` : ''}; ${stats.spareUses} served by a spare, ${stats.sparesStarted} spare(s) started`);
console.log(`load average at end: ${load()}`);

printVerdicts('sandbox', canonical, sets.broken, ours, reference);
printLimitFloor('sandbox', sets.broken, workers, { ours, reference }, { oursBroken: oursMs.broken, reference: referenceMs });
