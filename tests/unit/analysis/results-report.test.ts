import { describe, expect, it } from 'vitest';
import { armPassRates, armSummaryTable, passRateTable } from '../../../src/core/analysis/arm-tables.ts';
import { comparePairs, defaultPairs, pairTable } from '../../../src/core/analysis/pair-tables.ts';
import { studiesFromResultFiles } from '../../../src/core/analysis/result-file-study.ts';
import { RESULTS_REPLICATES, RESULTS_SEED, reportTables, resultsReport, resultsReporter } from '../../../src/core/analysis/results-report.ts';
import * as page from '../../../src/ui/analysis/results-view.svelte.ts';
import type { BarChartData, LineChartData } from '../../../src/core/analysis/chart-data.ts';
import { llamaSelfRefine } from '../../../src/core/pipeline/presets.ts';
import { buildResultFile, resultUnitsFromStore } from '../../../src/core/results/result-file-build.ts';
import { environment, runStoredStudy, studyResultFile } from '../results/result-file-fixtures.ts';
import { studyConfig, studyDraft } from '../study/study-fixtures.ts';

describe('the Results report as data', () => {
  it("bootstraps with the Results page's own seed and resample count, so a printed CI is the one on screen", () => {
    expect(RESULTS_SEED).toBe(page.RESULTS_SEED);
    expect(RESULTS_REPLICATES).toBe(page.RESULTS_REPLICATES);
  });

  it('holds the tables the page builds, in the page order', async () => {
    const loaded = studiesFromResultFiles([{ fileName: 'study.json', doc: await studyResultFile() }]);
    const report = resultsReport(loaded);
    expect(report.sections.map((s) => s.id)).toEqual(['summary', 'paper', 'pairs', 'consistency', 'errors', 'iterations', 'single-vs-mean']);
    const stats = { seed: page.RESULTS_SEED, replicates: page.RESULTS_REPLICATES };
    const { study } = loaded;
    expect(report.sections[0]!.tables).toEqual([armSummaryTable(study), passRateTable(armPassRates(study, stats.seed, stats.replicates))]);
    expect(report.sections[2]!.tables).toEqual([pairTable(comparePairs(study, defaultPairs(study), stats), stats)]);
    // No forced-iteration arm: the page says why instead of a table.
    expect(report.sections[5]!.messages).toEqual([
      'No arm ran with forced iterations, so regressions and break rates cannot be measured (early stopping hides them).',
    ]);
    // The transition matrices, drawn as heat maps on the page, are tables here: one per refining iteration.
    expect(reportTables(report).filter((t) => t.id.startsWith('transitions-'))).toHaveLength(3);
  });

  it('gives an arm its colour in every figure, also where arms before it are not drawn', async () => {
    const report = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc: await studyResultFile() }]));
    const figures = report.sections.flatMap((s) => s.figures).flatMap((f) => (f.kind === 'matrices' ? [] : [f.data]));
    const colourOf = (title: string, label: string) => figures.find((d) => d.title.startsWith(title))?.series.find((s) => s.label === label)?.color;
    // The fix-rate chart draws only the arms that refine: by its place there the self-refine arm took the solo arm's colour.
    expect(figures.find((d) => d.title.startsWith('Fix rate'))?.series.map((s) => s.label)).toEqual(['llama self-refine']);
    expect(colourOf('Fix rate', 'llama self-refine')).toBe(colourOf('Consistency', 'llama self-refine'));
    expect(colourOf('Consistency', 'llama self-refine')).not.toBe(colourOf('Consistency', 'llama solo'));
  });

  it("says when an arm's values per run are scaled up from a partial run, beside the summary that leaves that run out", async () => {
    const whole = await studyResultFile();
    // The self-refine arm's first run lacks one of its 5 problems (a stopped study, a shard not opened).
    const doc = { ...whole, units: whole.units.filter((u) => !(u.armId === 'refine' && u.repeat === 0 && u.problemId === 'HumanEval/904')) };
    const report = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc }]));
    const iterations = report.sections.find((s) => s.id === 'iterations')!;
    expect(iterations.messages).toContain(
      'llama self-refine: 1 of its 2 runs is partial, so its 9 problem-runs count as 1.8 runs of 5 problems: its values per run are scaled up from the problems judged, as if the rest went the same way.',
    );
    // The whole file's arms have complete runs: nothing to say.
    const complete = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc: whole }]));
    expect(complete.sections.find((s) => s.id === 'iterations')!.messages.filter((m) => m.includes('partial'))).toEqual([]);
  });

  it('says above the sections which arms reasoned through their whole token cap, once per arm, with what to change', async () => {
    const whole = await studyResultFile();
    // Every first reply of the solo arm: 512 tokens of reasoning sent apart, no text, stopped by the cap.
    const doc = {
      ...whole,
      units: whole.units.map((unit) => {
        if (unit.status !== 'finished' || unit.armId !== 'solo') return unit;
        const steps = unit.trajectory.steps.map((step) =>
          step.kind === 'execute' ? step : { ...step, reply: '', code: '', finishReason: 'length', usage: { ...step.usage, completionTokens: 512, reasoningTokens: 512 } },
        );
        return { ...unit, trajectory: { ...unit.trajectory, steps } };
      }),
    };
    const solo = doc.units.filter((u) => u.armId === 'solo' && u.status === 'finished').length;
    const report = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc }]));
    const label = doc.config.arms.find((a) => a.id === 'solo')!.label;
    expect(report.notes).toContain(`${label}: all ${solo} of its model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run.`);
    expect(report.notes.filter((n) => n.startsWith('A reasoning model thinks before it answers'))).toHaveLength(1);
    // The other arm's replies ended by themselves: not named.
    expect(report.notes.filter((n) => n.includes('self-refine:'))).toEqual([]);
    const plain = resultsReport(studiesFromResultFiles([{ fileName: 'study.json', doc: whole }]));
    expect(plain.notes.filter((n) => n.includes('token cap'))).toEqual([]);
  });

  it('says there is nothing to analyse when no unit has a verdict', async () => {
    const loaded = studiesFromResultFiles([{ fileName: 'empty.json', doc: await studyResultFile({ only: () => false }) }]);
    const report = resultsReport(loaded);
    expect(report.hasVerdicts).toBe(false);
    expect(report.sections).toEqual([]);
  });

  it("gives the page's later choices the report resultsReport gives, redoing only the sections they change", async () => {
    const loaded = studiesFromResultFiles([{ fileName: 'study.json', doc: await studyResultFile() }]);
    const report = resultsReporter(loaded);
    const first = report();
    const folded = report({ labelling: 'study' });
    expect(folded).toEqual(resultsReport(loaded, { labelling: 'study' }));
    const oneArm = [{ baselineId: 'solo', treatmentId: 'refine' }].filter((p) => loaded.study.arms.some((a) => a.id === p.treatmentId));
    const pairs = oneArm.length > 0 ? oneArm : defaultPairs(loaded.study).slice(0, 1);
    const chosen = report({ labelling: 'study', pairs });
    expect(chosen).toEqual(resultsReport(loaded, { labelling: 'study', pairs }));
    // The pass-rate bootstrap (the summary) is not redone for a new labelling or pair; the errors section is.
    const section = (r: ReturnType<typeof report>, id: string) => r.sections.find((s) => s.id === id);
    expect(section(folded, 'summary')).toBe(section(first, 'summary'));
    expect(section(chosen, 'summary')).toBe(section(first, 'summary'));
    expect(section(chosen, 'errors')).toBe(section(folded, 'errors'));
    expect(section(folded, 'errors')).not.toBe(section(first, 'errors'));
    expect(report()).toEqual(first);
  });
});

describe("the Results report's Fig. 3 beside the iteration table", () => {
  it('says on the y axis that its values are means per run, where the table totals every problem-run', async () => {
    const draft = studyDraft();
    const config = studyConfig({ ...draft, arms: [{ id: 'forced', label: 'llama forced', pipeline: llamaSelfRefine, forcedIterations: true }], repeats: 2 });
    const stored = await runStoredStudy(config);
    const doc = await buildResultFile(stored.config, resultUnitsFromStore(stored), environment());
    const report = resultsReport(studiesFromResultFiles([{ fileName: 'forced.json', doc }]));
    const iterations = report.sections.find((s) => s.id === 'iterations')!;
    const table = iterations.tables[0]!;
    expect(table.caption).toContain('problem-runs');
    const netColumn = table.columns.findIndex((c) => c.label === 'Net (study)');
    const totals = table.rows.slice(1).map((r) => r[netColumn]!.value);
    const net = iterations.figures.find((f) => f.kind === 'bar')!.data as BarChartData;
    // Two runs of 5 problems: the table's net 4, −4, 0 over 10 problem-runs is 2, −2, 0 per run.
    expect(totals).toEqual([4, -4, 0]);
    expect(net.series[0]!.values).toEqual([2, -2, 0]);
    expect(net.yLabel).toBe('Net problems, mean per run');
    const cumulative = iterations.figures.find((f) => f.kind === 'line')!.data as LineChartData;
    expect(cumulative.yLabel).toBe('Problems solved, mean per run');
  });
});
