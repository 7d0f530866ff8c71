/**
 * The study's released data as one value: the four kinds of file, each read and validated by
 * its own reader. The UI hands the parsed JSON in (from files a user picks or fetches); this
 * module never touches a file system.
 */
import { readChampion, type ReleasedChampion } from './champions.ts';
import { readErrorTaxonomy, type ReleasedErrorTaxonomy } from './error-taxonomy.ts';
import { readIterationAnalysis, type ReleasedIterationAnalysis } from './iteration-analysis.ts';
import { readMainResults, type ReleasedMainResults } from './main-results.ts';

export interface ReleasedStudy {
  main: ReleasedMainResults;
  iterations: ReleasedIterationAnalysis;
  taxonomy: ReleasedErrorTaxonomy;
  champions: ReleasedChampion[];
}

/** Parsed JSON of the released files; champions keep their file names (`v3_champion.json`). */
export interface ReleasedStudyJson {
  mainResults: unknown;
  iterationAnalysis: unknown;
  errorTaxonomy: unknown;
  champions: { fileName: string; json: unknown }[];
}

/** Reads every released file; throws ReleasedFileError naming the first file and place that is wrong. */
export function readReleasedStudy(files: ReleasedStudyJson): ReleasedStudy {
  const main = readMainResults(files.mainResults);
  const iterations = readIterationAnalysis(files.iterationAnalysis);
  const taxonomy = readErrorTaxonomy(files.errorTaxonomy);
  const known = new Set(main.arms.map((a) => a.name));
  for (const arm of [...iterations.arms, ...taxonomy.arms]) {
    if (!known.has(arm.name)) {
      throw new Error(
        `The released files disagree: "${arm.name}" is analysed but has no five-run entry in main_results.json.`,
      );
    }
  }
  const champions = files.champions
    .map((c) => readChampion(c.json, c.fileName))
    .sort((a, b) => a.run.localeCompare(b.run));
  return { main, iterations, taxonomy, champions };
}
