/**
 * Measures every canonical solution in the Node sandbox and writes the per-task timeout floors
 * (src/core/harness/slow-tasks.json) that let every one of them pass: for each task whose
 * solution takes over SLOW_MS, limit = max(default, 4 × measured, rounded up to a whole second).
 * Slow candidates are measured again REPEATS times, one at a time, and the slowest run counts.
 *
 * Usage: node --import tsx scripts/calibrate-timeouts.ts [--workers 1] [--dry-run]
 * Reads the datasets from DATASETS_DIR (default ../shared/datasets next to the repository).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalCompletion } from '../src/core/benchmarks/canonical.ts';
import { DATASET_FILES, decodeDataset } from '../src/core/benchmarks/datasets.ts';
import type { BenchmarkId, Problem } from '../src/core/benchmarks/problem.ts';
import { assembleProgram } from '../src/core/harness/assemble-program.ts';
import { DEFAULT_MAX_OUTPUT_CHARS, DEFAULT_TIMEOUT_MS } from '../src/core/harness/limits.ts';
import { createNodeSandbox } from '../src/sandbox/node-sandbox.ts';

const SLOW_MS = 500;
const REPEATS = 3;
const SAFETY_FACTOR = 4;
/** Generous enough for the slowest canonical solution to finish while being measured. */
const MEASURING_TIMEOUT_MS = 120_000;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(repoRoot, 'src/core/harness/slow-tasks.json');
const { values } = parseArgs({ options: { workers: { type: 'string', default: '1' }, 'dry-run': { type: 'boolean', default: false } } });

async function loadProblems(benchmark: BenchmarkId): Promise<Problem[]> {
  const dir = path.resolve(repoRoot, process.env['DATASETS_DIR'] ?? path.join('..', 'shared', 'datasets'));
  const file = path.join(dir, DATASET_FILES[benchmark].fileName);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new Error(`Cannot read ${file} (${(error as Error).message}). Put the dataset there or set DATASETS_DIR.`);
  }
  return decodeDataset(benchmark, bytes, dir);
}

const problems = [...(await loadProblems('humaneval')), ...(await loadProblems('mbpp'))];
const sandbox = await createNodeSandbox({ workers: Number(values.workers) });
const limits = { timeoutMs: MEASURING_TIMEOUT_MS, maxOutputChars: DEFAULT_MAX_OUTPUT_CHARS };

async function measure(problem: Problem): Promise<number> {
  const program = assembleProgram(problem, canonicalCompletion(problem), 'standard');
  const result = await sandbox.run(program.text, limits);
  if (result.status !== 'passed') throw new Error(`${problem.id}: the canonical solution did not pass: ${JSON.stringify(result).slice(0, 500)}`);
  return result.durationMs;
}

try {
  const first = await Promise.all(problems.map(async (problem) => [problem, await measure(problem)] as const));
  const floors: Record<string, number> = {};
  for (const [problem, firstMs] of first.filter(([, ms]) => ms > SLOW_MS / 2)) {
    let slowestMs = firstMs;
    for (let i = 0; i < REPEATS; i++) slowestMs = Math.max(slowestMs, await measure(problem));
    console.log(`${problem.id}: ${Math.round(slowestMs)} ms`);
    if (slowestMs > SLOW_MS) {
      floors[problem.id] = Math.max(DEFAULT_TIMEOUT_MS.standard, Math.ceil((SAFETY_FACTOR * slowestMs) / 1000) * 1000);
    }
  }
  const sorted = Object.fromEntries(Object.entries(floors).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
  const text = `${JSON.stringify(sorted, null, 2)}\n`;
  if (values['dry-run']) console.log(text);
  else await writeFile(output, text);
  console.log(`${Object.keys(sorted).length} slow tasks${values['dry-run'] ? '' : ` written to ${path.relative(repoRoot, output)}`}`);
} finally {
  await sandbox.close();
}
