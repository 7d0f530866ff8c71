/**
 * How fast does Feedback Lab score? The canonical solutions of both benchmarks, then the broken
 * corpus (tests/support/broken-variants.ts), scored by the Pyodide sandbox under Node worker
 * threads and by the CPython reference runner (reference/reference_runner.py, the
 * openai/human-eval model: one forked process per program), with the same worker count, the
 * same program text and the same per-task limits, one runner after the other in the same run.
 *
 *   npm run bench -- [--workers 2]
 *
 * The ratio is sandbox time / reference time; the target is ≤ 0.5 (twice as fast as the native
 * harness). The two sets are timed apart because they measure different things: the canonical
 * set is execution speed, the broken set is mostly time limits (identical on both sides) and,
 * in the sandbox, replacing interpreters that a program killed or may have damaged.
 * Nothing here asserts times: the numbers go into docs/performance.md.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Problem } from '../src/core/benchmarks/problem.ts';
import { createNodeSandbox } from '../src/sandbox/node-sandbox.ts';
import { brokenItems, canonicalItems, scoreWithReference, scoreWithSandbox, type CorpusItem, type Verdict } from '../reference/scoring-corpus.ts';
import { loadTestProblems } from '../tests/support/datasets.ts';

const TARGET_RATIO = 0.5;

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' } } });
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive whole number, not ${values.workers}.`);

const problems: Problem[] = [...(await loadTestProblems('humaneval')), ...(await loadTestProblems('mbpp'))];
const sets = { canonical: canonicalItems(problems), broken: brokenItems(problems) };
const total = sets.canonical.length + sets.broken.length;

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`Scoring throughput — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`);
console.log(`${total} programs: ${sets.canonical.length} canonical solutions + ${sets.broken.length} broken variants; ${workers} worker(s) each side.`);
console.log(`load average at start: ${load()}\n`);

// Sandbox first, then the reference: never both at once, so neither steals the other's cores.
const time = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};
const [sandbox, startMs] = await time(() => createNodeSandbox({ workers }));
const [oursCanonical, oursCanonicalMs] = await time(() => scoreWithSandbox(sets.canonical, sandbox, workers));
const [oursBroken, oursBrokenMs] = await time(() => scoreWithSandbox(sets.broken, sandbox, workers));
const stats = sandbox.stats();
await sandbox.close();
const [refCanonical, refCanonicalMs] = await time(() => scoreWithReference(sets.canonical, workers));
const [refBroken, refBrokenMs] = await time(() => scoreWithReference(sets.broken, workers));

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(9);
const rate = (n: number, ms: number) => `${(n / (ms / 1000)).toFixed(0)}/s`.padStart(7);
const rows: [string, number, number, number][] = [
  ['canonical', sets.canonical.length, oursCanonicalMs, refCanonicalMs],
  ['broken', sets.broken.length, oursBrokenMs, refBrokenMs],
  ['both, sandbox start-up included', total, startMs + oursCanonicalMs + oursBrokenMs, refCanonicalMs + refBrokenMs],
];
console.log(`${'set'.padEnd(32)} ${'programs'.padStart(8)} ${'sandbox'.padStart(9)} ${'rate'.padStart(7)} ${'reference'.padStart(9)} ${'rate'.padStart(7)}  ratio`);
for (const [name, n, ours, ref] of rows) {
  console.log(`${name.padEnd(32)} ${String(n).padStart(8)} ${seconds(ours)} ${rate(n, ours)} ${seconds(ref)} ${rate(n, ref)}  ${(ours / ref).toFixed(2)}`);
}
console.log(`\ntarget ratio ≤ ${TARGET_RATIO}; sandbox start-up ${seconds(startMs).trim()} (${workers} interpreters in parallel)`);
const reasons = Object.entries(stats.respawnReasons).map(([why, n]) => `${n} × ${why}`);
console.log(`interpreters replaced during the run: ${stats.respawns}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
console.log(`load average at end: ${load()}`);

const split = (items: CorpusItem[], verdicts: Map<string, Verdict>) => {
  const counts = { passed: 0, failed: 0, timeout: 0 };
  for (const item of items) counts[verdicts.get(item.key)?.verdict ?? 'failed']++;
  return `${counts.passed} passed, ${counts.failed} failed, ${counts.timeout} timed out`;
};
console.log(`\ncanonical: sandbox ${split(sets.canonical, oursCanonical)}; reference ${split(sets.canonical, refCanonical)}`);
console.log(`broken:    sandbox ${split(sets.broken, oursBroken)}; reference ${split(sets.broken, refBroken)}`);
const ours = new Map([...oursCanonical, ...oursBroken]);
const reference = new Map([...refCanonical, ...refBroken]);
const differ = [...sets.canonical, ...sets.broken].filter((item) => ours.get(item.key)?.verdict !== reference.get(item.key)?.verdict);
console.log(`verdicts that differ: ${differ.length}${differ.length ? ` (${differ.map((d) => d.key).slice(0, 10).join(', ')})` : ''}`);
