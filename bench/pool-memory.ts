/**
 * Memory of the sandbox's worker pool, per worker, against bare Pyodide measured the same way in
 * the same run:
 *
 * - Node (worker_threads): each configuration in a fresh child process; the process's resident
 *   set before any worker, once N workers are ready, and after they ran the 164 canonical
 *   HumanEval programs. No spare worker here (the pool's default keeps one more interpreter). Baseline: N plain worker threads that only `loadPyodide()` and then run
 *   the same programs with `runPython` in fresh globals (no hardening, no isolation).
 * - Chromium (needs `npm run build`): `performance.measureUserAgentSpecificMemory()` in the
 *   isolated app once the Playground's worker has run a program, against a blank page whose
 *   worker only loaded Pyodide. Chromium counts each worker's JavaScript heap and its wasm
 *   memory (a 200 MB bytearray shows up in full), not compiled code; the Node resident set
 *   counts everything, compiled code and thread stacks included.
 *
 *   node --import tsx bench/pool-memory.ts [--workers 1,2,4] [--no-browser] [--no-node] [--dist DIR]
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { canonicalCompletion } from '../src/core/benchmarks/canonical.ts';
import { assembleProgram } from '../src/core/harness/assemble-program.ts';
import { limitsFor } from '../src/core/harness/limits.ts';
import { createNodeSandbox } from '../src/sandbox/node-sandbox.ts';
import { loadTestProblems } from '../tests/support/datasets.ts';
import { appFirstVerdict, barePyodideReady, launchBenchBrowser, serveBuild, measureMemory, watchErrors } from './chromium-pages.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    child: { type: 'string' },
    'no-browser': { type: 'boolean', default: false },
    'no-node': { type: 'boolean', default: false },
    dist: { type: 'string' },
  },
});

const MB = 2 ** 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

interface ChildReport {
  kind: 'sandbox' | 'bare';
  workers: number;
  rssBeforeBytes: number;
  rssReadyBytes: number;
  rssAfterRunsBytes: number;
  programs: number;
  passed: number;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rssAfterSettling(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  await settle(500);
  return process.memoryUsage.rss();
}

async function programs(): Promise<{ text: string; timeoutMs: number }[]> {
  const problems = await loadTestProblems('humaneval');
  return problems.map((problem) => ({
    text: assembleProgram(problem, canonicalCompletion(problem), 'standard').text,
    timeoutMs: limitsFor(problem, 'standard').timeoutMs,
  }));
}

async function sandboxChild(workers: number): Promise<ChildReport> {
  const work = await programs();
  const problems = await loadTestProblems('humaneval');
  const rssBeforeBytes = await rssAfterSettling();
  // No spare: per worker, like the baseline. The default spare is one interpreter more.
  const sandbox = await createNodeSandbox({ workers, spares: 0 });
  const rssReadyBytes = await rssAfterSettling();
  const results = await Promise.all(problems.map((problem, i) => sandbox.run(work[i]!.text, limitsFor(problem, 'standard'))));
  const rssAfterRunsBytes = await rssAfterSettling();
  await sandbox.close();
  const passed = results.filter((r) => r.status === 'passed').length;
  return { kind: 'sandbox', workers, rssBeforeBytes, rssReadyBytes, rssAfterRunsBytes, programs: work.length, passed };
}

// A worker thread with nothing but Pyodide: load it, then run whatever program it is sent.
const BARE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.pyodideUrl).then(async ({ loadPyodide }) => {
  const pyodide = await loadPyodide({ indexURL: workerData.indexURL });
  pyodide.setStdout({ batched: () => {} });
  parentPort.on('message', (program) => {
    const globals = pyodide.toPy({});
    let passed = true;
    try { pyodide.runPython(program, { globals }); } catch { passed = false; }
    globals.destroy();
    parentPort.postMessage(passed);
  });
  parentPort.postMessage('ready');
});`;

async function bareChild(workers: number): Promise<ChildReport> {
  const work = await programs();
  const require = createRequire(import.meta.url);
  const pyodideMain = require.resolve('pyodide/pyodide.mjs');
  const workerData = { pyodideUrl: pathToFileURL(pyodideMain).href, indexURL: `${dirname(pyodideMain)}/` };
  const rssBeforeBytes = await rssAfterSettling();
  const threads = Array.from({ length: workers }, () => new Worker(BARE_WORKER, { eval: true, workerData }));
  await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once('message', resolve))));
  const rssReadyBytes = await rssAfterSettling();
  let next = 0;
  let passed = 0;
  await Promise.all(
    threads.map(async (thread) => {
      while (next < work.length) {
        const program = work[next++]!;
        thread.postMessage(program.text);
        if (await new Promise<boolean>((resolve) => thread.once('message', resolve))) passed++;
      }
    }),
  );
  const rssAfterRunsBytes = await rssAfterSettling();
  await Promise.all(threads.map((thread) => thread.terminate()));
  return { kind: 'bare', workers, rssBeforeBytes, rssReadyBytes, rssAfterRunsBytes, programs: work.length, passed };
}

async function runChild(kind: 'sandbox' | 'bare', workers: number): Promise<ChildReport> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--expose-gc', script, '--child', kind, '--workers', String(workers)], {
    maxBuffer: 16 * MB,
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ChildReport;
}

async function nodeReport(workerCounts: number[]): Promise<void> {
  console.log('Node worker_threads: resident set of a fresh process, per worker (Δ RSS / workers)');
  console.log('workers | sandbox ready | after 164 programs | bare Pyodide ready | after 164 programs | ratio sandbox/bare (after)');
  for (const workers of workerCounts) {
    const sandbox = await runChild('sandbox', workers);
    const bare = await runChild('bare', workers);
    const per = (r: ChildReport, at: 'rssReadyBytes' | 'rssAfterRunsBytes') => (r[at] - r.rssBeforeBytes) / r.workers;
    console.log(
      `${String(workers).padStart(7)} | ${mb(per(sandbox, 'rssReadyBytes')).padStart(13)} | ${mb(per(sandbox, 'rssAfterRunsBytes')).padStart(18)} | ` +
        `${mb(per(bare, 'rssReadyBytes')).padStart(18)} | ${mb(per(bare, 'rssAfterRunsBytes')).padStart(18)} | ` +
        `${(per(sandbox, 'rssAfterRunsBytes') / per(bare, 'rssAfterRunsBytes')).toFixed(2)}`,
    );
    console.log(`        (passed: sandbox ${sandbox.passed}/${sandbox.programs}, bare ${bare.passed}/${bare.programs})`);
  }
}

async function browserReport(): Promise<void> {
  const server = await serveBuild(values.dist);
  const browser = await launchBenchBrowser();
  try {
    const appContext = await browser.newContext();
    const appErrors = watchErrors(appContext);
    const appPage = await appContext.newPage();
    await appFirstVerdict(appPage, server.url);
    // A page whose programs replace no worker starts no spare (src/sandbox/pool.ts); settle anyway,
    // so that whatever the page still starts after its first verdict is counted.
    await settle(5000);
    const app = await measureMemory(appPage);
    await appContext.close();

    const bareContext = await browser.newContext();
    const bareErrors = watchErrors(bareContext);
    const barePage = await bareContext.newPage();
    await barePyodideReady(barePage, server.url);
    const bare = await measureMemory(barePage);
    await bareContext.close();

    console.log('');
    console.log('Chromium, measureUserAgentSpecificMemory (JavaScript heap + wasm memory, no compiled code):');
    console.log(`  app, Playground after one run (its worker; a spare starts only after a replacement): ${app.workers} worker(s) ${mb(app.workersBytes)}, page ${mb(app.pageBytes)}, total ${mb(app.totalBytes)}`);
    console.log(`  baseline, blank page + bare Pyodide: ${bare.workers} worker(s) ${mb(bare.workersBytes)}, page ${mb(bare.pageBytes)}, total ${mb(bare.totalBytes)}`);
    if (app.workers > 0 && bare.workers > 0) {
      console.log(`  ratio per worker app/bare: ${(app.workersBytes / app.workers / (bare.workersBytes / bare.workers)).toFixed(2)}`);
    }
    const errors = [...appErrors, ...bareErrors];
    if (errors.length > 0) {
      console.log(`  console errors: ${errors.join(' | ')}`);
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  if (values.child) {
    const workers = Number(values.workers);
    const report = values.child === 'bare' ? await bareChild(workers) : await sandboxChild(workers);
    console.log(JSON.stringify(report));
    return;
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.version}`);
  if (!values['no-node']) await nodeReport(values.workers.split(',').map(Number));
  if (!values['no-browser']) await browserReport();
}

await main();
