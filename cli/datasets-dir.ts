/**
 * Finds a benchmark's dataset file on disk for the command line and checks it against the
 * pinned hash (via core's decodeDataset): the published problems or nothing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_FILES, decodeDataset, publishedSha256 } from '../src/core/benchmarks/datasets.ts';
import { sha256Hex } from '../src/core/sha256.ts';
import type { BenchmarkId, Problem } from '../src/core/benchmarks/problem.ts';
import { InputError } from './usage-error.ts';

export interface DiskDataset {
  problems: Problem[];
  sha256: string;
  path: string;
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The directories searched, in order: an explicit one alone (a typo should not silently fall
 * back to another copy), else DATASETS_DIR, else ./public/datasets (where `npm run datasets`
 * puts them), else ../shared/datasets, each relative to the working directory and then to
 * the package.
 */
export function datasetSearchDirs(explicitDir: string | null, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  if (explicitDir !== null) return [resolve(cwd, explicitDir)];
  const dirs = [
    ...(env.DATASETS_DIR ? [resolve(cwd, env.DATASETS_DIR)] : []),
    resolve(cwd, 'public/datasets'),
    resolve(cwd, '../shared/datasets'),
    resolve(PACKAGE_ROOT, 'public/datasets'),
    resolve(PACKAGE_ROOT, '../shared/datasets'),
  ];
  return [...new Set(dirs)];
}

export async function loadDiskDataset(benchmark: BenchmarkId, dirs: readonly string[]): Promise<DiskDataset> {
  const file = DATASET_FILES[benchmark];
  // `gunzip HumanEval.jsonl.gz` leaves HumanEval.jsonl in its place: the same problems, whose hash is
  // accepted too, so it is looked for after the published name.
  const names = file.decompressedSha256 ? [file.fileName, file.fileName.replace(/\.gz$/, '')] : [file.fileName];
  const path = names.flatMap((name) => dirs.map((dir) => join(dir, name))).find((candidate) => existsSync(candidate));
  if (path === undefined) {
    throw new InputError(
      `${file.fileName} was not found in ${dirs.join(', ')}.\n` +
        `Download it from ${file.upstreamUrl} and pass its directory with --datasets DIR (or set DATASETS_DIR).`,
    );
  }
  const bytes = new Uint8Array(await readFile(path));
  try {
    // decodeDataset checks the pinned hash before parsing, so a wrong file never becomes problems.
    const problems = await decodeDataset(benchmark, bytes, path);
    // Recorded as the published file's hash for either form, as the app records it.
    return { problems, sha256: publishedSha256(benchmark, await sha256Hex(bytes)), path };
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}
