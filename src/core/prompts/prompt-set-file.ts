/**
 * Reading a file someone picked as a prompt set, in the app or with `feedback-lab run --prompts`.
 * The usual mistakes get a sentence of their own instead of a list of missing fields: a result
 * file (its texts travel with it already), a samples file, anything gzip-compressed, anything
 * that is not text.
 */
import { isGzip } from '../results/bounded-compression.ts';
import { RESULT_FILE_FORMAT } from '../results/result-file.ts';
import { isRecord } from '../pipeline/json-shape.ts';
import { parsePromptSet, validatePromptSet, type PromptSetResult } from './prompt-set.ts';

/** Every prompt at its 8000-character limit, 100 of them, fits; a file past this is not a prompt set. */
export const MAX_PROMPT_SET_BYTES = 1_000_000;

/** The search file's format, written out here so that reading a prompt set does not load zod. */
const SEARCH_FILE_FORMAT = 'feedback-lab/search';

/** Parses and validates a picked file; every problem is listed, a mistaken file in one sentence. */
export function readPromptSetFile(bytes: Uint8Array): PromptSetResult {
  if (isGzip(bytes)) {
    return refuse('This file is gzip-compressed, as exported result files (.json.gz) are; a prompt set is a plain .json file.');
  }
  if (bytes.length > MAX_PROMPT_SET_BYTES) {
    // Result, search and samples files are the big files people pick by mistake: name them, as for small ones.
    const mistaken = mistakenBigFile(new TextDecoder().decode(bytes.subarray(0, SNIFF_BYTES)));
    return refuse(mistaken ?? `This file is ${(bytes.length / 1_000_000).toFixed(1)} MB; a prompt set is a small .json file (under 1 MB).`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse('This file is not text (not UTF-8); a prompt set is a .json file.');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    if (looksLikeSamples(text)) return refuse(SAMPLES);
    return parsePromptSet(text);
  }
  const mistaken = mistakenFile(value);
  return mistaken ? refuse(mistaken) : validatePromptSet(value);
}

const SAMPLES = 'This is a samples file (task_id and completion on each line), not a prompt set: score it on the Scoring page, or with feedback-lab score.';

/** A sentence for a Feedback Lab file of another kind, or null. */
function mistakenFile(value: unknown): string | null {
  if (!isRecord(value)) return null;
  if (value.format === RESULT_FILE_FORMAT) {
    return (
      'This is a Feedback Lab result file, not a prompt set. Its prompt texts travel with it: replay it (Engine: Replay a result file), ' +
      'or run its study again with the same texts with feedback-lab run --study FILE.'
    );
  }
  if (value.format === SEARCH_FILE_FORMAT) return 'This is a Feedback Lab search file, not a prompt set; import it on the Search page.';
  if ('task_id' in value && 'completion' in value) return SAMPLES;
  return null;
}

/** Enough of a big file's start to hold its "format" field, or a samples file's first line. */
const SNIFF_BYTES = 64 * 1024;

/** The sentence for a file too big to parse whole, from its start: Feedback Lab's files say their format first. */
function mistakenBigFile(head: string): string | null {
  const format = /^\uFEFF?\s*\{\s*"format"\s*:\s*"([^"]*)"/.exec(head)?.[1];
  if (format !== undefined) return mistakenFile({ format });
  return head.includes('\n') && looksLikeSamples(head) ? SAMPLES : null;
}

/** A samples file is JSON lines: the first line alone parses, with a task_id. */
function looksLikeSamples(text: string): boolean {
  const end = text.indexOf('\n');
  try {
    const first: unknown = JSON.parse(end === -1 ? text : text.slice(0, end));
    return isRecord(first) && 'task_id' in first;
  } catch {
    return false;
  }
}

function refuse(sentence: string): PromptSetResult {
  return { ok: false, errors: [sentence] };
}
