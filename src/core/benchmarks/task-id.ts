import type { BenchmarkId } from './problem.ts';

/** How people name the benchmarks in messages. */
export const BENCHMARK_NAMES: Record<BenchmarkId, string> = { humaneval: 'HumanEval', mbpp: 'MBPP' };
/** The name with its article, for sentences ("an MBPP id": the letters are spoken). */
export const A_BENCHMARK: Record<BenchmarkId, string> = { humaneval: 'a HumanEval', mbpp: 'an MBPP' };

export type TaskIdReading =
  | { kind: 'ok'; id: string; number: number }
  /** A well-formed id of the other benchmark (an MBPP samples file scored as HumanEval…). */
  | { kind: 'other-benchmark'; benchmark: BenchmarkId; id: string }
  | { kind: 'malformed' };

// Any case, as MBPP ids are read: "humaneval/3" typed into a form means HumanEval/3 (audit R220-5).
const HUMANEVAL_ID = /^HumanEval\/(\d+)$/i;
// EvalPlus writes `Mbpp/2`, the study wrote `MBPP/2`, the upstream file and many samples files a bare 2.
const MBPP_ID = /^(?:mbpp\/)?(\d+)$/i;

/**
 * Reads a task id as written in a samples file, a selection or a link, and gives the canonical
 * spelling (`HumanEval/0`, `Mbpp/2`). Numbers are accepted for MBPP because its upstream
 * task_id is an integer.
 */
export function readTaskId(benchmark: BenchmarkId, raw: unknown): TaskIdReading {
  const text = typeof raw === 'number' && Number.isInteger(raw) ? String(raw) : raw;
  if (typeof text !== 'string') return { kind: 'malformed' };
  const trimmed = text.trim();
  const he = HUMANEVAL_ID.exec(trimmed);
  const mb = MBPP_ID.exec(trimmed);
  if (he) {
    const number = Number(he[1]);
    const id = `HumanEval/${number}`;
    return benchmark === 'humaneval' ? { kind: 'ok', id, number } : { kind: 'other-benchmark', benchmark: 'humaneval', id };
  }
  if (mb) {
    const number = Number(mb[1]);
    const id = `Mbpp/${number}`;
    // A bare number could name a HumanEval task too, but nobody writes them that way.
    return benchmark === 'mbpp' ? { kind: 'ok', id, number } : { kind: 'other-benchmark', benchmark: 'mbpp', id };
  }
  return { kind: 'malformed' };
}

/** The canonical id, or an Error explaining what was wrong with it. */
export function canonicalTaskId(benchmark: BenchmarkId, raw: unknown): string | Error {
  const reading = readTaskId(benchmark, raw);
  switch (reading.kind) {
    case 'ok':
      return reading.id;
    case 'other-benchmark':
      return new Error(
        `${JSON.stringify(raw)} is ${A_BENCHMARK[reading.benchmark]} task id, but this is ${A_BENCHMARK[benchmark]} run.`,
      );
    case 'malformed':
      return new Error(`${JSON.stringify(raw)} is not ${A_BENCHMARK[benchmark]} task id (expected ${example(benchmark)}).`);
    default: {
      const never: never = reading;
      return never;
    }
  }
}

function example(benchmark: BenchmarkId): string {
  return benchmark === 'humaneval' ? '"HumanEval/0"' : '"Mbpp/2" or 2';
}
