import { describe, expect, it } from 'vitest';
import { compatibilityDistance } from '../../../src/core/search/distance.ts';
import { node, pipeline, stage } from './fixtures.ts';

describe('compatibility distance', () => {
  const a = pipeline([stage(1, { iterations: 2, refiner: node('llama3.2:3b', 'refiner.fix', 0.2) })], node('qwen2.5:1.5b', 'generator.plain', 0.3));
  const b = pipeline(
    [
      stage(1, { iterations: 3, analyzer: true, refiner: node('qwen2.5:1.5b', 'refiner.read-error', 0.4) }),
      stage(2, { iterations: 1, refiner: node('gemma3:1b', 'refiner.fix', 0.9) }),
    ],
    node('llama3.2:3b', 'generator.careful', 0.5),
  );

  it('is 0 for identical pipelines and symmetric', () => {
    expect(compatibilityDistance(a, a)).toBe(0);
    expect(compatibilityDistance(a, b)).toBeCloseTo(compatibilityDistance(b, a), 12);
  });

  it('adds up the study weights on a hand-computed pair', () => {
    // 1.0·Δstages(1) + 0.5·Δanalyzers(1)
    // generator: model 0.4 + prompt 0.2 + 0.1·|0.3 − 0.5|
    // stage pair 1: refiner model 0.4 + prompt 0.2 + 0.1·|0.2 − 0.4| + 0.1·|2 − 3|
    const expected = 1.0 + 0.5 + (0.4 + 0.2 + 0.02) + (0.4 + 0.2 + 0.02 + 0.1);
    expect(compatibilityDistance(a, b)).toBeCloseTo(expected, 12);
  });

  it('counts temperature and iteration differences at 0.1 per unit', () => {
    const warmer = pipeline([stage(1, { iterations: 3, refiner: node('llama3.2:3b', 'refiner.fix', 0.7) })], node('qwen2.5:1.5b', 'generator.plain', 0.3));
    expect(compatibilityDistance(a, warmer)).toBeCloseTo(0.1 * 0.5 + 0.1 * 1, 12);
  });

  it("compares analyzers only by their count, as the study's code does", () => {
    const x = pipeline([stage(1, { analyzer: true })]);
    const y = pipeline([{ ...stage(1), analyzer: node('gemma3:1b', 'analyzer.root-cause', 1.0) }]);
    expect(compatibilityDistance(x, y)).toBe(0);
  });

  it('pairs stages by position by default, or by innovation number', () => {
    const early = pipeline([stage(1, { refiner: node('gemma3:1b', 'refiner.fix', 0.2) }), stage(2)]);
    const late = pipeline([stage(2)]);
    // By position, late's only stage (2) meets early's stage 1: different refiner model.
    expect(compatibilityDistance(early, late)).toBeCloseTo(1.0 + 0.4, 12);
    // By innovation, stage 2 meets stage 2: identical.
    expect(compatibilityDistance(early, late, 'innovation')).toBeCloseTo(1.0, 12);
  });

  it('by innovation number counts the stages each has and the other lacks, as NEAT counts disjoint genes', () => {
    const second = (innovation: number) => stage(innovation, { refiner: node('gemma3:1b', 'refiner.fix', 0.2) });
    const a = pipeline([stage(1), second(2)]);
    const b = pipeline([stage(1), second(3)]);
    // The same counts, but stage 2 and stage 3 descend from different events: two unpaired stages.
    expect(compatibilityDistance(a, b, 'innovation')).toBeCloseTo(2.0, 12);
    // By position the two second stages are paired, and identical.
    expect(compatibilityDistance(a, b)).toBe(0);
    const c = pipeline([second(4)]);
    expect(compatibilityDistance(a, c, 'innovation')).toBeCloseTo(3.0, 12);
    expect(compatibilityDistance(a, c, 'innovation')).toBeCloseTo(compatibilityDistance(c, a, 'innovation'), 12);
  });

  it('counts a prompt given as text differently from one given by id', () => {
    const inline = pipeline([stage(1)], { ...node('qwen2.5:1.5b', 'x', 0.3), prompt: { text: 'Write code.' } });
    const byId = pipeline([stage(1)], node('qwen2.5:1.5b', 'generator.plain', 0.3));
    expect(compatibilityDistance(inline, byId)).toBeCloseTo(0.2, 12);
  });
});
