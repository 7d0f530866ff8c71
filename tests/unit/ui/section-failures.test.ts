/**
 * An edited released file that cannot be analysed empties every section built from it: the
 * Reproduce page says why once, worded for the one file at fault, and names the sections.
 */
import { describe, expect, it } from 'vitest';
import { loadReleasedFiles } from '../../../src/core/analysis/released-files.ts';
import { reproduceReport, type ReportSection } from '../../../src/core/analysis/reproduce-report.ts';
import { failedFiles, sectionFailures } from '../../../src/ui/analysis/section-failures.ts';
import { readStudyFiles } from '../../support/study-results.ts';

const options = { seed: 1, replicates: 200 };

describe('sections a file could not be analysed for', () => {
  it('says once that main_results.json has no arm, for one file, and lists the tables left empty', async () => {
    const { mainResults } = await readStudyFiles();
    const edited = structuredClone(mainResults) as { configs: { name: string }[] };
    edited.configs[0]!.name = 'renamed arm';
    const sections = reproduceReport(loadReleasedFiles([{ fileName: 'main_results.json', text: JSON.stringify(edited) }]), options);
    const failures = sectionFailures(sections);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.files).toBe('main_results.json could not be analysed');
    expect(failures[0]!.message).toMatch(/^main_results\.json has no arm /);
    expect(failures[0]!.sections).toEqual(['Table 1', 'Table 2', 'Table 7']);
  });

  it('says "together" only of files that are at fault together', () => {
    const table3: Pick<ReportSection, 'needs' | 'error'> = { needs: ['error-taxonomy', 'iteration-analysis'], error: 'error_taxonomy.json has no arm "x".' };
    expect(failedFiles(table3)).toBe('error_taxonomy.json could not be analysed');
    expect(failedFiles({ ...table3, error: 'The runs disagree on the problems.' })).toBe(
      'error_taxonomy.json and iteration_analysis.json could not be analysed together',
    );
  });

  it('leaves out sections that merely wait for a file', () => {
    const waiting = { id: 'table-4', title: 'Table 4 — net', needs: ['iteration-analysis'], missing: ['iteration-analysis'], error: null } as unknown as ReportSection;
    expect(sectionFailures([waiting])).toEqual([]);
  });
});
