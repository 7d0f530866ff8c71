/**
 * `score --resume`: the results file an interrupted run left, read back in step with the samples
 * it scored. The file holds no mode, timeout or checksum, so all that can be checked is that
 * each result line copies the fields of the sample in its place; a line that does not (another
 * samples file's results, an edited line, more results than samples) refuses the resume, by
 * line number, since going on would write a file that is not this samples file's results.
 */
import type { Sample } from '../../src/core/results/samples.ts';
import type { SampleCounts } from '../../src/core/stats/pass-at-k.ts';
import { type FileLine, readLines } from '../read-lines.ts';
import { InputError } from '../usage-error.ts';

/** What a kept result line says of its sample: the two fields scoring adds. */
export interface KeptVerdict {
  result: string;
  passed: boolean;
}

/** Where a result line is, for the messages that refuse it. */
export interface KeptLinePlace {
  resultsPath: string;
  /** 1-based line of the results file. */
  line: number;
  /** The samples file as the user named it. */
  samplesName: string;
}

const HOW_TO_START_OVER = 'Run without --resume to score every sample again (the results file is replaced once the new one is complete).';

/**
 * The verdict `value` (one line of the results file, parsed, or the error JSON.parse threw for
 * it) gives `sample`, when it is that sample's result: every field of the sample, with the same
 * value, plus "result" and "passed" and nothing else. Throws an InputError naming the line otherwise.
 */
function checkKeptResult(sample: Sample, value: unknown, place: KeptLinePlace): KeptVerdict {
  const at = placeOf(place);
  if (value instanceof Error) throw new InputError(`${at} is not JSON (${value.message}), so it is not a result \`score\` wrote. ${HOW_TO_START_OVER}`);
  const sampleLine = `line ${sample.line} of ${place.samplesName}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${at} is not a JSON object, so it is not a result \`score\` wrote. ${HOW_TO_START_OVER}`);
  }
  const fields = value as Record<string, unknown>;
  const { result, passed } = fields;
  if (typeof result !== 'string' || typeof passed !== 'boolean') {
    throw new InputError(`${at} has no "result" text and "passed" true or false, so it is not a result \`score\` wrote. ${HOW_TO_START_OVER}`);
  }
  const taskId = sample.fields['task_id'];
  if (!sameValue(fields['task_id'], taskId)) {
    throw new InputError(
      `${at} is the result of task_id ${JSON.stringify(fields['task_id'])}, but the sample in its place, ${sampleLine}, is ${JSON.stringify(taskId)}: ` +
        `these results are not this samples file's. ${HOW_TO_START_OVER}`,
    );
  }
  const theSample = `the sample in its place (${sampleLine}, ${String(taskId)})`;
  // "result" and "passed" in a sample are replaced by scoring (formatResultLine), so not compared.
  const copied = Object.keys(sample.fields).filter((key) => key !== 'result' && key !== 'passed');
  for (const key of copied) {
    if (!(key in fields)) throw new InputError(`${at} has no "${key}", which ${theSample} has. ${HOW_TO_START_OVER}`);
    if (!sameValue(fields[key], sample.fields[key])) {
      throw new InputError(`${at} has another "${key}" than ${theSample}: the samples file changed since it was scored. ${HOW_TO_START_OVER}`);
    }
  }
  const extra = Object.keys(fields).find((key) => key !== 'result' && key !== 'passed' && !(key in sample.fields));
  if (extra !== undefined) throw new InputError(`${at} has a "${extra}" field, which ${theSample} has not. ${HOW_TO_START_OVER}`);
  return { result, passed };
}

const placeOf = (place: KeptLinePlace) => `${place.resultsPath} line ${place.line}`;

/** The line's value, or the error JSON.parse threw for it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Values read from JSON, compared as JSON: both sides come from one JSON.parse, so key order is the file's. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adds one verdict to a per-task tally (n samples, c passed), as scoring counts. */
export function countVerdict(perTask: Map<string, SampleCounts>, taskId: string, passed: boolean): void {
  const counts = perTask.get(taskId) ?? { n: 0, c: 0 };
  perTask.set(taskId, { n: counts.n + 1, c: counts.c + (passed ? 1 : 0) });
}

/**
 * A results file read one line per sample, in the samples' order: `take(sample)` gives the next
 * line's verdict, checked to be that sample's, until the file ends. `close()` when done with it.
 *
 * Two things a results file may hold that are no result, and that do not refuse the resume: blank
 * lines (a file edited by hand, ending in an empty line), skipped as the samples reader skips
 * them; and a last line that is not JSON, which is what a write cut off leaves (a full disk, a
 * copy cut short). That line's sample is scored again, like the samples
 * after it, and `cutLine` says which line it was. The resumed file is written from the samples,
 * so the cut line is gone from it.
 */
export class KeptResults {
  readonly #resultsPath: string;
  readonly #samplesName: string;
  readonly #lines: AsyncGenerator<FileLine>;
  readonly #maxLineChars: number;
  #taken = 0;
  #ended = false;
  /** The line after the one being taken, read to know whether that one is the last. */
  #ahead: FileLine | null = null;
  #cutLine: number | null = null;

  constructor(resultsPath: string, samplesName: string, maxLineChars: number) {
    this.#resultsPath = resultsPath;
    this.#samplesName = samplesName;
    // A result line is its sample's line plus "result" and "passed" (a failure's message, up to
    // 10,000 characters before escaping): the samples' cap, with room to spare.
    this.#maxLineChars = maxLineChars * 2;
    this.#lines = readLines(resultsPath, this.#maxLineChars);
  }

  /** Result lines taken so far. */
  get taken(): number {
    return this.#taken;
  }

  /** The results file's last line, when it was not JSON and so was taken for one cut short: its sample is scored again. */
  get cutLine(): number | null {
    return this.#cutLine;
  }

  /** The next result line's verdict for `sample`, or null once the results file has no more lines. */
  async take(sample: Sample): Promise<KeptVerdict | null> {
    const line = await this.#next();
    if (line === null) return null;
    // (A byte-order mark an editor added is dropped by the line splitter, utf8-lines.ts.)
    const value = parseJson(this.#text(line));
    if (value instanceof Error && (await this.#peek()) === null) {
      this.#cutLine = line.lineNumber;
      return null;
    }
    this.#taken++;
    return checkKeptResult(sample, value, { resultsPath: this.#resultsPath, line: line.lineNumber, samplesName: this.#samplesName });
  }

  /** After the samples file's last sample: throws when the results file has lines left over. */
  async finish(samples: number): Promise<void> {
    const line = await this.#next();
    if (line === null) return;
    throw new InputError(
      `${this.#resultsPath} holds more results than ${this.#samplesName} has samples (${samples.toLocaleString('en')}): ` +
        `line ${line.lineNumber} is the result of no sample. ${HOW_TO_START_OVER}`,
    );
  }

  async close(): Promise<void> {
    await this.#lines.return(undefined);
  }

  /** The next line that is not blank, or null at the end of the file. */
  async #next(): Promise<FileLine | null> {
    const line = this.#ahead ?? (await this.#read());
    this.#ahead = null;
    return line;
  }

  /** The line `#next` will give, read now and kept for it. */
  async #peek(): Promise<FileLine | null> {
    this.#ahead ??= await this.#read();
    return this.#ahead;
  }

  async #read(): Promise<FileLine | null> {
    while (!this.#ended) {
      const next = await this.#lines.next();
      if (next.done === true) this.#ended = true;
      else if (!('text' in next.value) || next.value.text.trim() !== '') return next.value;
    }
    return null;
  }

  #text(line: FileLine): string {
    if ('text' in line) return line.text;
    throw new InputError(
      `${this.#resultsPath} line ${line.lineNumber} is longer than any result \`score\` writes (${line.chars.toLocaleString('en')} characters). ${HOW_TO_START_OVER}`,
    );
  }
}
