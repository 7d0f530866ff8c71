import { constants as osConstants } from 'node:os';
import { shellWord } from './shell-word.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the program cannot act on: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input the program understood but cannot use (a bad samples file, a missing dataset): exit code 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * Exit codes, the same for every subcommand. `unfinished`: the run ended with units that `--resume` can still finish once the cause is gone
 * (errored units, an endpoint that kept failing). Apart from 1 so that a script can wait and
 * resume on 3 without looping for ever on a bad study file or a wrong model name (audit R209-4).
 */
export const EXIT = { ok: 0, badInput: 1, usage: 2, unfinished: 3 } as const;

/**
 * The exit code after stopping on a signal, as shells report a process the signal ended:
 * 128 + its number (Ctrl+C's SIGINT 130, SIGTERM 143), so a script or CI job can tell a
 * cancelled run from a failed one, and which it was.
 */
export function exitAfterSignal(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 0);
}

/**
 * The signals that stop a long command (score, run) and keep what it did: Ctrl+C; SIGTERM (a CI
 * job cancelled, a `timeout` run out); SIGHUP (the terminal closed, an SSH connection dropped),
 * the commonest way a long run ends early. Nothing can be kept on SIGKILL.
 */
export const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** After SIGHUP the terminal is gone: a line written to it fails, which must not end the run before its results are kept. */
export function ignoreLostTerminal(signal: NodeJS.Signals): void {
  if (signal !== 'SIGHUP') return;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

/**
 * Every command's `node:util` parseArgs with strict checking, its error turned into a UsageError:
 * node:util words these well ("Unknown option '--x'"), so the sentence is kept and the code dropped.
 * An unknown option keeps only its first sentence (the second, about '--', is a riddle to most
 * and has an unclosed quote) and gains the option it was likely meant to be.
 */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>, const P extends boolean>(
  argv: readonly string[],
  options: O,
  allowPositionals: P,
) {
  try {
    return parseArgs({ args: [...argv], allowPositionals, strict: true, options });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(missingValueMessage(message, argv, options) ?? message);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(unexpectedArgumentMessage(message, options));
    if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(message);
    const given = /^Unknown option '([^']*)'/.exec(message)?.[1] ?? '';
    const typed = given.replace(/^-+/, '').split('=')[0] ?? '';
    const alias = Object.hasOwn(OTHER_TOOLS_NAMES, typed) ? OTHER_TOOLS_NAMES[typed] : undefined;
    const guess = alias !== undefined && alias in options ? alias : nearestName(typed, Object.keys(options));
    throw new UsageError(`Unknown option '${given}'.${guess ? ` Did you mean --${guess}?` : ''}`);
  }
}

/**
 * node:util's "Unexpected argument 'x'. This command does not take positional arguments" as a
 * sentence, with where such an argument goes: `run study.json` means `run --study study.json`.
 */
function unexpectedArgumentMessage(message: string, options: NonNullable<ParseArgsConfig['options']>): string {
  const argument = /^Unexpected argument '(.*)'\./.exec(message)?.[1];
  if (argument === undefined) return message;
  const where =
    'study' in options && 'resume' in options
      ? ` A study to run goes after --study (--study ${shellWord(argument)}); a result file to continue, after --resume.`
      : '';
  return `Unexpected argument '${argument}': this command takes none without an option before it.${where}`;
}

/**
 * Names other tools give the commands' options, too far from ours for a spelling guess (audit
 * R209-7): offered only where the command has the option they point to.
 */
const OTHER_TOOLS_NAMES: Readonly<Record<string, string>> = {
  o: 'out',
  output: 'out',
  outfile: 'out',
  w: 'workers',
  j: 'workers',
  jobs: 'workers',
  'model-map': 'map',
  models: 'model',
  url: 'endpoint',
  'base-url': 'endpoint',
  'api-base': 'endpoint',
  key: 'api-key-env',
  'api-key': 'api-key-env',
  dataset: 'datasets',
  'datasets-dir': 'datasets',
};

/**
 * node:util's words for an option given no value ("Option '-b, --benchmark <value>' argument
 * missing") or followed by one starting with a dash (three lines on "ambiguous" arguments), in
 * the commands' own words: `--timeout needs a value`, as an empty value is told.
 */
function missingValueMessage(message: string, argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string | null {
  const missing = /^Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(message);
  if (missing) return `--${missing[1]} needs a value.`;
  const ambiguous = /^Option '(-{1,2})([\w-]+)' argument is ambiguous/.exec(message);
  if (!ambiguous) return null;
  const [, dashes, given] = ambiguous;
  const long = dashes === '--' ? given : Object.entries(options).find(([, option]) => option.short === given)?.[0];
  const flag = `--${long ?? given}`;
  const at = argv.findIndex((arg) => arg === `${dashes}${given}`);
  const next = at >= 0 ? argv[at + 1] : undefined;
  // Followed by another of the command's options: the value was left out, not written with a dash.
  const nextName = next?.replace(/^-{1,2}/, '').split('=')[0] ?? '';
  if (next === undefined || nextName in options || Object.values(options).some((option) => option.short === nextName)) return `${flag} needs a value.`;
  return `${flag} needs a value, and "${next}" starts with a dash, so it is read as an option. If it is the value, write ${flag}=${next}.`;
}

/** The name a mistyped one most likely meant (an option, a command): the one it starts, or one at most two letters off. */
export function nearestName(typed: string, names: readonly string[]): string | null {
  if (typed.length < 2) return null;
  const prefixed = names.filter((name) => name.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0] as string;
  let best: { name: string; distance: number } | null = null;
  for (const name of names) {
    const distance = editDistance(typed, name);
    if (distance <= 2 && distance < typed.length && (best === null || distance < best.distance)) best = { name, distance };
  }
  return best?.name ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
