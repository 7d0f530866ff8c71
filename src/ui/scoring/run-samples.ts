/**
 * The samples a scoring run scores: read from a samples file line by line (bad lines reported as
 * they are found, not fatal), or made of the benchmark's own reference solutions.
 */
import { canonicalCompletion, canonicalStudyCode } from '../../core/benchmarks/canonical.ts';
import type { Problem } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import {
  LISTED_LINE_ERRORS,
  MAX_SAMPLE_LINE_CHARS,
  SampleReader,
  type ReadSamplesOptions,
  type Sample,
  type SampleLineError,
  type SamplesSummary,
} from '../../core/results/samples.ts';
import type { FileLine } from '../../core/results/utf8-lines.ts';

/** A samples file's lines: as file-lines.ts reads a picked file, or plain strings (tests, text in memory). */
export type SamplesLines = AsyncIterable<string | FileLine> | Iterable<string | FileLine>;

export interface RunSamples {
  samples: Sample[];
  summary: SamplesSummary;
}

/** What came of reading a file: its samples, or why there are none to score. */
export type SamplesRead = ({ kind: 'read' } & RunSamples) | { kind: 'cancelled' } | { kind: 'failed'; error: unknown };

/** Told the bad lines found so far: the first `LISTED_LINE_ERRORS` in file order (the same array as it grows), and how many in all. */
export type LineErrorsFound = (listed: readonly SampleLineError[], count: number) => void;

/**
 * Reads the lines of a samples file, telling `onLineErrors` of bad lines in batches as they are
 * found and once at the end; stops when `signal` aborts. A file that cannot be read (a gzip cut
 * short, or nothing in it to score) fails.
 */
export async function readRunSamples(lines: SamplesLines, options: ReadSamplesOptions, signal: AbortSignal | undefined, onLineErrors: LineErrorsFound): Promise<SamplesRead> {
  const reader = new SampleReader(options);
  const samples: Sample[] = [];
  const errors: SampleLineError[] = [];
  let errorCount = 0;
  let count = 0;
  try {
    for await (const line of lines) {
      if (signal?.aborted) break;
      // A file already in memory arrives in large chunks: give the page a turn now and then.
      if (++count % 5000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
      // Refused as the command line refuses it, so the two give the same counts for one file.
      const event =
        typeof line !== 'string' ? reader.readLine(line)
        : line.length > MAX_SAMPLE_LINE_CHARS ? reader.readTooLong(line.length, MAX_SAMPLE_LINE_CHARS, line.slice(0, 200))
        : reader.read(line);
      if (event?.kind === 'sample') samples.push(event.sample);
      else if (event?.kind === 'error') {
        errorCount++;
        if (errors.length < LISTED_LINE_ERRORS) errors.push(event.error);
        // Show bad lines as they are found, in batches.
        if (errorCount % 100 === 1) onLineErrors(errors, errorCount);
      }
    }
    onLineErrors(errors, errorCount);
    if (signal?.aborted) return { kind: 'cancelled' };
    return { kind: 'read', samples, summary: reader.finish() };
  } catch (error) {
    // A file refused as a whole (one JSON document, records over several lines) lists no lines,
    // as the command line lists none: the refusal says what is wrong, each line's error would not.
    if (reader.refusedAsWhole) onLineErrors([], 0);
    else onLineErrors(errors, errorCount);
    return { kind: 'failed', error };
  }
}

/**
 * The problems' own reference solutions as samples: every one passes in standard mode. Study mode
 * puts no prompt before the code, so there each is the whole answer a model would give (imports,
 * function, body): all pass but the few the study's harness could never pass.
 */
export function canonicalRunSamples(problems: readonly Problem[], mode: HarnessMode): RunSamples {
  const solution = mode === 'study' ? canonicalStudyCode : canonicalCompletion;
  const samples = problems.map((problem, i) => {
    const completion = solution(problem);
    return { line: i + 1, problem, completion, wholeProgram: false, fields: { task_id: problem.id, completion } };
  });
  return { samples, summary: { samples: problems.length, badLines: 0, missingTaskIds: [] } };
}
