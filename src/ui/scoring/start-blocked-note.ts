/**
 * Why the Scoring page's start controls (the samples file, the canonical solutions button) are
 * disabled, said beside them: the dataset panel above says a download failed, but not that this
 * is what holds the controls, nor from where the file comes.
 */
import { DATASET_FILES } from '../../core/benchmarks/datasets.ts';
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import { BENCHMARK_NAMES } from '../../core/benchmarks/task-id.ts';
import type { DatasetStatus } from '../datasets/benchmark-dataset.svelte.ts';

/**
 * The note, or null when the controls are enabled or held only for a moment: `waitLasted` says
 * the benchmark has been loading long enough to be worth saying so (../shared/lasting-wait.svelte.ts).
 */
export function startBlockedNote(benchmark: BenchmarkId, status: DatasetStatus, busy: boolean, waitLasted: boolean): string | null {
  const name = BENCHMARK_NAMES[benchmark];
  const file = DATASET_FILES[benchmark];
  switch (status) {
    case 'idle':
    case 'loading':
      return waitLasted ? `Waiting for ${name} to load: samples are scored against its tests.` : null;
    case 'failed':
      return `No ${name} loaded to score against: pick ${file.fileName} (from ${new URL(file.upstreamUrl).host}) in the ${name} file field above, or try the downloads again.`;
    case 'ready':
      return busy ? 'A run is in progress: cancel it to start another.' : null;
    default: {
      const never: never = status;
      return never;
    }
  }
}

/**
 * Why Continue is disabled, said beside it, or null when it is enabled or held only by a run:
 * a continued run is scored against its own benchmark, which the form may no longer show.
 */
export function continueBlockedNote(benchmark: BenchmarkId, status: DatasetStatus): string | null {
  const name = BENCHMARK_NAMES[benchmark];
  switch (status) {
    case 'idle':
    case 'loading':
      return `Waiting for ${name} to load: this run is scored against its tests.`;
    case 'failed':
      return `No ${name} loaded, which this run is scored against: choose ${name} as the benchmark above and pick ${DATASET_FILES[benchmark].fileName} in its file field, then press Continue.`;
    case 'ready':
      return null;
    default: {
      const never: never = status;
      return never;
    }
  }
}
