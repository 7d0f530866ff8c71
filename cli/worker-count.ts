/**
 * How many Python interpreters a command may start on this machine. Each one is a Node worker
 * thread holding Pyodide, about 200 MB resident (docs/performance.md), and one core when busy:
 * `--workers 1000` would start a thousand of them and swap the machine to a halt long before
 * the first sample ran, so a count past what the machine can hold is refused, saying why.
 */
import { availableParallelism, totalmem } from 'node:os';
import { UsageError } from './usage-error.ts';
import { wholeNumberArgument } from './number-argument.ts';

/** Resident memory of one sandbox worker under Node, rounded up (docs/performance.md). */
export const WORKER_MEMORY_BYTES = 200 * 2 ** 20;

export interface Machine {
  cores: number;
  memoryBytes: number;
}

export function thisMachine(): Machine {
  return { cores: availableParallelism(), memoryBytes: totalmem() };
}

/** One worker per core, at most four: more than the cores only adds contention. */
export function defaultWorkers(machine: Machine = thisMachine()): number {
  return Math.max(1, Math.min(4, machine.cores, maxWorkers(machine)));
}

/**
 * Twice the cores (a little overlap of start-up and waiting can still pay), and no more than
 * half the machine's memory at ~200 MB each; never less than one.
 */
export function maxWorkers(machine: Machine = thisMachine()): number {
  const byCores = 2 * machine.cores;
  const byMemory = Math.floor(machine.memoryBytes / 2 / WORKER_MEMORY_BYTES);
  return Math.max(1, Math.min(byCores, byMemory));
}

/** `--workers N`, checked against the machine. Throws UsageError naming the limit and why. */
export function checkWorkers(text: string, machine: Machine = thisMachine()): number {
  const value = wholeNumberArgument('--workers', text, 1);
  const limit = maxWorkers(machine);
  if (value > limit) {
    const gb = (machine.memoryBytes / 2 ** 30).toFixed(1);
    throw new UsageError(
      `--workers ${value} is more than this machine can use: at most ${limit} here (${machine.cores} core${machine.cores === 1 ? '' : 's'}, ${gb} GB of memory; ` +
        `each worker is a Python interpreter of about 200 MB and keeps a core busy, and more than twice the cores only makes them wait for each other). ` +
        `Give --workers ${limit} or fewer, or leave it out for the default (${defaultWorkers(machine)}).`,
    );
  }
  return value;
}

/** The --help text's limit, e.g. `at most 4 on this machine`. */
export function workersHelp(machine: Machine = thisMachine()): string {
  return `at most ${maxWorkers(machine)} on this machine`;
}
