/** Where tests find the benchmark files: DATASETS_DIR, else ../shared/datasets beside the repo. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DATASET_FILE_NAMES = ['HumanEval.jsonl.gz', 'sanitized-mbpp.json'] as const;

/** Throws (never skips) when the files are missing: a green run must mean the tests ran. */
export function datasetsDir(): string {
  const dir = resolve(REPO_ROOT, process.env.DATASETS_DIR ?? '../shared/datasets');
  const missing = DATASET_FILE_NAMES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new Error(
      `The benchmark files ${missing.join(', ')} are missing from ${dir}. ` +
        'Set DATASETS_DIR to a folder holding HumanEval.jsonl.gz and sanitized-mbpp.json.',
    );
  }
  return dir;
}
