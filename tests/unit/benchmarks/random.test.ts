import { describe, expect, it } from 'vitest';
import { createRng, shuffled } from '../../../src/core/random.ts';

describe('createRng (mulberry32)', () => {
  it('gives the published mulberry32 sequence', () => {
    // Reference values from an independent implementation of mulberry32.
    const rng = createRng(42);
    expect([rng.next(), rng.next(), rng.next()].map((x) => Math.round(x * 2 ** 32))).toEqual([2581720956, 1925393290, 3661312704]);
    const zero = createRng(0);
    expect(Math.round(zero.next() * 2 ** 32)).toBe(1144304738);
  });

  it('resumes from a saved state', () => {
    const a = createRng(123);
    a.next();
    a.next();
    const b = createRng(a.state);
    expect([b.next(), b.next()]).toEqual([a.next(), a.next()]);
  });

  it('keeps numbers in range and roughly uniform', () => {
    const rng = createRng(9);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[rng.int(4)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });

  it('draws normal numbers with about the asked mean and spread', () => {
    const rng = createRng(5);
    const xs = Array.from({ length: 5000 }, () => rng.normal(1, 0.08));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(1, 2);
    expect(sd).toBeCloseTo(0.08, 2);
  });

  it('refuses a seed that is not a number', () => {
    expect(() => createRng(Number.NaN)).toThrow(/finite number/);
  });
});

describe('shuffled', () => {
  it('is a permutation that leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, createRng(1));
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(items);
    expect(out).not.toEqual(items);
  });
});
