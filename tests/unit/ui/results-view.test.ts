import { describe, expect, it } from 'vitest';
import { configHash } from '../../../src/core/results/config-hash.ts';
import { ResultsView } from '../../../src/ui/analysis/results-view.svelte.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

async function resultFile(name: string, id: string, lastModified: number): Promise<File> {
  const doc = await studyResultFile();
  const config = { ...doc.config, id };
  const bytes = await fileBytes({ ...doc, config, configHash: await configHash(config) }, false);
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/json', lastModified });
}

describe('the Results page state', () => {
  it('keeps a second file that shares an open file’s name beside it, and replaces only the same file opened again', async () => {
    const view = new ResultsView();
    const name = 'feedback-lab-feedback-against-no-feedback-2026-05-01.json';
    const laptop = await resultFile(name, 'study-a', 1000);
    const desktop = await resultFile(name, 'study-b', 2000);

    await view.open([laptop]);
    await view.open([desktop]);
    expect(view.failures).toEqual([]);
    expect(view.files.map((f) => [f.fileName, f.doc.config.id])).toEqual([
      [name, 'study-a'],
      [`${name} (2)`, 'study-b'],
    ]);

    // The same file again (same size and time): it replaces its own entry, nothing is added.
    await view.open([laptop]);
    expect(view.files.map((f) => f.fileName).sort()).toEqual([name, `${name} (2)`]);
    expect(view.analysis?.ok).toBe(true);
  });

  it('says no pair is chosen, not that the study has one arm, once the user removes every pair', async () => {
    const view = new ResultsView();
    await view.open([await resultFile('two-arms.json', 'study-a', 1000)]);
    const arms = view.analysis?.ok ? view.analysis.value.study.arms.length : 0;
    expect(arms).toBeGreaterThan(1);
    expect(view.noPairsReason).toBeNull();
    while (view.pairs.length > 0) view.removePair(0);
    expect(view.noPairsReason).toContain('No pair is chosen');
    expect(view.noPairsReason).not.toContain('one arm');
  });
});
