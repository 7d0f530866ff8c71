import { describe, expect, it } from 'vitest';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { UserError } from '../../../src/core/user-error.ts';
import { syntheticResultFile } from './result-file-fixtures.ts';

const stepCount = (doc: { units: Parameters<typeof unitSteps>[0][] }) => doc.units.reduce((n, u) => n + unitSteps(u).length, 0);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

describe('a study with 100,000 steps', () => {
  it('imports from gzip, and its import time grows with its size, not faster', { timeout: 120_000 }, async () => {
    // 10,000 units of 10 steps, against 1,000 units of 10 steps.
    const small = await exportResultFile(await syntheticResultFile(100, 10, 10), { gzip: true });
    const large = await exportResultFile(await syntheticResultFile(500, 20, 10), { gzip: true });
    const [smallDoc, smallMs] = await timed(() => importResultFile(small));
    const [largeDoc, largeMs] = await timed(() => importResultFile(large));
    expect(stepCount(smallDoc)).toBe(10_000);
    expect(stepCount(largeDoc)).toBe(100_000);
    console.log(`import of 10^4 steps: ${smallMs.toFixed(0)} ms; 10^5 steps: ${largeMs.toFixed(0)} ms; gz ${large.length} bytes`);
    // Ten times the steps; a linear import takes about ten times as long. Quadratic work would take ~100×.
    expect(largeMs / smallMs).toBeLessThan(30);
  });

  it('with every step broken, reports a dozen lines, not 100,000', { timeout: 120_000 }, async () => {
    const doc = await syntheticResultFile(500, 20, 10);
    for (const unit of doc.units) for (const step of unitSteps(unit)) (step as { startedAt: unknown }).startedAt = 'soon';
    const bytes = await exportResultFile(doc, { gzip: true });
    const error = await importResultFile(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe('This result file has 100,000 fields with a wrong type or value.');
    expect((error as UserError).details).toHaveLength(11);
    expect((error as UserError).details.at(-1)).toBe('…and 99,990 more.');
  });
});
