#!/usr/bin/env node
// The integration tests in two lanes, then one file alone (vitest.config.ts says which files are
// in which lane, and why): `npm run test:integration`, also what CI runs.
//
//   lane 1  integration-sandbox   Python against time limits, one file at a time
//   lane 2  integration-io        processes and HTTP servers that mostly wait, one file at a time
//   then    integration-alone     the agreement test, which keeps both cores busy by itself
//
// Each lane is its own vitest process, so its lines are printed as they come with the lane's
// name in front. Arguments go to every vitest (`npm run test:integration -- tests/integration/llm`);
// a lane with no matching file passes. One lane's failure does not stop the others: the exit
// code is 1 when any step failed. `npx vitest run --project 'integration-*'` runs the same files
// one at a time in one process, as before the lanes.
//
// Lanes name folders, so a test file in a new folder would be in no lane and never run, with
// every lane passing. Before anything runs, each file under tests/integration/ must be in exactly
// one lane, by vitest's own reading of the projects' globs (`vitest list`); otherwise nothing runs.
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const STEPS = [['integration-sandbox', 'integration-io'], ['integration-alone']];
const args = process.argv.slice(2);
const ROOT = resolvePath(dirname(fileURLToPath(import.meta.url)), '..');

/** Every `*.test.ts` under tests/integration/, relative to the repository. */
function integrationTestFiles() {
  return readdirSync(join(ROOT, 'tests/integration'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** Lines naming each integration test file that no lane runs, or that more than one does; none when all is well. */
async function laneProblems() {
  const projects = STEPS.flat().flatMap((project) => ['--project', project]);
  const listed = JSON.parse(
    (await promisify(execFile)(process.execPath, [VITEST, 'list', '--filesOnly', '--json', ...projects], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 })).stdout,
  );
  const lanesOf = new Map(integrationTestFiles().map((file) => [file, []]));
  for (const { file, projectName } of listed) {
    const path = relative(ROOT, file);
    lanesOf.set(path, [...(lanesOf.get(path) ?? []), projectName]);
  }
  return [...lanesOf]
    .filter(([, lanes]) => lanes.length !== 1)
    .map(([file, lanes]) => `  ${file}: ${lanes.length === 0 ? 'in no lane, so it would never run' : `in ${lanes.join(' and ')}, so it would run ${lanes.length} times`}`);
}

/** Runs one project to its end, its output line by line behind `[project]`; resolves to its exit code. */
function runProject(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VITEST, 'run', '--project', project, '--passWithNoTests', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The child writes to a pipe, so vitest would drop its colours; keep them for a terminal.
      env: process.stdout.isTTY && !process.env.NO_COLOR ? { ...process.env, FORCE_COLOR: '1' } : process.env,
    });
    for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`[${project}] ${line}\n`));
    }
    child.once('error', (error) => {
      console.error(`[${project}] could not start vitest: ${error.message}`);
      resolve(1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const problems = await laneProblems();
if (problems.length > 0) {
  console.error(`Integration test files not in exactly one lane (vitest.config.ts, the integration projects' include and exclude):\n${problems.join('\n')}`);
  process.exit(1);
}

const started = performance.now();
const summary = [];
for (const step of STEPS) {
  const stepStarted = performance.now();
  const codes = await Promise.all(step.map(runProject));
  const seconds = ((performance.now() - stepStarted) / 1000).toFixed(1);
  step.forEach((project, i) => summary.push(`${project}: ${codes[i] === 0 ? 'passed' : `FAILED (exit code ${codes[i]})`}`));
  summary.push(`  (${step.length > 1 ? 'side by side, ' : ''}${seconds} s)`);
}
const failed = summary.some((line) => line.includes('FAILED'));
console.log(`\nIntegration tests, ${((performance.now() - started) / 1000).toFixed(1)} s in all:\n${summary.join('\n')}`);
process.exitCode = failed ? 1 : 0;
