/**
 * `feedback-lab <command> …`: the Node command line over core and the sandbox. Each command is
 * a module with its own help and a `run` that returns an exit code; adding one (a `run` for
 * studies against an endpoint, say) is one entry in COMMANDS.
 */
import { terminalSafe } from './terminal-safe.ts';
import { EXIT, InputError, UsageError, nearestName } from './usage-error.ts';

/** Where a command writes. Tests pass their own; the bin passes the process's streams. */
export interface CommandIo {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  usage: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  // Loaded on demand so `--help` does not pay for the sandbox's imports.
  score: async () => (await import('./score/score-command.ts')).scoreCommand,
  run: async () => (await import('./run/run-command.ts')).runCommand,
  report: async () => (await import('./report/report-command.ts')).reportCommand,
  merge: async () => (await import('./merge/merge-command.ts')).mergeCommand,
};

const SUMMARIES: Record<string, string> = {
  score: 'score a samples file (JSONL of task_id + completion) against HumanEval or MBPP',
  run: 'run a study (arms × repeats × problems) against an OpenAI-compatible endpoint',
  report: 'print the Results page\'s analysis of result files (Markdown, CSV or JSON)',
  merge: 'merge the shards of one study into one result file',
};

export function mainUsage(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((name) => name.length));
  return [
    'Usage: feedback-lab <command> [options]',
    '       feedback-lab --version',
    '',
    'Commands:',
    ...Object.entries(SUMMARIES).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Examples:',
    '  feedback-lab score --benchmark humaneval samples.jsonl',
    '  feedback-lab run --study study.json --endpoint http://localhost:11434/v1',
    '  feedback-lab report results.json.gz > report.md',
    '',
    'Run "feedback-lab <command> --help" (or "feedback-lab help <command>") for a command\'s options.',
    'Exit codes, for every command: 0 done, 1 bad input or a failure, 2 bad command line, 3 (run) unfinished: resume it once the cause is fixed, 130 Ctrl+C, 143 SIGTERM, 129 SIGHUP (the terminal closed).',
  ].join('\n');
}

export async function main(argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  // `feedback-lab help score`, as git and npm take it: the command's own help.
  if (name === 'help' && rest[0] !== undefined && !rest[0].startsWith('-')) return main([rest[0], '--help', ...rest.slice(1)], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(`${mainUsage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    const { appVersion } = await import('./run/node-environment.ts');
    io.stdout.write(`feedback-lab ${appVersion()} (Node.js ${process.version})\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    const guess = nearestName(name, Object.keys(COMMANDS));
    io.stderr.write(
      `feedback-lab: unknown command "${name}".${guess ? ` Did you mean "${guess}"?` : ''} ` +
        `The commands are ${Object.keys(COMMANDS).join(', ')}; "feedback-lab --help" says what each does.\n`,
    );
    return EXIT.usage;
  }
  const command = await load();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`feedback-lab ${name}: ${error.message}\nRun "feedback-lab ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof InputError) {
      io.stderr.write(`feedback-lab ${name}: ${error.message}\n`);
      return EXIT.badInput;
    }
    // Anything else is a fault of ours or of the machine (a disk full, a file gone mid-run): one
    // line a person can act on, and the stack only for whoever asks for it.
    const message = error instanceof Error ? error.message : String(error);
    const debug = io.env.FEEDBACK_LAB_DEBUG !== undefined && io.env.FEEDBACK_LAB_DEBUG !== '' && io.env.FEEDBACK_LAB_DEBUG !== '0';
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    io.stderr.write(
      `feedback-lab ${name} failed: ${message}\n` +
        (debug ? '' : 'If this looks like a bug, run the command again with FEEDBACK_LAB_DEBUG=1 and report what it prints.\n'),
    );
    return EXIT.badInput;
  }
}

function processIo(): CommandIo {
  // Text from other people's files must reach the terminal as text, never as its commands (terminal-safe.ts).
  return { stdout: terminalSafe(process.stdout), stderr: terminalSafe(process.stderr), env: process.env, cwd: process.cwd() };
}
