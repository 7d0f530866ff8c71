/**
 * The sandbox scores like the native harness. Every canonical solution and every broken variant
 * (tests/support/broken-variants.ts) is assembled once, in standard mode, and run by the Pyodide
 * sandbox (2 workers) and by the CPython reference runner (2 processes) with the same text and
 * the same per-task limits: the benchmark's, except a shorter one for the variants that hang by
 * design (HANG_LIMIT_MS). The verdicts must agree for every program.
 *
 * Agreement, precisely:
 * - passed in one ⇔ passed in the other, no exception;
 * - timed out in one ⇔ timed out in the other, no exception;
 * - both failed: the error types are equal, except the pairs in ALLOWED_ERROR_PAIRS, where
 *   Pyodide loses its interpreter to something CPython turns into an exception.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import type { Sandbox } from '../../../src/core/ports.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import { brokenItems, canonicalItems, scoreWithReference, scoreWithSandbox, type CorpusItem, type Verdict } from '../../../reference/scoring-corpus.ts';
import { BREAK_KINDS, TIMEOUT_KINDS } from '../../support/broken-variants.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const WORKERS = 2;

/**
 * The limit of the variants that hang by design (endless loops, a sleep of 30 years, a loop
 * inside C): they end at their limit whatever it is, so at 1 s instead of the benchmark's 3 s
 * they still show both runners ending each as a timeout (the sandbox's interrupt, its watchdog
 * and a new worker for the loop inside C, the reference's kill), and the test waits 2 s less
 * for each of 20 on each side: 40 s on two workers. Every other program, mutants that happen to
 * loop forever included, keeps the benchmark's limits.
 */
const HANG_LIMIT_MS = 1000;

function withShortHangs(item: CorpusItem): CorpusItem {
  return TIMEOUT_KINDS.includes(item.kind as never) ? { ...item, limits: { ...item.limits, timeoutMs: HANG_LIMIT_MS } } : item;
}

/**
 * Same verdict, and for failures the same exception class. Under Node the worker's stack is
 * large enough for recursion through C (functools.lru_cache, sorted's key…) to end in Python's
 * own RecursionError, as in CPython; in a browser worker it overflows the JavaScript stack first
 * and the interpreter dies (`Crash`), which bench/score-throughput-chromium.ts allows.
 */
function agree(reference: Verdict, sandbox: Verdict): boolean {
  if (reference.verdict !== sandbox.verdict) return false;
  return reference.verdict !== 'failed' || reference.errorType === sandbox.errorType;
}

const label = (v: Verdict | undefined) => (v === undefined ? 'missing' : v.verdict === 'failed' ? `failed ${v.errorType}` : v.verdict);

let corpus: CorpusItem[];
let reference: Map<string, Verdict>;
let sandboxVerdicts: Map<string, Verdict>;

beforeAll(async () => {
  const problems: Problem[] = [...(await loadTestProblems('humaneval')), ...(await loadTestProblems('mbpp'))];
  corpus = [...canonicalItems(problems), ...brokenItems(problems).map(withShortHangs)];
  // One runner after the other: sharing two cores would slow both and blur the timeouts.
  reference = await scoreWithReference(corpus, WORKERS);
  const sandbox: Sandbox = await createNodeSandbox({ workers: WORKERS });
  try {
    sandboxVerdicts = await scoreWithSandbox(corpus, sandbox, WORKERS);
  } finally {
    await sandbox.close();
  }
  printConfusionTable();
}, 600_000);

afterAll(() => {
  corpus = [];
});

describe('the Pyodide sandbox and the CPython reference runner', () => {
  it('score a corpus that covers every kind of break, with few hangs', () => {
    const kinds = new Set(corpus.map((item) => item.kind));
    expect([...kinds].sort()).toEqual(['canonical', ...BREAK_KINDS].sort());
    const variants = corpus.filter((item) => item.kind !== 'canonical');
    expect(variants.length).toBeGreaterThanOrEqual(550);
    const hangs = variants.filter((item) => TIMEOUT_KINDS.includes(item.kind as never));
    expect(hangs.length).toBeLessThanOrEqual(30);
    // What they are there to show: both runners end a program that never ends as a timeout.
    expect(hangs.filter((item) => reference.get(item.key)?.verdict !== 'timeout' || sandboxVerdicts.get(item.key)?.verdict !== 'timeout').map((item) => item.key)).toEqual([]);
  });

  it('pass every canonical solution', () => {
    const failing = corpus
      .filter((item) => item.kind === 'canonical')
      .flatMap((item) => {
        const both = [reference.get(item.key), sandboxVerdicts.get(item.key)];
        return both.every((v) => v?.verdict === 'passed') ? [] : [`${item.key}: reference ${label(both[0])}, sandbox ${label(both[1])}`];
      });
    expect(failing).toEqual([]);
  });

  it('agree on the verdict of every program', () => {
    const disagreements = corpus.flatMap((item) => {
      const ref = reference.get(item.key);
      const ours = sandboxVerdicts.get(item.key);
      return ref && ours && agree(ref, ours) ? [] : [`${item.key}: reference ${label(ref)}, sandbox ${label(ours)}`];
    });
    expect(disagreements).toEqual([]);
  });
});

/** Rows: the reference runner's verdict; columns: the sandbox's. Then error types side by side. */
function printConfusionTable(): void {
  const verdicts = ['passed', 'failed', 'timeout'] as const;
  const count = (ref: string, ours: string) =>
    corpus.filter((item) => reference.get(item.key)?.verdict === ref && sandboxVerdicts.get(item.key)?.verdict === ours).length;
  const lines = [
    `Agreement over ${corpus.length} programs (rows: CPython reference, columns: Pyodide sandbox)`,
    `${'reference \\ sandbox'.padEnd(20)}${verdicts.map((v) => v.padStart(9)).join('')}`,
    ...verdicts.map((ref) => `${ref.padEnd(20)}${verdicts.map((ours) => String(count(ref, ours)).padStart(9)).join('')}`),
    '',
    'Failures by error type (reference → sandbox: count):',
  ];
  const pairs = new Map<string, number>();
  for (const item of corpus) {
    const ref = reference.get(item.key);
    const ours = sandboxVerdicts.get(item.key);
    if (ref?.verdict !== 'failed' && ours?.verdict !== 'failed') continue;
    const pair = `${label(ref)} → ${label(ours)}`;
    pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
  }
  for (const [pair, n] of [...pairs].sort((a, b) => b[1] - a[1])) lines.push(`  ${pair}: ${n}`);
  console.log(lines.join('\n'));
}
