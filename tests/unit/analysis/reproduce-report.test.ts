import { describe, expect, it } from 'vitest';
import { loadReleasedFiles, recogniseReleasedJson, type ReleasedFileText } from '../../../src/core/analysis/released-files.ts';
import { reproduceReport } from '../../../src/core/analysis/reproduce-report.ts';
import { readStudyFiles } from '../../support/study-results.ts';

async function releasedTexts(): Promise<ReleasedFileText[]> {
  const files = await readStudyFiles();
  return [
    { fileName: 'main_results.json', text: JSON.stringify(files.mainResults) },
    { fileName: 'iteration_analysis.json', text: JSON.stringify(files.iterationAnalysis) },
    { fileName: 'error_taxonomy.json', text: JSON.stringify(files.errorTaxonomy) },
    ...files.champions.map((c) => ({ fileName: c.fileName, text: JSON.stringify(c.json) })),
  ];
}

const options = { seed: 1, replicates: 500 };

describe('loading the released files', () => {
  it('recognises each file by its content, whatever it is called', async () => {
    const texts = await releasedTexts();
    const renamed = texts.map((t, i) => ({ ...t, fileName: i < 3 ? `download (${i}).json` : t.fileName }));
    const loaded = loadReleasedFiles(renamed);
    expect(loaded.recognised.map((r) => r.kind)).toEqual([
      'main-results',
      'iteration-analysis',
      'error-taxonomy',
      'champion',
      'champion',
      'champion',
    ]);
    expect(loaded.missing).toEqual([]);
    expect(loaded.champions.map((c) => c.run)).toEqual(['temp0', 'v2', 'v3']);
  });

  it('lists a file that a later file of its kind replaced as not used, not as recognised beside the one in use', async () => {
    const texts = await releasedTexts();
    const main = texts.find((t) => t.fileName === 'main_results.json')!;
    const v3 = texts.find((t) => t.fileName === 'v3_champion.json')!;
    // An edited copy picked after the released files, as a browser names a second download.
    const edited = JSON.parse(main.text) as { configs: { pass_counts: number[] }[] };
    edited.configs[0]!.pass_counts[0] = 90;
    const loaded = loadReleasedFiles([
      ...texts,
      { fileName: 'main_results (1).json', text: JSON.stringify(edited) },
      { fileName: 'v3_champion (1).json', text: v3.text },
    ]);
    expect(loaded.main?.arms[0]?.passCounts[0]).toBe(90);
    expect(loaded.champions.map((c) => c.run)).toEqual(['temp0', 'v2', 'v3']);
    expect(loaded.recognised.filter((r) => r.kind === 'main-results').map((r) => r.fileName)).toEqual(['main_results (1).json']);
    expect(loaded.recognised.filter((r) => r.kind === 'champion').map((r) => r.fileName)).toEqual([
      'temp0_champion.json',
      'v2_champion.json',
      'v3_champion (1).json',
    ]);
    expect(loaded.problems).toEqual([
      { fileName: 'main_results.json', message: 'Replaced by main_results (1).json, loaded after it: only one main_results.json is used.' },
      { fileName: 'v3_champion.json', message: 'Replaced by v3_champion (1).json, loaded after it: only one champion of the v3 run is used.' },
    ]);
    expect(loaded.missing).toEqual([]);
  });

  it('names the files that are missing and the ones it could not use', () => {
    const loaded = loadReleasedFiles([
      { fileName: 'notes.txt', text: 'hello' },
      { fileName: 'other.json', text: '{"a": 1}' },
      { fileName: 'main_results.json', text: '{"n_runs": 5, "configs": [], "total_problems": "x"}' },
    ]);
    expect(loaded.missing).toEqual(['main-results', 'iteration-analysis', 'error-taxonomy', 'champion']);
    expect(loaded.problems.map((p) => p.fileName)).toEqual(['notes.txt', 'other.json', 'main_results.json']);
    expect(loaded.problems[0]?.message).toMatch(/Not JSON/);
    expect(loaded.problems[1]?.message).toMatch(/Not one of the study's released files/);
    expect(loaded.problems[2]?.message).toMatch(/total_problems/);
  });

  it('does not take a result file or a list for a released file', () => {
    expect(recogniseReleasedJson([])).toBeNull();
    expect(recogniseReleasedJson({ format: 'feedback-lab/results' })).toBeNull();
  });
});

describe('the Reproduce report on the released files', () => {
  it('builds every section without errors', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    expect(sections.map((s) => [s.id, s.error, s.missing])).toEqual(sections.map((s) => [s.id, null, []]));
    expect(sections.every((s) => s.tables.length > 0 || s.figures.length > 0)).toBe(true);
  });

  it('matches Table 1 and flags 4.7σ printed against 3.8σ by the formula', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const table1 = sections.find((s) => s.id === 'table-1')!;
    const means = table1.ledger!.rows.filter((r) => r[1]?.text === 'HumanEval mean');
    expect(means.map((r) => r[4]?.text)).toEqual(Array(6).fill('matches'));

    const table2 = sections.find((s) => s.id === 'table-2')!;
    const sigma = table2.ledger!.rows.find((r) => r[0]?.text === 'Self-refine vs solo (llama)' && r[1]?.text === 'HumanEval σ')!;
    expect(sigma.map((c) => c.text).slice(2, 5)).toEqual(['4.7σ', '3.8σ', 'mismatch']);
    expect(sigma[5]?.text).toMatch(/3\.8/);
  });

  it('explains the 7 unfixable problems against the 15 that no arm solved', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const unfixable = sections.find((s) => s.id === 'unfixable')!;
    expect(unfixable.tables[0]?.rows).toHaveLength(15);
    const solvedByNone = unfixable.ledger!.rows.find((r) => r[1]?.text === 'Problems solved by no configuration')!;
    expect(solvedByNone.map((c) => c.text).slice(2, 5)).toEqual(['7 of 164', '15 of 164', 'mismatch']);
    expect(solvedByNone[5]?.text).toMatch(/bare AssertionError/);
  });

  it('runs McNemar on the released per-problem verdicts (llama self-refine vs solo: b = 6, c = 23)', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const paired = sections.find((s) => s.id === 'paired')!.tables[0]!;
    const row = paired.rows.find((r) => r[0]?.text === 'Self-refine vs solo (llama)')!;
    expect([row[2]?.value, row[3]?.value]).toEqual([6, 23]);
    expect(row[5]?.text).toBe('0.0023');
    // Five tests side by side: 0.0023 still clears Bonferroni's 0.05 / 5, and the note says how to read them.
    expect(paired.notes!.join(' ')).toContain('compare each with 0.05 / 5 = 0.01 (Bonferroni)');
    expect(paired.notes!.join(' ')).toContain("McNemar's exact two-sided p");
    expect(paired.notes!.join(' ')).not.toContain('Clopper–Pearson');
  });

  it("shows each forced-iteration arm's whole table, and the file's own lists checked against it", async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const tables = sections.find((s) => s.id === 'table-4')!.tables;
    const neat = tables.find((t) => t.id === 'paper-iterations-neat-v3-champion')!;
    expect(neat.caption).toBe('NEAT champion: what each forced iteration did (164 problem-runs)');
    expect(neat.columns.map((c) => c.label)).toEqual(['Iteration', 'Raw passing', 'New fixes', 'Regressions', 'Net (study)', 'Raw Δ', 'Recoveries', 'Effective (early stop)']);
    // iteration_analysis.json's raw_pass_at_iter, new_fixes_at_iter, regressions_at_iter, effective_pass_at_iter for the NEAT champion.
    expect(neat.rows.map((r) => [r[1]!.value, r[2]!.value, r[3]!.value, r[7]!.value])).toEqual([
      [78, 78, 0, 78],
      [68, 18, 28, 96],
      [66, 4, 18, 100],
      [61, 2, 16, 102],
    ]);
    const check = tables.find((t) => t.id === 'table-4-self-check')!;
    expect(check.rows.every((r) => r[4]!.text === 'agrees')).toBe(true);
    expect(check.notes).toEqual([`All ${check.rows.length} agree: the tables above were computed from the same data the study summarised.`]);
  });

  it('leaves sections without their files empty and says which file they need', async () => {
    const texts = (await releasedTexts()).filter((t) => t.fileName === 'main_results.json');
    const sections = reproduceReport(loadReleasedFiles(texts), options);
    // Table 1, and main_results.json's own summaries checked against its pass counts.
    expect(sections.find((s) => s.id === 'table-1')?.tables.map((t) => t.id)).toEqual(['paper-table-1', 'table-1-self-check']);
    expect(sections.find((s) => s.id === 'table-4')?.missing).toEqual(['iteration-analysis']);
    expect(sections.find((s) => s.id === 'table-8')?.missing).toEqual(['champion']);
  });
});
