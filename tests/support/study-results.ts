/**
 * The study's released raw results (github.com/L3G/feedback-over-form, results/, MIT) for tests,
 * read from `STUDY_RESULTS_DIR`, else `../shared/feedback-over-form-results` next to the
 * repository. They are never copied into the repository. Tests never skip when they are missing:
 * they fail with a message saying where to put them.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReleasedStudy, type ReleasedStudy, type ReleasedStudyJson } from '../../src/core/reproduce/released-study.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `STUDY_RESULTS_DIR`, else `../shared/feedback-over-form-results` next to the repository. */
export function studyResultsDir(): string {
  return path.resolve(
    REPO_ROOT,
    process.env['STUDY_RESULTS_DIR'] ?? path.join('..', 'shared', 'feedback-over-form-results'),
  );
}

function missing(file: string, error: unknown): Error {
  return new Error(
    `Study results missing: cannot read ${file} (${(error as Error).message}). Put the study's released ` +
      `results/ folder (main_results.json, iteration_analysis.json, error_taxonomy.json, neat_runs/) there, ` +
      `or set STUDY_RESULTS_DIR to the folder that holds it.`,
  );
}

/** One released file, parsed: `readStudyJson('main_results.json')`, `readStudyJson('neat_runs/v3_champion.json')`. */
export async function readStudyJson(relativePath: string): Promise<unknown> {
  const file = path.join(studyResultsDir(), relativePath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw missing(file, error);
  }
  return JSON.parse(text) as unknown;
}

/** One released file's bytes, as a server would send them: `readReleasedBytes('neat_runs/v2_champion.json')`. */
export function readReleasedBytes(relativePath: string): Buffer {
  const file = path.join(studyResultsDir(), relativePath);
  try {
    return readFileSync(file);
  } catch (error) {
    throw missing(file, error);
  }
}

/** Every released file, parsed but not yet validated. */
export async function readStudyFiles(): Promise<ReleasedStudyJson> {
  const championsDir = path.join(studyResultsDir(), 'neat_runs');
  let championFiles: string[];
  try {
    championFiles = (await readdir(championsDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (error) {
    throw missing(championsDir, error);
  }
  if (championFiles.length === 0) throw missing(championsDir, new Error('no champion files'));
  return {
    mainResults: await readStudyJson('main_results.json'),
    iterationAnalysis: await readStudyJson('iteration_analysis.json'),
    errorTaxonomy: await readStudyJson('error_taxonomy.json'),
    champions: await Promise.all(
      championFiles.map(async (fileName) => ({ fileName, json: await readStudyJson(`neat_runs/${fileName}`) })),
    ),
  };
}

let loaded: Promise<ReleasedStudy> | undefined;

/** The released study read by the app's own readers, once per test file. */
export function loadReleasedStudy(): Promise<ReleasedStudy> {
  loaded ??= readStudyFiles().then(readReleasedStudy);
  return loaded;
}
