/**
 * Samples files, as openai/human-eval and EvalPlus write them: JSONL, one object per line with
 * `task_id` and `completion`, or EvalPlus's `solution` (a whole program, run without the prompt
 * before it; it wins when a line has both, as in EvalPlus's evaluator), any other fields carried
 * through to the results file. A task may have many samples (pass@k files): each is scored.
 *
 * Files can be large and scoring is slow, so reading is line by line: a bad line is reported
 * with its number and skipped, never fatal, and nothing scored before it is lost. Only a file
 * with no usable sample at all is fatal (empty, every id from the other benchmark, or no line
 * readable), because then there is nothing to score and the user needs one clear sentence.
 */
import type { BenchmarkId, Problem } from '../benchmarks/problem.ts';
import { A_BENCHMARK, BENCHMARK_NAMES, readTaskId } from '../benchmarks/task-id.ts';
import type { Outcome } from '../harness/outcome.ts';
import { humanEvalResult } from '../harness/result-line.ts';
import { numbersWouldChange, withExactNumbers } from './exact-numbers.ts';
import { locateJsonSyntaxError } from './json-syntax-error.ts';
import type { FileLine } from './utf8-lines.ts';

export interface Sample {
  /** 1-based line in the file. */
  line: number;
  problem: Problem;
  /** The code to score: the line's `solution` when it has one, else its `completion`. */
  completion: string;
  /** True for a `solution`: a complete program, so no prompt is put before it. */
  wholeProgram: boolean;
  /** The object as read, every field kept, for the results file. */
  fields: Record<string, unknown>;
  /**
   * The line's text, kept only when one of its numbers would be written back otherwise than it
   * is written here (a 64-bit seed, `0.0`), so the results file copies it as written (exact-numbers.ts).
   */
  exactText?: string;
}

export interface SampleLineError {
  line: number;
  message: string;
}

export type SampleEvent = { kind: 'sample'; sample: Sample } | { kind: 'error'; error: SampleLineError };

/**
 * Longest line read as a sample, in characters: generous for any real completion (the study's
 * replies are < 10 kB) while bounding what one line costs. The command line and the Scoring
 * page both refuse longer lines, with the same message, so they give the same counts.
 */
export const MAX_SAMPLE_LINE_CHARS = 1_000_000;

/** Tasks in the original MBPP (mbpp.jsonl, task ids 1 to 974), of which sanitized MBPP is a subset. */
const FULL_MBPP_TASKS = 974;

/**
 * Bad lines listed one by one, by the command line and the Scoring page alike; the rest are only
 * counted. A wrong file (a CSV, a log) can have millions of lines: listing them all floods a
 * terminal, and keeping every message froze the page for minutes.
 */
export const LISTED_LINE_ERRORS = 50;

/**
 * What a gzip file that does not decompress is told, after its name ("This file" on the page, its
 * path on the command line). The engines' own reasons differ ("Compressed input was truncated."
 * in a browser, "unexpected end of file" from zlib) and say the same thing, so neither is quoted.
 */
export const DAMAGED_GZIP = 'is gzip-compressed but could not be decompressed (its data ends early or is damaged), so it may be cut short: copy or download it again, or use the uncompressed file.';

/** What an empty samples file is told, by the reader and by the command line before any Python starts. */
export const EMPTY_SAMPLES_FILE = 'The samples file is empty: it should hold one JSON object per line, each with "task_id" and "completion".';

export interface ReadSamplesOptions {
  benchmark: BenchmarkId;
  /** The benchmark's problems; samples are matched to them by canonical id. */
  problems: readonly Problem[];
}

export interface SamplesSummary {
  samples: number;
  badLines: number;
  /** Problems with no sample: human-eval refuses such files; here they are reported. */
  missingTaskIds: string[];
}

/** Reads a samples file one line at a time; `finish()` after the last line. */
export class SampleReader {
  readonly #benchmark: BenchmarkId;
  readonly #problems: readonly Problem[];
  readonly #byId: Map<string, Problem>;
  readonly #attempted = new Set<string>();
  #lineNumber = 0;
  #nonBlankLines = 0;
  #samples = 0;
  #badLines = 0;
  #firstError: SampleLineError | null = null;
  #otherBenchmark: { benchmark: BenchmarkId; line: number; id: string; count: number } | null = null;
  /** The first non-blank lines, trimmed and cut short, to say what a file of no samples is instead. */
  #head: string[] = [];
  /** The first non-blank line is a whole JSON array (of any length: only its start is in `#head`). */
  #firstLineArray = false;
  /** Lines that are a lone "}" (or "},") at the start of the line: the ends of records printed over several lines. */
  #recordEnds = 0;
  #refusedAsWhole = false;

  constructor(options: ReadSamplesOptions) {
    this.#benchmark = options.benchmark;
    this.#problems = options.problems;
    this.#byId = new Map(options.problems.map((p) => [p.id, p]));
  }

  /** One line of the file (without or with its line end); null for a blank line. */
  read(rawLine: string): SampleEvent | null {
    this.#lineNumber++;
    let text = rawLine.endsWith('\n') ? rawLine.slice(0, -1) : rawLine;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (this.#lineNumber === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    // human-eval's reader skips lines that are only whitespace.
    if (text.trim() === '') return null;
    this.#nonBlankLines++;
    if (this.#head.length < 2) this.#head.push(text.trim().slice(0, 200));
    if (/^\}\s*,?\s*$/.test(text)) this.#recordEnds++;
    const result = this.#parse(text);
    if (typeof result === 'string') return this.#bad(result);
    this.#samples++;
    this.#attempted.add(result.problem.id);
    return { kind: 'sample', sample: result };
  }

  /** One line as `utf8-lines.ts` splits a file: read, or refused as too long or not UTF-8. */
  readLine(line: FileLine, maxChars = MAX_SAMPLE_LINE_CHARS): SampleEvent | null {
    if ('tooLong' in line) return this.readTooLong(line.chars, maxChars, line.head);
    if (line.invalidUtf8At === undefined) return this.read(line.text);
    this.#lineNumber++;
    this.#nonBlankLines++;
    if (this.#head.length < 2) this.#head.push(line.text.trim().slice(0, 200));
    // Said as a line that ends before its JSON value is (jsonSyntaxError): the bytes are not foreign, only too few.
    if (line.endsInsideCharacter) return this.#bad(`the file ends (at column ${line.invalidUtf8At}) partway through a character; it may be cut short.`);
    return this.#bad(
      `not valid UTF-8 at column ${line.invalidUtf8At} (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).`,
    );
  }

  /** Set once `finish()` has refused the file as a whole (one JSON document, records over several lines…): its bad lines add nothing to that. */
  get refusedAsWhole(): boolean {
    return this.#refusedAsWhole;
  }

  #bad(reason: string): SampleEvent {
    const error = { line: this.#lineNumber, message: `line ${this.#lineNumber}: ${reason}` };
    this.#badLines++;
    this.#firstError ??= error;
    return { kind: 'error', error };
  }

  /**
   * One line longer than `maxChars` (`chars` long), not read: a bad line, numbered like any
   * other. `head`, the line's start, lets a whole result file on one line be named as such.
   */
  readTooLong(chars: number, maxChars = MAX_SAMPLE_LINE_CHARS, head = ''): SampleEvent {
    this.#lineNumber++;
    this.#nonBlankLines++;
    if (this.#head.length < 2) this.#head.push(head.trim().slice(0, 200));
    return this.#bad(`longer than ${maxChars.toLocaleString('en-US')} characters (${chars.toLocaleString('en-US')}); not read.`);
  }

  /** Throws when the file held nothing to score; otherwise says what was read and what is missing. */
  finish(): SamplesSummary {
    const benchmarkName = BENCHMARK_NAMES[this.#benchmark];
    if (this.#nonBlankLines === 0) {
      throw new Error(EMPTY_SAMPLES_FILE);
    }
    if (this.#samples === 0 && this.#otherBenchmark) {
      const other = this.#otherBenchmark;
      // "Every … is an MBPP id" when all lines are; else the other lines are bad, and the ids are the other benchmark's.
      const ids =
        other.count === this.#nonBlankLines
          ? `Every task id in this file is ${A_BENCHMARK[other.benchmark]} id`
          : `The task ids in this file are ${BENCHMARK_NAMES[other.benchmark]} ids`;
      throw new Error(
        `${ids} (line ${other.line}: ${other.id}), but it is being scored as ${benchmarkName}. ` +
          `Score it as ${BENCHMARK_NAMES[other.benchmark]} instead.`,
      );
    }
    const otherKind = this.#samples === 0 ? wholeDocumentKind(this.#head, this.#firstLineArray, this.#recordEnds) : null;
    this.#refusedAsWhole = otherKind !== null;
    if (otherKind !== null) throw new Error(`${otherKind} A samples file holds one JSON object per line, each with "task_id" and "completion".`);
    if (this.#samples === 0) {
      throw new Error(
        `No line of this file is a usable ${benchmarkName} sample (${this.#badLines} bad line${this.#badLines === 1 ? '' : 's'}; ` +
          `first, ${this.#firstError?.message ?? 'unknown'}). Expected one JSON object per line with "task_id" and "completion".`,
      );
    }
    return {
      samples: this.#samples,
      badLines: this.#badLines,
      missingTaskIds: this.#problems.filter((p) => !this.#attempted.has(p.id)).map((p) => p.id),
    };
  }

  /** A sample, or the reason the line is not one. */
  #parse(text: string): Sample | string {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return jsonSyntaxError(text);
    }
    if (Array.isArray(value) && this.#nonBlankLines === 1) this.#firstLineArray = true;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object.';
    const fields = value as Record<string, unknown>;
    if (!('task_id' in fields)) return 'no "task_id" field.';
    const candidate = candidateOf(fields);
    if (typeof candidate === 'string') return candidate;
    const rawId = fields['task_id'];
    const reading = readTaskId(this.#benchmark, rawId);
    const shown = JSON.stringify(rawId);
    switch (reading.kind) {
      case 'malformed':
        return `task_id ${shown} is not ${A_BENCHMARK[this.#benchmark]} task id${this.#suggestion(rawId)}.`;
      case 'other-benchmark': {
        const name = BENCHMARK_NAMES[reading.benchmark];
        if (this.#otherBenchmark) {
          this.#otherBenchmark.count++;
          return `task_id ${shown} is ${A_BENCHMARK[reading.benchmark]} id (see line ${this.#otherBenchmark.line}).`;
        }
        this.#otherBenchmark = { benchmark: reading.benchmark, line: this.#lineNumber, id: reading.id, count: 1 };
        return (
          `task_id ${shown} is ${A_BENCHMARK[reading.benchmark]} id, but this run scores ${BENCHMARK_NAMES[this.#benchmark]}. ` +
          `If the file holds ${name} samples, score it as ${name}.`
        );
      }
      case 'ok': {
        const problem = this.#byId.get(reading.id);
        if (!problem) return `unknown task id ${shown}: ${this.#absent(reading.id, reading.number)}.`;
        const sample: Sample = { line: this.#lineNumber, problem, ...candidate, fields };
        if (numbersWouldChange(text, fields)) sample.exactText = text;
        return sample;
      }
      default: {
        const never: never = reading;
        return never;
      }
    }
  }

  /** For a misspelt id that ends in a task's number ("HumanEvl/3", "humaneval-3"): the id it likely meant. */
  #suggestion(rawId: unknown): string {
    const number = typeof rawId === 'string' ? trailingNumber(rawId) : '';
    if (number === '') return '';
    const reading = readTaskId(this.#benchmark, this.#benchmark === 'humaneval' ? `HumanEval/${number}` : number);
    const problem = reading.kind === 'ok' ? this.#byId.get(reading.id) : undefined;
    return problem ? ` (did you mean "${problem.id}"?)` : '';
  }

  /**
   * Why a well-formed id names no task here. MBPP's are scored on the sanitized set (427 of the
   * original 974), so a task of the full MBPP is named as one, not as a task MBPP lacks: a file of
   * full-MBPP samples (bigcode-evaluation-harness scores tasks 11 to 510) is then understood at once.
   */
  #absent(id: string, number: number): string {
    if (this.#benchmark === 'mbpp' && number >= 1 && number <= FULL_MBPP_TASKS) {
      return `task ${number} is in the full MBPP (tasks 1 to ${FULL_MBPP_TASKS}) but not in sanitized MBPP, whose ${this.#problems.length} tasks are scored here`;
    }
    return `${BENCHMARK_NAMES[this.#benchmark]} has no ${id}${this.#range()}`;
  }

  #range(): string {
    const numbers = this.#problems.map((p) => p.number);
    if (numbers.length === 0) return '';
    const first = this.#problems.find((p) => p.number === Math.min(...numbers))?.id;
    const last = this.#problems.find((p) => p.number === Math.max(...numbers))?.id;
    const gaps = Math.max(...numbers) - Math.min(...numbers) + 1 !== numbers.length ? ', with gaps' : '';
    return ` (its tasks run from ${first} to ${last}${gaps})`;
  }
}

/** The code a line gives, as EvalPlus reads it (`solution` first, else `completion`), or why there is none. */
function candidateOf(fields: Record<string, unknown>): { completion: string; wholeProgram: boolean } | string {
  if ('solution' in fields) {
    if (typeof fields['solution'] !== 'string') return '"solution" is not a string.';
    return { completion: fields['solution'], wholeProgram: true };
  }
  if (!('completion' in fields)) return 'no "completion" field (nor an EvalPlus "solution").';
  if (typeof fields['completion'] !== 'string') return '"completion" is not a string.';
  return { completion: fields['completion'], wholeProgram: false };
}

/** What Feedback Lab's own JSON files say they are, for one picked where a samples file was wanted. */
const OTHER_FORMATS: Record<string, string> = {
  'feedback-lab/results': 'This is a Feedback Lab result file, not a samples file: open it on the Results page. To score one arm\'s code, import it on the Study page and export that arm\'s samples.',
  'feedback-lab/search': 'This is a Feedback Lab search file, not a samples file: import it on the Search page.',
  'feedback-lab/prompt-set': 'This is a prompt set, not a samples file: load it on the Study or Search page.',
};

/**
 * A sentence for a file that is one JSON document rather than JSON Lines (a result file, a
 * search file, a prompt set, a JSON array, or any pretty-printed JSON), or records printed over
 * several lines each, from its first two non-blank lines (cut to 200 characters), whether the
 * first was a whole array, and how many lines close a record; null when it looks like none.
 * Feedback Lab's files give their "format" first.
 */
function wholeDocumentKind(head: readonly string[], firstLineArray: boolean, recordEnds: number): string | null {
  const [first = '', second = ''] = head;
  const format = /^\{?\s*"format"\s*:\s*"([^"]*)"/.exec(first === '{' ? second : first)?.[1];
  if (format !== undefined && format in OTHER_FORMATS) return OTHER_FORMATS[format] as string;
  if (first === '[') return 'This file is one JSON array spread over many lines, not JSON Lines.';
  // bigcode-evaluation-harness's generations.json: one list per task, in task order, of whole programs (prompt included).
  if (/^\[\s*\[\s*["\]]/.test(first)) {
    return (
      'This file is a JSON array of lists of programs with no task ids, as bigcode-evaluation-harness writes generations.json: ' +
      'it cannot be matched to tasks as it is. Write it as JSON Lines, one {"task_id": …, "solution": program} per program ' +
      '(its lists are in task order: the list at index i holds HumanEval/i\'s programs, or, for bigcode\'s MBPP, task 11 + i\'s), ' +
      'with "solution" because each program includes the prompt.'
    );
  }
  // A whole array on one line, or the start of one too long to read ("[{…").
  if (firstLineArray || /^\[\s*\{/.test(first)) return 'This file is one JSON array, not JSON Lines.';
  if (first.startsWith('{') && recordEnds >= 2) {
    return 'The records in this file are each spread over several lines (pretty-printed), but JSON Lines needs each record on one line of its own (in Python, json.dumps(record) with no indent).';
  }
  if (first === '{') return 'This file is one JSON document spread over many lines, not JSON Lines.';
  return null;
}

/**
 * Why a line is not JSON, in the same words in every browser and in Node (whose `JSON.parse`
 * messages differ), naming the column in the line and never quoting a control character raw.
 */
function jsonSyntaxError(text: string): string {
  const place = locateJsonSyntaxError(text);
  if (place === null) return 'not valid JSON.';
  if (place.atEnd) return `not valid JSON: the line ends (at column ${place.column}) before the JSON value does; it may be cut short.`;
  // Python's json.dumps writes a float that is not a number as NaN, Infinity or -Infinity (a
  // logprob field, say), and human-eval reads them back; JSON has no such values.
  const constant = /^(?:NaN|Infinity)/.exec(text.slice(place.offset, place.offset + 8))?.[0];
  if (constant !== undefined) {
    const signed = text[place.offset - 1] === '-';
    return (
      `not valid JSON: ${signed ? '-' : ''}${constant} at column ${place.column - (signed ? 1 : 0)}, which Python's json writes for a float that is not a number, but JSON has no such value. ` +
      'Write that field as null (or leave it out) and score the file again.'
    );
  }
  const char = String.fromCodePoint(text.codePointAt(place.offset) as number);
  return `not valid JSON: unexpected ${showChar(char)} at column ${place.column}.`;
}

/** One character for a message: printable ones quoted, control and invisible ones escaped and named. */
function showChar(char: string): string {
  const code = char.codePointAt(0) as number;
  const escaped = `\\u${code.toString(16).padStart(4, '0')}`;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return `control character ${escaped}`;
  if (/[\u00A0\u2000-\u200F\u2028\u2029\uFEFF\uD800-\uDFFF]/.test(char)) return `invisible character ${escaped}`;
  return char === '"' ? `'"'` : `"${char}"`;
}

/**
 * Streams a samples file: yields each sample or bad line as it is read, so scoring can start at
 * once; throws after the last line only if the file held nothing to score.
 */
export async function* readSamples(
  lines: Iterable<string> | AsyncIterable<string>,
  options: ReadSamplesOptions,
): AsyncGenerator<SampleEvent, SamplesSummary> {
  const reader = new SampleReader(options);
  for await (const line of lines) {
    const event = reader.read(line);
    if (event) yield event;
  }
  return reader.finish();
}

/** The whole of a small samples file at once. */
export function parseSamples(
  text: string,
  options: ReadSamplesOptions,
): { samples: Sample[]; errors: SampleLineError[]; summary: SamplesSummary } {
  const reader = new SampleReader(options);
  const samples: Sample[] = [];
  const errors: SampleLineError[] = [];
  // Split as utf8-lines.ts splits a file: LF, CRLF and a lone CR alike.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const event = reader.read(line);
    if (event?.kind === 'sample') samples.push(event.sample);
    else if (event?.kind === 'error') errors.push(event.error);
  }
  return { samples, errors, summary: reader.finish() };
}

/**
 * One line of `<samples>_results.jsonl` (no newline): the input fields, then `result` and
 * `passed`, in the order human-eval adds them (an input that already had them keeps their
 * position, as a Python dict would), every number as the samples file wrote it.
 */
export function formatResultLine(sample: Sample, outcome: Outcome): string {
  return resultLine(sample, { result: humanEvalResult(outcome), passed: outcome.kind === 'passed' });
}

/** The same line from a verdict already worded (`score --resume` writes a kept result again from it). */
export function resultLine(sample: Sample, verdict: { result: string; passed: boolean }): string {
  const added = { result: verdict.result, passed: verdict.passed };
  const exact = sample.exactText === undefined ? null : withExactNumbers(sample.exactText, added);
  return exact ?? JSON.stringify({ ...sample.fields, ...added });
}

/** The last line the scorer prints. */
export function formatSummaryLine(passed: number, failed: number): string {
  return `${passed} passed, ${failed} failed`;
}

/**
 * The digits a text ends with, spaces after them allowed ("HumanEvl/3 " → "3"), or "". Read from
 * the end by hand: the pattern /(\d+)\s*$/ tries every digit of a run as a start, so a task id of
 * 200,000 digits and a letter held the page for minutes.
 */
function trailingNumber(text: string): string {
  const end = text.trimEnd().length;
  let start = end;
  while (start > 0 && text.charCodeAt(start - 1) >= 48 && text.charCodeAt(start - 1) <= 57) start--;
  return text.slice(start, end);
}
