/**
 * Cold start in Chromium: from the start of the navigation to the Playground's first verdict
 * (the page, the benchmark file, the Pyodide worker with its hardening and self-test, one short
 * program), in a fresh browser profile each time, against the named baseline of the same run: a
 * blank page on the same server whose module worker only loads Pyodide from the same files.
 * The target is ≤ 3 s on a 2-core machine. Also measures a repeat visit in the same profile
 * (files from the service worker's cache, the benchmark from IndexedDB) and the first visit with
 * service workers blocked (what installing the worker and its offline copy cost the first visit).
 *
 *   npm run build && node --import tsx bench/cold-start.ts [--runs 5] [--dist DIR]
 *
 * Runs alternate app and baseline; medians are compared. The build (`dist/`, or `--dist DIR`, at
 * whatever base it was built for) is served by scripts/serve.mjs with the isolation headers, as
 * `npm start` serves it.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { appFirstVerdict, barePyodideReady, launchBenchBrowser, serveBuild, watchErrors, type AppTimings } from './chromium-pages.ts';

const TARGET_MS = 3000;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, dist: { type: 'string' } } });

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;

async function main(): Promise<void> {
  const runs = Number(values.runs);
  const server = await serveBuild(values.dist);
  const browser = await launchBenchBrowser();
  const appTimings: AppTimings[] = [];
  const app: number[] = [];
  const appRepeat: number[] = [];
  const appNoWorker: number[] = [];
  const bare: number[] = [];
  const bareRepeat: number[] = [];
  const errorLists: string[][] = [];
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0]!.toFixed(1)}, ${browser.version()}`);
  try {
    for (let i = 0; i < runs; i++) {
      {
        const context = await browser.newContext();
        errorLists.push(watchErrors(context));
        const page = await context.newPage();
        const first = await appFirstVerdict(page, server.url);
        appTimings.push(first);
        app.push(first.verdictMs);
        // Let the service worker finish its offline copy, then come back as a returning visitor.
        await page.getByRole('status').filter({ hasText: 'Available offline' }).waitFor({ timeout: 120_000 });
        await page.close();
        appRepeat.push((await appFirstVerdict(await context.newPage(), server.url)).verdictMs);
        await context.close();
      }
      {
        // The same first visit without the service worker: what its install and offline copy cost.
        const context = await browser.newContext({ serviceWorkers: 'block' });
        errorLists.push(watchErrors(context));
        appNoWorker.push((await appFirstVerdict(await context.newPage(), server.url)).verdictMs);
        await context.close();
      }
      {
        const context = await browser.newContext();
        errorLists.push(watchErrors(context));
        const page = await context.newPage();
        bare.push(await barePyodideReady(page, server.url));
        await page.close();
        bareRepeat.push(await barePyodideReady(await context.newPage(), server.url));
        await context.close();
      }
      console.log(
        `run ${i + 1}: app ${fmt(app.at(-1)!)} (repeat visit ${fmt(appRepeat.at(-1)!)}, no service worker ${fmt(appNoWorker.at(-1)!)}), ` +
          `bare Pyodide ${fmt(bare.at(-1)!)} (repeat ${fmt(bareRepeat.at(-1)!)})`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const appMs = median(app);
  const bareMs = median(bare);
  console.log('');
  console.log(`first visit, median of ${runs}: app ${fmt(appMs)} (navigation → first verdict), bare Pyodide ${fmt(bareMs)} (navigation → loadPyodide)`);
  console.log(`  ratio app / bare Pyodide: ${(appMs / bareMs).toFixed(2)}; app / target ${TARGET_MS} ms: ${(appMs / TARGET_MS).toFixed(2)}`);
  const step = (pick: (t: AppTimings) => number) => fmt(median(appTimings.map(pick)));
  console.log(
    `  app steps (medians): load event ${step((t) => t.loadMs)}, problem on screen ${step((t) => t.problemShownMs)}, ` +
      `problem on screen → verdict ${step((t) => t.verdictMs - t.problemShownMs)}`,
  );
  console.log(`  without the service worker: app ${fmt(median(appNoWorker))}, ratio to bare Pyodide ${(median(appNoWorker) / bareMs).toFixed(2)}`);
  console.log(`repeat visit, median: app ${fmt(median(appRepeat))}, bare Pyodide ${fmt(median(bareRepeat))}, ratio ${(median(appRepeat) / median(bareRepeat)).toFixed(2)}`);
  const errors = errorLists.flat();
  if (errors.length > 0) {
    console.log(`console errors: ${errors.join(' | ')}`);
    process.exitCode = 1;
  }
}

await main();
