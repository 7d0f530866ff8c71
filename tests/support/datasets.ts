/**
 * The real benchmark files for tests, decoded by the app's own code (hash check included).
 * Tests never skip when the files are missing: they fail with a message saying where to put them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_FILES, decodeDataset } from '../../src/core/benchmarks/datasets.ts';
import type { BenchmarkId, Problem } from '../../src/core/benchmarks/problem.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `DATASETS_DIR`, else `../shared/datasets` next to the repository. */
export function datasetsDir(): string {
  return path.resolve(REPO_ROOT, process.env['DATASETS_DIR'] ?? path.join('..', 'shared', 'datasets'));
}

/** The raw bytes of a benchmark's upstream file. */
export async function readDatasetBytes(benchmark: BenchmarkId): Promise<Uint8Array> {
  const file = path.join(datasetsDir(), DATASET_FILES[benchmark].fileName);
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new Error(
      `Test dataset missing: cannot read ${file} (${(error as Error).message}). ` +
        `Put ${DATASET_FILES[benchmark].fileName} there, or set DATASETS_DIR to the folder that holds it.`,
    );
  }
}

const loaded = new Map<BenchmarkId, Promise<Problem[]>>();

/** Every problem of the benchmark, parsed once per test file. */
export function loadTestProblems(benchmark: BenchmarkId): Promise<Problem[]> {
  let problems = loaded.get(benchmark);
  if (!problems) {
    problems = readDatasetBytes(benchmark).then((bytes) => decodeDataset(benchmark, bytes, datasetsDir()));
    loaded.set(benchmark, problems);
  }
  return problems;
}

/** One problem by canonical id, failing loudly when it does not exist. */
export async function loadTestProblem(benchmark: BenchmarkId, id: string): Promise<Problem> {
  const problem = (await loadTestProblems(benchmark)).find((p) => p.id === id);
  if (!problem) throw new Error(`No problem ${id} in ${benchmark}.`);
  return problem;
}
