/**
 * How fast does the app score in Chromium? The corpus of bench/score-throughput.ts (canonical
 * solutions of HumanEval and MBPP, then the broken variants of tests/support/broken-variants.ts),
 * scored by the built app's Scoring page in headless Chromium the way a user scores a file, and by
 * the CPython reference runner (reference/reference_runner.py) with the same worker count, one
 * after the other in the same run.
 *
 *   npm run build && npm run bench:chromium -- [--workers 2] [--runs 5] [--dist DIR]
 *
 * Each set becomes two samples files, one per benchmark (the page scores one benchmark at a
 * time), uploaded through the page's file input; the time is the page's clock from the input's
 * change event to the results' download button, summed over the two files. Verdicts come from
 * the downloaded `_results.jsonl`. The reference scores the same two batches, each timed from
 * starting its runner to its last verdict. The page assembles the programs and picks the limits
 * itself (standard mode: `limitsFor(problem, 'standard')`, as the corpus does); the bench checks
 * beforehand that the completions it uploads assemble to the corpus's programs byte for byte.
 * The ratio is page time / reference time; the target is ≤ 0.5. Nothing here asserts times.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { canonicalCompletion } from '../src/core/benchmarks/canonical.ts';
import type { BenchmarkId } from '../src/core/benchmarks/problem.ts';
import { assembleProgram } from '../src/core/harness/assemble-program.ts';
import { SLOW_TASK_TIMEOUT_MS } from '../src/core/harness/limits.ts';
import type { SandboxStats } from '../src/sandbox/pool.ts';
import { scoreWithReference, type CorpusItem, type Verdict } from '../reference/scoring-corpus.ts';
import { generateBrokenVariants } from '../tests/support/broken-variants.ts';
import { launchBenchBrowser, serveBuild } from './chromium-pages.ts';
import { openScoringPage, type BenchSample, type ScoringPage } from './scoring-page.ts';
import { formatSeconds, printLimitFloor, printThroughputTable, printVerdicts, throughputCorpus, wholeNumberOption, type SetName } from './throughput-report.ts';

const TARGET_RATIO = 0.5;
const BENCHMARKS: readonly BenchmarkId[] = ['humaneval', 'mbpp'];

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' }, runs: { type: 'string', default: '5' }, dist: { type: 'string' } } });
const workers = wholeNumberOption('workers', values.workers);
const runs = wholeNumberOption('runs', values.runs);
const { problems, canonical, sets, total } = await throughputCorpus();

// The corpus keeps assembled programs; the page wants samples-file completions. Rebuild them the
// way the corpus made them and prove they assemble to the same text, so both sides run one program.
const completions = new Map<string, string>(canonical.map((item) => [item.key, canonicalCompletion(item.problem)]));
for (const variant of generateBrokenVariants(problems.filter((p) => SLOW_TASK_TIMEOUT_MS[p.id] === undefined))) {
  completions.set(variant.key, variant.completion);
}
for (const item of [...canonical, ...sets.broken]) {
  const completion = completions.get(item.key);
  if (completion === undefined || assembleProgram(item.problem, completion, 'standard').text !== item.program.text) {
    throw new Error(`${item.key}: the completion the page would score does not assemble to the corpus's program.`);
  }
}
const samplesOf = (items: readonly CorpusItem[]): BenchSample[] =>
  items.map((item) => ({ key: item.key, taskId: item.problem.id, completion: completions.get(item.key)! }));
const byBenchmark = (items: readonly CorpusItem[]) =>
  BENCHMARKS.map((benchmark) => ({ benchmark, items: items.filter((item) => item.problem.benchmark === benchmark) })).filter((b) => b.items.length > 0);

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
const server = await serveBuild(values.dist);
const browser = await launchBenchBrowser();
console.log(`Scoring throughput in Chromium — ${browser.version()} headless, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB`);
console.log(`${total} programs: ${canonical.length} canonical solutions + ${sets.broken.length} broken variants; ${workers} worker(s) each side.`);
console.log(`load average at start: ${load()}\n`);

const ours = new Map<string, Verdict>();
const reference = new Map<string, Verdict>();
const keep = (into: Map<string, Verdict>, verdicts: Map<string, Verdict>) => verdicts.forEach((v, key) => into.set(key, v));
const oursMs: Record<SetName, number> = { fast: 0, slow: 0, broken: 0 };
const referenceMs: Record<SetName, number> = { fast: 0, slow: 0, broken: 0 };
const respawnsIn: Partial<Record<SetName, number>> = {};

/** One set through the page, a file per benchmark; the summed page time. */
async function scoreOnPage(app: ScoringPage, label: string, items: readonly CorpusItem[]): Promise<number> {
  let ms = 0;
  for (const { benchmark, items: part } of byBenchmark(items)) {
    const result = await app.score(`${label}-${benchmark}.jsonl`, benchmark, samplesOf(part));
    keep(ours, result.verdicts);
    ms += result.ms;
  }
  return ms;
}

/** The same batches through the reference runner, each timed on its own and summed. */
async function scoreOnReference(items: readonly CorpusItem[]): Promise<number> {
  let ms = 0;
  for (const { items: part } of byBenchmark(items)) {
    const start = performance.now();
    keep(reference, await scoreWithReference(part, workers));
    ms += performance.now() - start;
  }
  return ms;
}

let startupMs = 0;
let stats: SandboxStats | null = null;
let statsNote = '';
let workersStarted = 0;
let visibility = '';
const fastRuns: { sandbox: number; reference: number }[] = [];
const app = await openScoringPage(browser, server.url, workers);
try {
  await app.page.bringToFront();
  visibility = await app.page.evaluate(() => `${document.visibilityState}, focus ${document.hasFocus()}, isolated ${crossOriginIsolated}`);
  // The first file starts the sandbox (its workers; the spare starts only after the first
  // replacement, in the broken set): time it apart as start-up, and let every worker finish
  // starting so none shares the cores with the first timed set.
  const warmUp = canonical.filter((item) => item.problem.id === 'HumanEval/0');
  startupMs = (await app.score('warm-up-humaneval.jsonl', 'humaneval', samplesOf(warmUp))).ms;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline && ((await app.sandboxStats())?.coldStartsMs.length ?? 0) < workers) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!app.statsReachable()) await new Promise((resolve) => setTimeout(resolve, 5000));

  // The short set runs several times, alternating runners so that drift in machine load hits both
  // alike; its medians are compared. The long sets run once each.
  for (let run = 0; run < runs; run++) {
    const sandboxRunMs = await scoreOnPage(app, `fast-${run + 1}`, sets.fast);
    const referenceRunMs = await scoreOnReference(sets.fast);
    fastRuns.push({ sandbox: sandboxRunMs, reference: referenceRunMs });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  oursMs.fast = median(fastRuns.map((r) => r.sandbox));
  referenceMs.fast = median(fastRuns.map((r) => r.reference));
  for (const name of ['slow', 'broken'] as const) {
    const before = (await app.sandboxStats())?.respawns ?? 0;
    oursMs[name] = await scoreOnPage(app, name, sets[name]);
    const after = await app.sandboxStats();
    if (after) respawnsIn[name] = after.respawns - before;
  }
  stats = await app.sandboxStats();
  if (!app.statsReachable()) statsNote = 'not reachable: the sandbox chunk\'s createBrowserSandbox export was not found to wrap';
  workersStarted = app.workersStarted();
} finally {
  await app.close();
  await browser.close();
  await server.close();
}
// The reference after the page is gone, as the Node bench runs it after closing its sandbox.
for (const name of ['slow', 'broken'] as const) referenceMs[name] = await scoreOnReference(sets[name]);

printThroughputTable({ ours: 'page', runs, sets, total, startMs: startupMs, oursMs, referenceMs, fastRuns });
console.log(`target ratio ≤ ${TARGET_RATIO}; start-up ${formatSeconds(startupMs)} (first file of one program: the page starts ${workers} workers)`);
console.log(`page: ${visibility}; service workers blocked; sandbox workers Chromium started: ${workersStarted}`);
if (stats) {
  const reasons = Object.entries(stats.respawnReasons).map(([why, n]) => `${n} × ${why}`);
  const starts = [...stats.coldStartsMs].sort((a, b) => a - b);
  const mid = starts[Math.floor(starts.length / 2)] ?? 0;
  console.log(`sandbox stats: ${stats.runs} runs; ${stats.respawns} interpreters replaced${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
  console.log(`  replaced in the slow set ${respawnsIn.slow ?? '?'}, in the broken set ${respawnsIn.broken ?? '?'}; ${stats.spareUses} replacements served by a spare (${stats.sparesStarted} spare(s) started, after the first replacement)`);
  console.log(`  ${starts.length} cold starts: median ${mid.toFixed(0)} ms, range ${(starts[0] ?? 0).toFixed(0)}–${(starts.at(-1) ?? 0).toFixed(0)} ms; last worker: ${JSON.stringify(stats.lastWorker)}`);
} else console.log(`sandbox stats: ${statsNote || 'not reachable'}`);
console.log(`load average at end: ${load()}`);

const all = [...canonical, ...sets.broken];
const differ = printVerdicts('page', canonical, sets.broken, ours, reference);
printLimitFloor('page', sets.broken, workers, { ours, reference }, { oursBroken: oursMs.broken, reference: referenceMs });
// C-level recursion kills Pyodide in the sandbox, where CPython raises RecursionError: the one
// error-type pair the agreement test allows (tests/integration/scoring/agreement.test.ts).
const typesDiffer = all.filter((item) => {
  const a = ours.get(item.key);
  const b = reference.get(item.key);
  return a?.verdict === 'failed' && b?.verdict === 'failed' && a.errorType !== b.errorType;
});
const allowedPair = typesDiffer.filter((item) => ours.get(item.key)?.errorType === 'Crash' && reference.get(item.key)?.errorType === 'RecursionError');
const otherTypes = typesDiffer.filter((item) => !allowedPair.includes(item));
console.log(
  `error types that differ among shared failures: ${allowedPair.length} Crash here / RecursionError in CPython (allowed), ${otherTypes.length} other` +
    (otherTypes.length ? ` (${otherTypes.map((d) => `${d.key}: ${ours.get(d.key)?.errorType}/${reference.get(d.key)?.errorType}`).slice(0, 10).join(', ')})` : ''),
);
// Pyodide prints its fatal errors (the interpreter the C-level recursion killed) to the console
// in three parts; those are the corpus doing its job. Anything else is a broken run.
const fatalParts = [/^Pyodide has suffered a fatal error/, /^The cause of the fatal error was:/, /^RangeError: Maximum call stack size exceeded/];
const expected = app.errors.filter((text) => fatalParts.some((part) => part.test(text)));
const unexpected = app.errors.filter((text) => !expected.includes(text));
console.log(`console errors: ${expected.length} from Pyodide's fatal-error report (${expected.filter((t) => fatalParts[0]!.test(t)).length} interpreters killed), ${unexpected.length} other`);
if (unexpected.length > 0) {
  console.log(unexpected.slice(0, 10).map((text) => `  ${text.split('\n', 1)[0]}`).join('\n'));
  process.exitCode = 1;
}
if (differ.length > 0 || otherTypes.length > 0) process.exitCode = 1;
