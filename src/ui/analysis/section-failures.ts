/**
 * What the Reproduce page says when a loaded file cannot be analysed. One edited file (an arm
 * renamed in main_results.json) fails every section built from it with the same message: the page
 * says it once, in one alert, and each section only that it was not computed and because of which
 * file. Worded for the files at fault, so one file is not called "these files … together".
 */
import { RELEASED_KIND_FILE } from '../../core/analysis/released-files.ts';
import type { ReportSection } from '../../core/analysis/reproduce-report.ts';

/** One reason, and the sections it left empty. */
export interface SectionFailure {
  message: string;
  /** The files at fault, e.g. "main_results.json could not be analysed". */
  files: string;
  /** Short names of the sections, e.g. "Table 1". */
  sections: string[];
}

/**
 * The files a section's failure is about: those of its files the message names (a reader's message
 * starts with its file's name), else all it needs.
 */
export function failedFiles(section: Pick<ReportSection, 'needs' | 'error'>): string {
  const needed = section.needs.map((k) => RELEASED_KIND_FILE[k]);
  const named = needed.filter((name) => section.error?.includes(name));
  const files = named.length > 0 ? named : needed;
  return files.length === 1 ? `${files[0]} could not be analysed` : `${files.join(' and ')} could not be analysed together`;
}

/** "Table 1 — HumanEval, five runs per arm" → "Table 1": the list in the alert stays short. */
function shortTitle(title: string): string {
  return title.split(' — ')[0] ?? title;
}

/** The failed sections grouped by their message, in page order. */
export function sectionFailures(sections: readonly ReportSection[]): SectionFailure[] {
  const byMessage = new Map<string, SectionFailure>();
  for (const section of sections) {
    if (section.error === null || section.missing.length > 0) continue;
    const known = byMessage.get(section.error);
    if (known) known.sections.push(shortTitle(section.title));
    else byMessage.set(section.error, { message: section.error, files: failedFiles(section), sections: [shortTitle(section.title)] });
  }
  return [...byMessage.values()];
}
