import { describe, expect, it } from 'vitest';
import { nodeCount, type RefinePipeline } from '../../../src/core/pipeline/genome.ts';
import { studySearchConfig } from '../../../src/core/search/search-config.ts';
import { initSearch } from '../../../src/core/search/search.ts';
import {
  championsToValidate,
  inflationReport,
  summariseValidation,
  validationPlan,
} from '../../../src/core/search/validate-champion.ts';
import { drive, noisyEvaluator, problemIds } from './landscape.ts';

const problems = problemIds(30);
const config = studySearchConfig(problems, { subsetSize: 10, budget: { maxGenerations: 3, maxWallMs: null, maxTokens: null } });
const end = drive(initSearch(config, 5), noisyEvaluator(5));

describe('champion re-validation', () => {
  it("plans every problem n times for the search's champion, or for every generation's champion", () => {
    const champion = championsToValidate(end, 'champion');
    expect(champion).toEqual([end.champion?.genomeId]);
    const all = championsToValidate(end, 'per-generation');
    expect(new Set(all)).toEqual(new Set([end.champion?.genomeId, ...end.history.map((h) => h.championId)]));
    const plan = validationPlan(end, champion, problems, 5);
    expect(plan).toHaveLength(30 * 5);
    expect(new Set(plan.map((u) => u.key)).size).toBe(150);
    expect(new Set(plan.map((u) => u.repeat))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('summarises each repeat as a pass rate over all problems, only once every unit is in', () => {
    const plan = validationPlan(end, championsToValidate(end, 'champion'), problems, 2);
    // Repeat 0 passes 15 of 30, repeat 1 passes 21 of 30.
    const passed = Object.fromEntries(plan.map((u, i) => [u.key, u.repeat === 0 ? i % 2 === 0 : i % 10 < 7]));
    const partial = { ...passed };
    delete partial[plan[0]?.key as string];
    expect(summariseValidation(plan, partial, 0.02)).toEqual({});
    const v = Object.values(summariseValidation(plan, passed, 0.02))[0];
    expect(v?.passRates).toEqual([0.5, 0.7]);
    expect(v?.meanPassRate).toBeCloseTo(0.6, 12);
    expect(v?.sdPassRate).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    const nodes = nodeCount(plan[0]?.pipeline as RefinePipeline);
    expect(v?.fitness).toBeCloseTo(0.6 - 0.02 * nodes, 12);
  });

  it('reports inflation as search-time fitness minus validated fitness, per generation and for the champion', () => {
    const plan = validationPlan(end, championsToValidate(end, 'per-generation'), problems, 1);
    const allFail = Object.fromEntries(plan.map((u) => [u.key, false]));
    const report = inflationReport(end, summariseValidation(plan, allFail, 0.02));
    expect(report.perGeneration).toHaveLength(3);
    for (const g of report.perGeneration) {
      expect(g.validatedFitness).toBe(0);
      expect(g.inflation).toBe(g.searchFitness);
      expect(g.inflationPercent).toBeNull();
    }
    expect(report.champion?.genomeId).toBe(end.champion?.genomeId);

    const allPass = Object.fromEntries(plan.map((u) => [u.key, true]));
    const honest = inflationReport(end, summariseValidation(plan, allPass, 0.02));
    for (const g of honest.perGeneration) {
      expect(g.validatedPassRate).toBe(1);
      expect(g.inflation).toBeLessThanOrEqual(0);
      expect(g.inflationPercent).toBeCloseTo(100 * (g.searchPassRate - 1), 12);
    }
  });

  it('splits the validated pass rate into problems the search drew by then and problems it never drew, with counts and an interval', () => {
    const plan = validationPlan(end, championsToValidate(end, 'per-generation'), problems, 3);
    const drawnBy0 = new Set(end.history[0]?.subset);
    expect(drawnBy0.size).toBe(10);
    // Every champion passes the problems generation 0 drew in all repeats, and the others in one repeat of three.
    const passed = Object.fromEntries(plan.map((u) => [u.key, drawnBy0.has(u.problemId) || u.repeat === 0]));
    const report = inflationReport(end, summariseValidation(plan, passed, 0.02));
    const first = report.perGeneration[0]?.selection;
    expect(first?.drawnThrough).toBe(0);
    expect(first?.drawn).toMatchObject({ problems: 10, passRate: 1, upper: 1, earlierPassRate: null });
    // Ten of ten passed: the exact bound, not a zero-width interval.
    expect(first?.drawn?.lower).toBeGreaterThan(0.6);
    expect(first?.drawn?.lower).toBeLessThan(1);
    expect(first?.neverDrawn?.problems).toBe(20);
    expect(first?.neverDrawn?.passRate).toBeCloseTo(1 / 3, 12);
    expect(first?.gap).toBeCloseTo(2 / 3, 12);
    // Rotating subsets of 10 over a pool of 30: by generation 2 (and so for the search's champion) every problem was drawn.
    const second = report.perGeneration[1]?.selection;
    expect(second?.drawn?.problems).toBe(20);
    expect(second?.neverDrawn?.problems).toBe(10);
    expect(report.champion?.selection).toMatchObject({ drawnThrough: 2, neverDrawn: null, gap: null });
    expect(report.champion?.selection.drawn?.problems).toBe(30);
  });

  it('gives each side the earlier pass rate a stratified search ranked its problems by', () => {
    const rates = Object.fromEntries(problems.map((id, i) => [id, 1 - i / 30]));
    const stratified = studySearchConfig(problems, { subsetSize: 10, subset: { kind: 'stratified', passRates: rates }, budget: { maxGenerations: 1, maxWallMs: null, maxTokens: null } });
    const once = drive(initSearch(stratified, 5), noisyEvaluator(5));
    const plan = validationPlan(once, championsToValidate(once, 'champion'), problems, 2);
    const mixed = Object.fromEntries(plan.map((u, i) => [u.key, i % 3 !== 0]));
    const selection = inflationReport(once, summariseValidation(plan, mixed, 0.02)).champion?.selection;
    const drawn = new Set(once.history[0]?.subset);
    const expected = (inside: boolean) => {
      const ids = problems.filter((id) => drawn.has(id) === inside);
      return ids.reduce((a, id) => a + (rates[id] as number), 0) / ids.length;
    };
    expect(selection?.drawn?.problems).toBe(10);
    expect(selection?.drawn?.earlierPassRate).toBeCloseTo(expected(true), 12);
    expect(selection?.neverDrawn?.earlierPassRate).toBeCloseTo(expected(false), 12);
    for (const side of [selection?.drawn, selection?.neverDrawn]) {
      expect(side?.lower).toBeLessThanOrEqual(side?.passRate as number);
      expect(side?.upper).toBeGreaterThanOrEqual(side?.passRate as number);
    }
  });

  it('leaves out what has not been validated yet', () => {
    expect(inflationReport(end, {})).toEqual({ perGeneration: [], champion: null });
  });
});
