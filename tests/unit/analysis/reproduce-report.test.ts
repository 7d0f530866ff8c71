import { describe, expect, it } from 'vitest';
import { loadReleasedFiles, recogniseReleasedJson, type ReleasedFileText } from '../../../src/core/analysis/released-files.ts';
import { reproduceReport } from '../../../src/core/analysis/reproduce-report.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
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
    expect(loaded.problems[1]?.openOn).toBeUndefined();
    expect(loaded.problems[2]?.message).toMatch(/total_problems/);
  });

  it("points Feedback Lab's own files to the page that opens them", () => {
    const loaded = loadReleasedFiles([
      { fileName: 'full.json', text: JSON.stringify({ format: 'feedback-lab/results', version: 3 }) },
      { fileName: 'full.json.gz', text: '\u001f\ufffd\b\u0000' },
      { fileName: 'neat.json', text: JSON.stringify({ format: 'feedback-lab/search' }) },
    ]);
    expect(loaded.problems.map((p) => [p.fileName, p.openOn])).toEqual([
      ['full.json', 'results'],
      ['full.json.gz', 'results'],
      ['neat.json', 'search'],
    ]);
    expect(loaded.problems[0]?.message).toBe("This is a Feedback Lab result file (a study run in this app), not one of the study's released files.");
    expect(loaded.problems[1]?.message).toMatch(/^A compressed \(\.gz\) file/);
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

  it("plots Figure 3 from the released run's own counts, not as a mean per run, with every passed row", async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const figures = sections.find((s) => s.id === 'figure-3')!.figures;
    const plots = figures.flatMap((f) => (f.kind === 'matrices' ? [] : [f.data]));
    expect(plots.map((d) => d.yLabel)).toEqual(['Problems solved', 'Net problems']);
    expect(plots.some((d) => d.description.includes('mean per run'))).toBe(false);
    // The released runs went on after a pass (forced iterations), so "passed" stays a row.
    const matrices = figures.flatMap((f) => (f.kind === 'matrices' ? f.matrices : []));
    expect(matrices.length).toBeGreaterThan(0);
    expect(matrices.every((m) => m.rowLabels[0] === 'passed' && m.rowTitle.startsWith('Iteration') && !m.rowTitle.includes('failing'))).toBe(true);
  });

  it('gives each arm one colour in every figure, whichever other arms a figure shows', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const colours = new Map<string, Set<number | undefined>>();
    let legends = 0;
    for (const figure of sections.flatMap((s) => s.figures)) {
      if (figure.kind === 'matrices' || ('hideLegend' in figure.data && figure.data.hideLegend)) continue;
      legends++;
      for (const series of figure.data.series) {
        const arm = series.label.replace(/ \(n = \d+\)$/, '');
        colours.set(arm, (colours.get(arm) ?? new Set()).add(series.color));
      }
    }
    // Consistency (six arms), fix rate (four), cumulative and net (the forced-iteration arms).
    expect(legends).toBe(4);
    // By their place in each chart, the cross-model arm was the second colour in one figure and the first in the next.
    expect(colours.get('qwen → exec → llama (cross-model)')).toEqual(new Set([2]));
    expect([...colours.values()].every((set) => set.size === 1 && ![...set].includes(undefined))).toBe(true);
    const slots = [...colours.values()].map((set) => [...set][0]);
    expect(new Set(slots).size).toBe(slots.length);
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

  it('says how the pass-rate CIs were found: problems resampled, each scored by its share of the five runs, how often, which seed', async () => {
    const table1 = reproduceReport(loadReleasedFiles(await releasedTexts()), options).find((s) => s.id === 'table-1')!;
    const method = 'The CI resamples problems, each scored by the share of its runs that solved it: 500 resamples, seed 1.';
    expect(table1.tables.find((t) => t.id === 'paper-pass-rate-ci')!.notes).toContain(method);
    const figure = table1.figures.find((f) => f.kind === 'bar' && f.data.title === 'Pass rate per arm with 95 % bootstrap CI')!;
    expect(figure.kind === 'bar' && figure.data.description.endsWith(method)).toBe(true);
  });

  it('shows σ with the sign of Δ, while the ledger sets its magnitude against the unsigned printed value', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const table2 = sections.find((s) => s.id === 'table-2')!;
    const row = table2.tables[0]!.rows.find((r) => r[0]?.text === 'Cross-model vs self-refine')!;
    // Δ = 57.0 − 57.4 = −0.4; σ = −0.4 / √(SD₁² + SD₂²) = −0.099, printed 0.1σ.
    expect(row.slice(2).map((c) => c.text)).toEqual(['-0.4', '-0.10σ']);
    expect(row[3]!.value).toBeCloseTo(-0.0994, 3);
    expect(table2.tables[0]!.notes!.join(' ')).toContain('The paper prints σ without a sign (Cross-model vs self-refine: Δ -0.4, printed 0.1σ)');
    const ledger = table2.ledger!.rows.find((r) => r[0]?.text === 'Cross-model vs self-refine' && r[1]?.text === 'HumanEval σ')!;
    expect(ledger.slice(2, 5).map((c) => c.text)).toEqual(['0.1σ', '0.1σ', 'matches']);
  });

  it('writes Table 1\'s passes per run as a number per run in its CSV', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const csv = tableToCsv(sections.find((s) => s.id === 'table-1')!.tables[0]!).split('\r\n');
    expect(csv[0]).toBe('Arm,"Passes, run 1","Passes, run 2","Passes, run 3","Passes, run 4","Passes, run 5",Mean,SD,% of 164');
    expect(csv[1]).toMatch(/^llama3\.2:3B solo,\d+,\d+,\d+,\d+,\d+,76\.6,3\.64/);
  });

  it('explains the 7 unfixable problems against the 15 that no arm solved', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const unfixable = sections.find((s) => s.id === 'unfixable')!;
    expect(unfixable.tables[0]?.rows).toHaveLength(15);
    const solvedByNone = unfixable.ledger!.rows.find((r) => r[1]?.text === 'Problems solved by no configuration')!;
    expect(solvedByNone.map((c) => c.text).slice(2, 5)).toEqual(['7 of 164', '15 of 164', 'mismatch']);
    expect(solvedByNone[5]?.text).toMatch(/bare AssertionError/);
    // "None" is whatever the study's harness could not name: mostly, not only, bare asserts.
    expect(unfixable.tables[0]!.columns[2]!.label).toBe('Arms ending on None (mostly a bare assert)');
    const table3 = sections.find((s) => s.id === 'table-3')!.tables[0]!;
    for (const notes of [unfixable.tables[0]!.notes!, table3.notes!]) {
      expect(notes.join(' ')).toContain('"None" is the study\'s label for a failure its harness could not name: mostly a bare AssertionError');
      expect(notes.join(' ')).toContain('(StopIteration, SystemExit) or with a dotted name, and a non-zero exit with nothing on stderr are None too.');
    }
  });

  it('says which of the 15 the forced-iteration runs solved, both on the study\'s unfixable list (audit R208-2)', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const table = sections.find((s) => s.id === 'unfixable')!.tables[0]!;
    expect(table.columns.at(-1)!.label).toBe('Passed in the forced-iteration runs');
    const passedIn = new Map(table.rows.map((row) => [row[0]!.text, row.at(-1)!.text]));
    expect(passedIn.get('HumanEval/50')).toMatch(/\(iteration 0\)/);
    expect(passedIn.get('HumanEval/144')).toMatch(/\(iteration 0\)/);
    expect([...passedIn.values()].filter((text) => text !== '')).toHaveLength(2);
    expect(table.notes!.at(-1)).toBe(
      "The forced-iteration runs (iteration_analysis.json) solved 2 of these (HumanEval/50, HumanEval/144), both on the study's unfixable list: " +
        "across both files 13 of 164 were never solved. Iteration 0 is the generator's own code, which an early-stopping pipeline would have returned.",
    );
  });

  it('runs McNemar on the released per-problem verdicts (llama self-refine vs solo: b = 6, c = 23)', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const paired = sections.find((s) => s.id === 'paired')!.tables[0]!;
    const row = paired.rows.find((r) => r[0]?.text === 'Self-refine vs solo (llama)')!;
    expect([row[2]?.value, row[3]?.value]).toEqual([6, 23]);
    expect(row[5]?.text).toBe('0.0023');
    // In the CSV the p-value keeps 12 significant digits (the page rounds it), as every numeric cell.
    const csv = tableToCsv(paired).split('\r\n');
    expect(csv[0]!.split(',')[5]).toBe('McNemar exact p');
    const pOf = (comparison: string) => Number(csv.find((line) => line.startsWith(comparison))!.split(',')[5]);
    expect(pOf('Self-refine vs solo (llama)')).toBe(Number(row[5]!.value!.toPrecision(12)));
    expect(pOf('Self-refine vs solo (llama)')).toBeCloseTo(0.0023157, 7);
    // Shown "< 0.0001" on the page; 5.5e-12 in the CSV.
    const coder = paired.rows.find((r) => r[0]?.text === 'Coder self-refine vs best llama')!;
    expect(coder[5]!.text).toBe('< 0.0001');
    expect(pOf('Coder self-refine vs best llama')).toBeGreaterThan(0);
    expect(pOf('Coder self-refine vs best llama')).toBeLessThan(1e-10);
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

  it('says which problems Table 3 leaves out for want of an execution (the 120 s cap), on the page and in the CSV', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const table3 = sections.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'paper-table-3')!;
    // error_taxonomy.json: HumanEval/32 of the NEAT champion has trajectory_length 0 and TimeoutError logged first.
    const row = table3.rows.find((r) => r[0]!.text.startsWith('NEAT champion · TimeoutError'))!;
    expect(row.map((c) => c.text)).toEqual(['NEAT champion · TimeoutError †', '2', '0', '0 %', '1']);
    expect(table3.columns.at(-1)!.label).toBe('Not counted: no execution recorded');
    expect(table3.rows.filter((r) => r[0]!.text.endsWith('†'))).toHaveLength(1);
    const note = table3.notes!.find((n) => n.startsWith('†'))!;
    expect(note).toContain('HumanEval/32 of NEAT champion (first error logged as TimeoutError)');
    expect(note).toContain('trajectory_length 0');
    const csv = tableToCsv(table3).split('\r\n');
    expect(csv[0]).toBe('Arm · first error,Problems,Fixed,Fix rate (%),Not counted: no execution recorded');
    expect(csv).toContain('NEAT champion · TimeoutError †,2,0,0,1');
    // The file's own fix_rates, checked beside ours just below, show "0 of 2" too: a note says why.
    const selfCheck = sections.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'table-3-self-check')!;
    expect(selfCheck.rows.find((r) => r[0]!.text === 'NEAT champion' && r[1]!.text === 'fix_rates TimeoutError: fixed of count')!.map((c) => c.text)).toEqual([
      'NEAT champion',
      'fix_rates TimeoutError: fixed of count',
      '0 of 2',
      '0 of 2',
      'agrees',
    ]);
    expect(selfCheck.notes).toContain('The fix_rates counts on both sides leave out HumanEval/32 of NEAT champion (TimeoutError): no execution recorded († in Table 3).');
  });

  it('finds the problems left out of Table 3 in the data, not by their ids', async () => {
    const texts = await releasedTexts();
    const taxonomy = texts.find((t) => t.fileName === 'error_taxonomy.json')!;
    const edited = JSON.parse(taxonomy.text) as { configs: Record<string, { per_problem: { task_id: string; trajectory_length: number; initial_error_type: string | null }[] }> };
    // As if the cap had struck HumanEval/38 of the coder's self-refine, after a first error of a kind
    // that arm never had otherwise, and not HumanEval/32 of the champion.
    const p38 = edited.configs['qwen2.5-coder:3b self-refine']!.per_problem.find((p) => p.task_id === 'HumanEval/38')!;
    Object.assign(p38, { trajectory_length: 0, initial_error_type: 'IndentationError' });
    edited.configs['NEAT v3 champion']!.per_problem.find((p) => p.task_id === 'HumanEval/32')!.trajectory_length = 1;
    const sections = reproduceReport(loadReleasedFiles(texts.map((t) => (t === taxonomy ? { ...t, text: JSON.stringify(edited) } : t))), options);
    const table3 = sections.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'paper-table-3')!;
    const marked = table3.rows.filter((r) => r[0]!.text.endsWith('†'));
    // Its own line, with nothing counted: no fix rate to show, and an empty field in the CSV.
    expect(marked.map((r) => r.map((c) => c.text))).toEqual([['qwen2.5-coder:3B self-refine · SyntaxError †', '0', '0', '–', '1']]);
    expect(tableToCsv(table3)).toContain('\r\nqwen2.5-coder:3B self-refine · SyntaxError †,0,0,,1\r\n');
    expect(table3.notes!.filter((n) => n.startsWith('†'))).toEqual([
      expect.stringContaining('HumanEval/38 of qwen2.5-coder:3B self-refine (first error logged as SyntaxError)'),
    ]);
    const selfCheck = sections.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'table-3-self-check')!;
    expect(selfCheck.notes!.filter((n) => n.includes('leave out'))).toEqual([
      'The fix_rates counts on both sides leave out HumanEval/38 of qwen2.5-coder:3B self-refine (SyntaxError): no execution recorded († in Table 3).',
    ]);

    // Without such a problem the table has no such column, note or mark.
    p38.trajectory_length = 4;
    const clean = reproduceReport(loadReleasedFiles(texts.map((t) => (t === taxonomy ? { ...t, text: JSON.stringify(edited) } : t))), options);
    const plain = clean.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'paper-table-3')!;
    expect(plain.columns.map((c) => c.label)).toEqual(['Arm · first error', 'Problems', 'Fixed', 'Fix rate']);
    expect(plain.notes!.some((n) => n.startsWith('†'))).toBe(false);
    const plainCheck = clean.find((s) => s.id === 'table-3')!.tables.find((t) => t.id === 'table-3-self-check')!;
    expect(plainCheck.notes!.some((n) => n.includes('leave out'))).toBe(false);
  });

  it('leaves sections without their files empty and says which file they need', async () => {
    const texts = (await releasedTexts()).filter((t) => t.fileName === 'main_results.json');
    const sections = reproduceReport(loadReleasedFiles(texts), options);
    // Table 1, main_results.json's own summaries checked against its pass counts, and the pass rates the figure draws.
    expect(sections.find((s) => s.id === 'table-1')?.tables.map((t) => t.id)).toEqual(['paper-table-1', 'table-1-self-check', 'paper-pass-rate-ci']);
    expect(sections.find((s) => s.id === 'table-4')?.missing).toEqual(['iteration-analysis']);
    expect(sections.find((s) => s.id === 'table-8')?.missing).toEqual(['champion']);
  });

  /** main_results.json as another version of the study's scripts might write it: every arm passing `passes(arm)` in each of `runs` runs. */
  async function editedMain(runs: number, passes: (counts: number[]) => number): Promise<ReleasedFileText[]> {
    const texts = await releasedTexts();
    const main = JSON.parse(texts[0]!.text) as { n_runs: number; total_problems: number; configs: Record<string, unknown>[] };
    main.n_runs = runs;
    for (const config of main.configs) {
      const passed = passes(config.pass_counts as number[]);
      const consistency: Record<string, number> = Object.fromEntries(Array.from({ length: runs + 1 }, (_, k) => [String(k), 0]));
      consistency['0'] = main.total_problems - passed;
      consistency[String(runs)] = passed;
      Object.assign(config, { pass_counts: Array(runs).fill(passed), mean: passed, stdev: 0, min: passed, max: passed, consistency });
    }
    return [{ ...texts[0]!, text: JSON.stringify(main) }, ...texts.slice(1)];
  }

  it('says "no spread" in the ledger where both arms of a σ have SD 0, not Infinityσ, and lists no such row as unsigned', async () => {
    const sections = reproduceReport(loadReleasedFiles(await editedMain(5, (counts) => counts[0]!)), options);
    const table2 = sections.find((s) => s.id === 'table-2')!;
    const sigmas = table2.ledger!.rows.filter((r) => r[1]?.text === 'HumanEval σ');
    expect(sigmas.length).toBeGreaterThan(0);
    expect(sigmas.map((r) => r[3]?.text)).toEqual(sigmas.map(() => 'no spread (SD 0 in both)'));
    expect(JSON.stringify(table2)).not.toMatch(/Infinity|NaN/);
    expect(table2.tables[0]!.notes!.join(' ')).toContain('The paper prints σ without a sign, so the ledger below compares magnitudes.');
  });

  it('counts the arms past 7 % and names the runs from the file, not from the released one', async () => {
    const released = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const drop = (sections: typeof released) =>
      sections.find((s) => s.id === 'table-7')!.ledger!.rows.find((r) => r[0]?.text === 'All four arms')![5]!.text;
    expect(drop(released)).toMatch(/inflation over the five-run mean .* beyond 7 % for 2 of the 4 arms\.$/);
    expect(released.find((s) => s.id === 'table-1')!.title).toBe('Table 1 — HumanEval, five runs per arm');

    const twoRuns = reproduceReport(loadReleasedFiles(await editedMain(2, (counts) => counts[0]!)), options);
    expect(twoRuns.find((s) => s.id === 'table-1')!.title).toBe('Table 1 — HumanEval, 2 runs per arm');
    const table7 = twoRuns.find((s) => s.id === 'table-7')!;
    expect(table7.title).toBe('Table 7 — single run vs 2-run mean');
    expect(table7.tables[0]!.columns.map((c) => c.label)).toContain('2-run mean');
    expect(drop(twoRuns)).toMatch(/inflation over the 2-run mean .* (none beyond 7 %|beyond 7 % for (all|\d) of the 4 arms)\.$/);
    expect(drop(twoRuns)).not.toMatch(/for 2 of the 4 arms/);
  });
});

describe("the computed tables beside the paper's", () => {
  const firstCells = (sections: ReturnType<typeof reproduceReport>, id: string) =>
    sections.flatMap((s) => s.tables).find((t) => t.id === id)!.rows.map((r) => r[0]!.text);

  it('lists the arms in the order of the paper and of the ledger under them, not in the order of the files', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    // Table 1: self-refine before cross-model, as printed (main_results.json has them the other way round).
    const table1 = [
      'llama3.2:3B solo',
      'llama → exec → llama (self-refine)',
      'qwen → exec → llama (cross-model)',
      'NEAT champion',
      'qwen2.5-coder:3B solo',
      'qwen2.5-coder:3B self-refine',
    ];
    expect(firstCells(sections, 'paper-table-1')).toEqual(table1);
    expect(firstCells(sections, 'paper-pass-rate-ci')).toEqual(table1);
    const ledgerArms = (id: string) => [...new Set(sections.find((s) => s.id === id)!.ledger!.rows.map((r) => r[0]!.text))];
    expect(ledgerArms('table-1')).toEqual(table1);
    // Table 6 sorted by break rate, as printed; Table 8 v2, v3, temp0.
    expect(firstCells(sections, 'paper-table-6')).toEqual(ledgerArms('table-6'));
    expect(firstCells(sections, 'paper-table-6')).toEqual([
      'qwen → exec → llama (cross-model)',
      'NEAT champion',
      'llama → exec → llama (self-refine)',
      'qwen2.5-coder:3B self-refine',
    ]);
    expect(firstCells(sections, 'paper-table-8')).toEqual(['v2', 'v3', 'temp0']);
  });

  it('lists the first errors of every arm of Table 3 in one order, the paper\'s rows first', async () => {
    const sections = reproduceReport(loadReleasedFiles(await releasedTexts()), options);
    const rows = firstCells(sections, 'paper-table-3').map((label) => label.replace(/ †$/, '').split(' · '));
    const arms = [...new Set(rows.map(([arm]) => arm!))];
    const order = ['NameError', 'SyntaxError', 'TypeError', 'AssertionError', 'None', 'IndexError/KeyError', 'TimeoutError', 'Other'];
    for (const arm of arms) {
      const categories = rows.filter(([a]) => a === arm).map(([, category]) => category!);
      expect(categories).toEqual(order.filter((c) => categories.includes(c)));
    }
    expect(rows.slice(0, 3)).toEqual([
      ['qwen → exec → llama (cross-model)', 'NameError'],
      ['qwen → exec → llama (cross-model)', 'SyntaxError'],
      ['qwen → exec → llama (cross-model)', 'TypeError'],
    ]);
  });
});

describe('a released file cut short', () => {
  it('is named as cut short, not as "Not JSON", and an empty file as empty', async () => {
    const texts = await releasedTexts();
    const iterations = texts.find((t) => t.fileName === 'iteration_analysis.json')!;
    const loaded = loadReleasedFiles([
      { fileName: 'iteration_analysis.json', text: iterations.text.slice(0, 30_000) },
      { fileName: 'main_results.json', text: '' },
      { fileName: 'notes.json', text: '{"a": 1,, "b": 2}' },
    ]);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      'The file is cut short: its JSON stops in the middle (line 1, column 30001). Was the download interrupted? Download it again.',
      'The file is empty.',
      expect.stringMatching(/^Not JSON \(.+\)\.$/),
    ]);
  });
});
