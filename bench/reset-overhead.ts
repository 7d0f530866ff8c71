/**
 * What does restoring the interpreter between programs cost, against another commit's sandbox?
 * This tree's Node sandbox and the one at `--against` (default `main`, extracted with
 * `git archive` into a temporary folder beside node_modules) each run the same batches of short
 * programs on one worker, alternating batch by batch so that drift in machine load hits both
 * alike; medians of wall and CPU time per program are compared.
 *
 *   node --import tsx bench/reset-overhead.ts [--against main] [--runs 7] [--programs 200]
 *
 * Batches: a trivial program (the restore is most of its time), HumanEval/0's canonical solution
 * (typing, the usual shape), and a program deriving a class from a standard ABC, the path where
 * the restore empties every standard ABC's cache. Nothing here asserts times.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../tests/support/browser.ts';
import { wholeNumberOption } from './throughput-report.ts';

type NodeSandboxModule = typeof import('../src/sandbox/node-sandbox.ts');

const { values } = parseArgs({ options: { against: { type: 'string', default: 'main' }, runs: { type: 'string', default: '7' }, programs: { type: 'string', default: '200' } } });
const runs = wholeNumberOption('runs', values.runs);
const programs = wholeNumberOption('programs', values.programs);

const BATCHES: Record<string, string> = {
  trivial: 'assert 1 + 1 == 2\n',
  'HumanEval/0': `from typing import List
def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2 and abs(elem - elem2) < threshold:
                return True
    return False
assert has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3)
assert not has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05)
`,
  'ABC subclass': `from collections.abc import Mapping
class Frozen(Mapping):
    def __init__(self, items):
        self._items = dict(items)
    def __getitem__(self, key):
        return self._items[key]
    def __iter__(self):
        return iter(self._items)
    def __len__(self):
        return len(self._items)
assert isinstance(Frozen({1: 2}), Mapping)
`,
};

const other = mkdtempSync(join(tmpdir(), 'reset-overhead-'));
try {
  execFileSync('sh', ['-c', `git -C "${REPO_ROOT}" archive "${values.against}" src package.json tsconfig.json | tar -x -C "${other}"`]);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(other, 'node_modules'));
  const here = (await import('../src/sandbox/node-sandbox.ts')) as NodeSandboxModule;
  const there = (await import(pathToFileURL(join(other, 'src/sandbox/node-sandbox.ts')).href)) as NodeSandboxModule;
  const sandboxes = { here: await here.createNodeSandbox({ workers: 1, spares: 0 }), there: await there.createNodeSandbox({ workers: 1, spares: 0 }) };
  const limits = { timeoutMs: 5000, maxOutputChars: 10_000 };
  const samples: Record<string, { here: { wall: number[]; cpu: number[] }; there: { wall: number[]; cpu: number[] } }> = {};
  for (const [name, program] of Object.entries(BATCHES)) {
    samples[name] = { here: { wall: [], cpu: [] }, there: { wall: [], cpu: [] } };
    for (const side of ['here', 'there'] as const) for (let i = 0; i < 20; i++) await sandboxes[side].run(program, limits);
    for (let run = 0; run < runs; run++) {
      for (const side of run % 2 === 0 ? (['here', 'there'] as const) : (['there', 'here'] as const)) {
        const cpuBefore = process.cpuUsage();
        const wallBefore = performance.now();
        for (let i = 0; i < programs; i++) {
          const result = await sandboxes[side].run(program, limits);
          if (result.status !== 'passed') throw new Error(`${side}, ${name}: ${JSON.stringify(result).slice(0, 300)}`);
        }
        const cpu = process.cpuUsage(cpuBefore);
        samples[name][side].wall.push((performance.now() - wallBefore) / programs);
        samples[name][side].cpu.push((cpu.user + cpu.system) / 1000 / programs);
      }
    }
  }
  for (const sandbox of Object.values(sandboxes)) await sandbox.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  console.log(`reset overhead: this tree vs ${values.against}, ${runs} alternating batches of ${programs} programs, one worker each; load ${(loadavg()[0] ?? 0).toFixed(1)}`);
  console.log('batch           | ms/program here (wall, cpu) | there (wall, cpu) | ratio wall | ratio cpu');
  for (const [name, sample] of Object.entries(samples)) {
    const [hw, hc, tw, tc] = [median(sample.here.wall), median(sample.here.cpu), median(sample.there.wall), median(sample.there.cpu)];
    console.log(`${name.padEnd(15)} | ${hw.toFixed(3)}, ${hc.toFixed(3)} | ${tw.toFixed(3)}, ${tc.toFixed(3)} | ${(hw / tw).toFixed(3)} | ${(hc / tc).toFixed(3)}`);
  }
} finally {
  rmSync(other, { recursive: true, force: true });
}
