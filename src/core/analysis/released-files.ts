/**
 * Sorting the files a user drops on the Reproduce page into the study's four kinds of released
 * file, by their content rather than their names (a download may be renamed), and reading each
 * with its own validating reader. A file that fails is reported with the reader's message and
 * leaves only its own sections empty.
 */
import { readChampion, type ReleasedChampion } from '../reproduce/champions.ts';
import { readErrorTaxonomy, type ReleasedErrorTaxonomy } from '../reproduce/error-taxonomy.ts';
import { readIterationAnalysis, type ReleasedIterationAnalysis } from '../reproduce/iteration-analysis.ts';
import { readMainResults, type ReleasedMainResults } from '../reproduce/main-results.ts';
import { RELEASED_KIND_FILE, recogniseReleasedJson, type ReleasedKind } from '../reproduce/released-kind.ts';
import { locateJsonSyntaxError } from '../results/json-syntax-error.ts';

export { RELEASED_KIND_FILE, recogniseReleasedJson, type ReleasedKind } from '../reproduce/released-kind.ts';

export interface ReleasedFileText {
  fileName: string;
  text: string;
}

export interface LoadedReleasedFiles {
  main: ReleasedMainResults | null;
  iterations: ReleasedIterationAnalysis | null;
  taxonomy: ReleasedErrorTaxonomy | null;
  champions: ReleasedChampion[];
  /** What each file in use was taken for, in the order given. */
  recognised: { fileName: string; kind: ReleasedKind }[];
  /** Files that were not JSON, not one of the four kinds, failed their reader, or were replaced by a later file of their kind. */
  problems: ReleasedFileProblem[];
  /** Kinds still missing (champions count as one kind). */
  missing: ReleasedKind[];
}

/** The app's pages that open a file picked here by mistake. */
export type OtherPage = 'results' | 'search' | 'study';

export interface ReleasedFileProblem {
  fileName: string;
  message: string;
  /** The page where this file belongs, when it is one of Feedback Lab's own files: the page links to it. */
  openOn?: OtherPage;
}

/** Feedback Lab's own files, by their "format": which page opens each, as Results points the study's files here. */
const FEEDBACK_LAB_FILES: Record<string, { what: string; openOn: OtherPage }> = {
  'feedback-lab/results': { what: 'a Feedback Lab result file (a study run in this app)', openOn: 'results' },
  'feedback-lab/search': { what: 'a Feedback Lab search file', openOn: 'search' },
  'feedback-lab/prompt-set': { what: 'a Feedback Lab prompt set', openOn: 'study' },
};

/** Why a file is not one of the released files, and where it belongs if Feedback Lab wrote it. */
function notReleased(fileName: string, json: unknown): ReleasedFileProblem {
  const format = typeof json === 'object' && json !== null && 'format' in json ? json.format : undefined;
  const own = typeof format === 'string' ? FEEDBACK_LAB_FILES[format] : undefined;
  if (own) return { fileName, message: `This is ${own.what}, not one of the study's released files.`, openOn: own.openOn };
  return {
    fileName,
    message: 'Not one of the study\'s released files (main_results.json, iteration_analysis.json, error_taxonomy.json, *_champion.json).',
  };
}

/** A gzip file's first byte, as the text a file reads as: an exported .json.gz is not JSON to this page. */
const GZIP_START = '\u001f';

/**
 * Why a text that is not a gzip file failed to parse, in the same words in every browser. A file
 * cut off mid-way (an interrupted download) is said to be, where the engine's "Unterminated string"
 * or "Expected ',' …" made it sound like the wrong kind of file.
 */
function notJson(fileName: string, text: string, error: unknown): ReleasedFileProblem {
  if (text.trim() === '') return { fileName, message: 'The file is empty.' };
  const place = locateJsonSyntaxError(text);
  if (place?.atEnd) {
    return {
      fileName,
      message: `The file is cut short: its JSON stops in the middle (line ${place.line}, column ${place.column}). Was the download interrupted? Download it again.`,
    };
  }
  return { fileName, message: `Not JSON (${(error as Error).message}).` };
}

/** What the page lists of the files loaded: which is taken for what, which is not used and why, what is missing. */
export type ReleasedFileStatus = Pick<LoadedReleasedFiles, 'recognised' | 'problems' | 'missing'>;

export function releasedFileStatus(loaded: LoadedReleasedFiles): ReleasedFileStatus {
  return { recognised: loaded.recognised, problems: loaded.problems, missing: loaded.missing };
}

/**
 * Reads every file; the last file of a kind wins (loading a corrected file replaces the old),
 * champions accumulate by run name.
 */
export function loadReleasedFiles(files: readonly ReleasedFileText[]): LoadedReleasedFiles {
  const out: LoadedReleasedFiles = {
    main: null,
    iterations: null,
    taxonomy: null,
    champions: [],
    recognised: [],
    problems: [],
    missing: [],
  };
  const champions = new Map<string, ReleasedChampion>();
  // Which file holds each kind (each champion run), so one a later file replaces is listed as
  // not used: a renamed copy ("main_results (1).json") beside the original otherwise read as both in use.
  const holders = new Map<string, { fileName: string; kind: ReleasedKind }>();
  const hold = (slot: string, held: { fileName: string; kind: ReleasedKind }, what: string) => {
    const before = holders.get(slot);
    if (before) {
      out.recognised.splice(out.recognised.indexOf(before), 1);
      out.problems.push({ fileName: before.fileName, message: `Replaced by ${held.fileName}, loaded after it: only one ${what} is used.` });
    }
    holders.set(slot, held);
    out.recognised.push(held);
  };
  for (const { fileName, text } of files) {
    let json: unknown;
    try {
      json = JSON.parse(text) as unknown;
    } catch (error) {
      out.problems.push(
        text.startsWith(GZIP_START)
          ? { fileName, message: 'A compressed (.gz) file: the study\'s released files are plain .json, but Feedback Lab\'s result files can be .json.gz.', openOn: 'results' }
          : notJson(fileName, text, error),
      );
      continue;
    }
    const kind = recogniseReleasedJson(json);
    if (kind === null) {
      out.problems.push(notReleased(fileName, json));
      continue;
    }
    try {
      switch (kind) {
        case 'main-results':
          out.main = readMainResults(json);
          hold(kind, { fileName, kind }, RELEASED_KIND_FILE[kind]);
          break;
        case 'iteration-analysis':
          out.iterations = readIterationAnalysis(json);
          hold(kind, { fileName, kind }, RELEASED_KIND_FILE[kind]);
          break;
        case 'error-taxonomy':
          out.taxonomy = readErrorTaxonomy(json);
          hold(kind, { fileName, kind }, RELEASED_KIND_FILE[kind]);
          break;
        case 'champion': {
          const champion = readChampion(json, fileName);
          champions.set(champion.run, champion);
          hold(`champion ${champion.run}`, { fileName, kind }, `champion of the ${champion.run} run`);
          break;
        }
      }
    } catch (error) {
      out.problems.push({ fileName, message: (error as Error).message });
    }
  }
  out.champions = [...champions.values()].sort((a, b) => a.run.localeCompare(b.run));
  const have: Record<ReleasedKind, boolean> = {
    'main-results': out.main !== null,
    'iteration-analysis': out.iterations !== null,
    'error-taxonomy': out.taxonomy !== null,
    champion: out.champions.length > 0,
  };
  out.missing = (Object.keys(have) as ReleasedKind[]).filter((k) => !have[k]);
  return out;
}
