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
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const STEPS = [['integration-sandbox', 'integration-io'], ['integration-alone']];
const args = process.argv.slice(2);

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
