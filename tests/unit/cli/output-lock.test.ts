/**
 * cli/run/output-lock.ts: one `feedback-lab run` per result file. A lock left by a dead run is
 * taken over, and only that lock: two runs that found it at once each removed it, the second the
 * lock the first had just made, and both went on writing the file.
 */
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** Reads of the lock go through here, so a test can let "another run" act between a read and what follows it. */
const onLockRead = vi.hoisted(() => ({ hook: null as ((path: string) => void) | null }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    readFileSync: ((path: fs.PathOrFileDescriptor, options?: unknown) => {
      const text = real.readFileSync(path, options as BufferEncoding);
      if (typeof path === 'string' && onLockRead.hook) onLockRead.hook(path);
      return text;
    }) as typeof real.readFileSync,
  };
});

const { claimOutput, releaseOutputs } = await import('../../../cli/run/output-lock.ts');

const children: ChildProcess[] = [];
afterEach(() => {
  onLockRead.hook = null;
  releaseOutputs();
  for (const child of children.splice(0)) child.kill();
});

/** A process id no process has any more (a run killed with kill -9). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
/** A live process other than this one (another run). */
function livePid(): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

describe('the result file lock', () => {
  it('takes over a dead run\'s lock, refuses a live one\'s, and leaves nothing behind once released', () => {
    const dir = mkdtempSync(join(tmpdir(), 'output-lock-'));
    const file = join(dir, 'results.json');
    writeFileSync(`${file}.lock`, `${deadPid()}\n`);
    claimOutput(file);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    releaseOutputs();
    expect(readdirSync(dir)).toEqual([]);

    const other = livePid();
    writeFileSync(`${file}.lock`, `${other}\n`);
    expect(() => claimOutput(file)).toThrow(`is being written by another feedback-lab run (process ${other})`);
    expect(readdirSync(dir)).toEqual(['results.json.lock']);
  });

  it('does not remove the lock another run made after taking over the same dead run\'s lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'output-lock-'));
    const file = join(dir, 'results.json');
    writeFileSync(`${file}.lock`, `${deadPid()}\n`);
    const other = livePid();
    // Right after this run read the dead run's lock, the other run takes it over, as this one is about to.
    onLockRead.hook = (path) => {
      if (path !== `${file}.lock`) return;
      onLockRead.hook = null;
      fs.rmSync(path);
      writeFileSync(path, `${other}\n`);
    };
    expect(() => claimOutput(file)).toThrow(`(process ${other})`);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe(`${other}\n`);
    expect(readdirSync(dir)).toEqual(['results.json.lock']);
  });
});
