/**
 * Workers start from a memory snapshot of Pyodide (src/sandbox/snapshot.ts): much faster, and a
 * program must not be able to tell — same verdicts, same messages, fresh random numbers. A
 * snapshot that is missing, corrupt or from another Pyodide makes workers start the slow way
 * and say why, never fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { SandboxLimits } from '../../../src/core/ports.ts';
import { gzip } from '../../../src/core/results/bounded-compression.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';
import { ensureSnapshotFile, snapshotIsCurrent, snapshotKeyFor } from '../../../src/sandbox/snapshot-file.ts';

const limits: SandboxLimits = { timeoutMs: 3000, maxOutputChars: 100_000 };
const PYODIDE_DIR = join(process.cwd(), 'node_modules/pyodide');

/** A few programs of every kind whose results carry no timing. */
const PROGRAMS = [
  'import math, re, collections\nprint(math.comb(10, 3), re.sub("a+", "b", "caaat"), collections.Counter("hello").most_common(1))',
  'from typing import List\ndef f(xs: List[int]) -> int:\n    return sum(xs)\nassert f([1, 2]) == 3',
  'def f(x):\n    return x + 1\nassert f(1) == 3, "off by one"',
  'print(undefined_name)',
  'def f(:\n    pass',
  'import sys\nsys.exit(2)',
  'import ctypes',
  'import os\nprint(sorted(os.environ)[:3], os.getcwd() == os.path.realpath("."))',
];

/** What a user sees of a result, without its duration. */
function shown(result: RunResult): unknown {
  const { durationMs: _ignored, ...rest } = result;
  return rest;
}

describe('a sandbox started from the snapshot', () => {
  let fromSnapshot: PooledSandbox;
  let fresh: PooledSandbox;

  beforeAll(async () => {
    fromSnapshot = await createNodeSandbox({ workers: 2, spares: 0 });
    fresh = await createNodeSandbox({ workers: 1, spares: 0, snapshot: false });
  });

  afterAll(async () => {
    await Promise.all([fromSnapshot?.close(), fresh?.close()]);
  });

  it('says it started from the snapshot, and one without it says so too', () => {
    expect(fromSnapshot.stats().lastWorker).toMatchObject({ startedFrom: 'snapshot', snapshotProblem: null });
    expect(fresh.stats().lastWorker).toMatchObject({ startedFrom: 'fresh', snapshotProblem: null });
  });

  it('gives every program the result a freshly initialised interpreter gives', async () => {
    for (const program of PROGRAMS) {
      const [a, b] = await Promise.all([fromSnapshot.run(program, limits), fresh.run(program, limits)]);
      expect(shown(a), program).toEqual(shown(b));
    }
  });

  it('lets no two workers draw the same random numbers', async () => {
    const draw = 'import random\nprint(random.getrandbits(64))';
    const draws = await Promise.all([fromSnapshot.run(draw, limits), fromSnapshot.run(draw, limits)]);
    const printed = draws.map((result) => (result.status === 'passed' ? result.stdout : JSON.stringify(result)));
    expect(printed[0]).toMatch(/^\d+\n$/);
    expect(printed[0]).not.toBe(printed[1]);
  });
});

describe('a snapshot that cannot be used', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'feedback-lab-snapshot-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function startWith(file: string, key: string): Promise<PooledSandbox> {
    writeFileSync(join(dir, `.${file.split('/').pop()}.key`), `${key}\n`);
    return createNodeSandbox({ workers: 1, spares: 0, snapshot: file });
  }

  it.each([
    ['is not gzip at all', () => new TextEncoder().encode('not a snapshot')],
    ['is a cut-off gzip', async () => (await gzip(new Uint8Array(4096).fill(7))).subarray(0, 100)],
    ['was made by another Pyodide', () => gzip(new Uint8Array(4096).fill(7))],
  ])('one that %s: the worker starts without it, says why, and programs still pass', async (_, bytes) => {
    const file = join(dir, 'snapshot.bin.gz');
    writeFileSync(file, await bytes());
    // The key says the file is current, so the sandbox tries it instead of making a new one.
    const sandbox = await startWith(file, snapshotKeyFor(PYODIDE_DIR));
    try {
      const worker = sandbox.stats().lastWorker;
      expect(worker?.startedFrom).toBe('fresh');
      expect(worker?.snapshotProblem).toMatch(/\S/);
      expect(await sandbox.run('assert sorted([3, 1, 2]) == [1, 2, 3]', limits)).toMatchObject({ status: 'passed' });
    } finally {
      await sandbox.close();
    }
  });

  it('is made again when its key is stale, and only then', async () => {
    const file = join(dir, 'remade.bin.gz');
    writeFileSync(file, 'left over from an older prelude');
    writeFileSync(join(dir, '.remade.bin.gz.key'), 'pyodide-0.0.0-00000000\n');
    expect(await snapshotIsCurrent(file, snapshotKeyFor(PYODIDE_DIR))).toBe(false);
    expect(await ensureSnapshotFile(file, PYODIDE_DIR)).toBe(true);
    expect(await snapshotIsCurrent(file, snapshotKeyFor(PYODIDE_DIR))).toBe(true);
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(await ensureSnapshotFile(file, PYODIDE_DIR)).toBe(false);
    const sandbox = await createNodeSandbox({ workers: 1, spares: 0, snapshot: file });
    try {
      expect(sandbox.stats().lastWorker?.startedFrom).toBe('snapshot');
    } finally {
      await sandbox.close();
    }
  });
});
