import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killedRunsLeft, takeUpKilledRun } from '../../../cli/score/orphan-partial.ts';

/** The id of a process that has ended: nothing runs under it now (ids are not reused this fast). */
function endedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('taking up what a killed score run left', () => {
  let dir: string;
  let results: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orphan-partial-'));
    results = join(dir, 'samples.jsonl_results.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renames the .partial of a process that is gone to the results file, the fullest one when there are several', () => {
    const [a, b] = [endedPid(), endedPid()];
    writeFileSync(`${results}.${a}.partial`, 'one\n');
    writeFileSync(`${results}.${b}.partial`, 'one\ntwo\n');
    expect(takeUpKilledRun(results)).toEqual({ partialPath: `${results}.${b}.partial`, pid: b });
    expect(readFileSync(results, 'utf8')).toBe('one\ntwo\n');
    expect(existsSync(`${results}.${b}.partial`)).toBe(false);
  });

  it('replaces a results file the .partial holds more than (a resumed run killed), and no other', () => {
    const pid = endedPid();
    writeFileSync(results, 'one\n');
    writeFileSync(`${results}.${pid}.partial`, 'one\ntwo\n');
    expect(takeUpKilledRun(results)?.pid).toBe(pid);
    expect(readFileSync(results, 'utf8')).toBe('one\ntwo\n');

    writeFileSync(`${results}.${pid}.partial`, 'one\n');
    expect(takeUpKilledRun(results)).toBeNull();
    expect(readFileSync(results, 'utf8')).toBe('one\ntwo\n');
  });

  it('leaves the .partial of a run still going (another terminal scoring the same file) and files of other names', () => {
    writeFileSync(`${results}.${process.ppid}.partial`, 'one\n');
    writeFileSync(join(dir, `other.jsonl_results.jsonl.${endedPid()}.partial`), 'one\n');
    expect(takeUpKilledRun(results)).toBeNull();
    expect(existsSync(results)).toBe(false);
  });

  it('lists what killed runs left, for a run without --resume to mention (audit R209-9)', () => {
    const pid = endedPid();
    writeFileSync(`${results}.${pid}.partial`, 'one\n');
    writeFileSync(`${results}.${process.ppid}.partial`, 'still being written\n');
    writeFileSync(`${results}.${endedPid()}.partial`, '');
    expect(killedRunsLeft(results)).toEqual([{ partialPath: `${results}.${pid}.partial`, pid, bytes: 4 }]);
  });
});
