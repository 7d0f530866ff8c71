import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CommandIo } from '../../../cli/main.ts';
import { TERSE_GENERATOR_FILE } from '../../support/prompt-set-files.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

function capture(env: NodeJS.ProcessEnv = {}, cwd = process.cwd()): CommandIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (text: string) => void (io.out += text) },
    stderr: { write: (text: string) => void (io.err += text) },
    env,
    cwd,
  };
  return io;
}

const COMMANDS = ['score', 'run', 'report', 'merge'];

describe('feedback-lab, as a first-time user meets it', () => {
  it.each(COMMANDS)('%s --help says what it does, with an example and exit codes, on stdout, exit 0', async (command) => {
    const io = capture();
    expect(await main([command, '--help'], io)).toBe(0);
    expect(io.out).toMatch(new RegExp(`^Usage: feedback-lab ${command} `));
    expect(io.out).toMatch(/\nExamples?:\n {2}feedback-lab /);
    expect(io.out).toMatch(/\nExit codes: 0 /);
    expect(io.err).toBe('');
  });

  it.each(COMMANDS)('%s --help lists every exit code the command ends with, as --help and the README list them for all', async (command) => {
    const io = capture();
    await main([command, '--help'], io);
    // Joined into one line: the help wraps its exit-code sentence wherever it falls.
    const exitCodes = io.out.slice(io.out.indexOf('\nExit codes:')).replace(/\s+/g, ' ');
    for (const code of ['0 ', '1 bad input', '2 bad command line', '130 stopped by Ctrl+C', '143 by SIGTERM', '129 by SIGHUP']) expect(exitCodes).toContain(code);
    const all = capture();
    await main(['--help'], all);
    expect(all.out).toContain('Exit codes, for every command: 0 done, 1 bad input or a failure, 2 bad command line, 3 (run) unfinished: resume it once the cause is fixed, 130 Ctrl+C, 143 SIGTERM, 129 SIGHUP (the terminal closed).');
  });

  it('help COMMAND prints that command\'s help, as git and npm do, and names a mistyped command', async () => {
    const help = capture();
    expect(await main(['help', 'merge'], help)).toBe(0);
    const direct = capture();
    await main(['merge', '--help'], direct);
    expect(help.out).toBe(direct.out);
    const typo = capture();
    expect(await main(['help', 'reprot'], typo)).toBe(2);
    expect(typo.err).toMatch(/^feedback-lab: unknown command "reprot"\. Did you mean "report"\?/);
  });

  it('--help and --version answer on stdout with exit 0', async () => {
    const help = capture();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out).toMatch(/^Usage: feedback-lab <command>/);
    const version = capture();
    expect(await main(['--version'], version)).toBe(0);
    expect(version.out).toMatch(/^feedback-lab \d+\.\d+\.\d+ \(Node\.js v\d+/);
  });

  it('answers an unknown command in one line, with the command it likely meant, exit 2', async () => {
    const io = capture();
    expect(await main(['scor', 'samples.jsonl'], io)).toBe(2);
    expect(io.err).toBe(
      'feedback-lab: unknown command "scor". Did you mean "score"? The commands are score, run, report, merge; "feedback-lab --help" says what each does.\n',
    );
  });

  it('answers an unknown option with the option it likely meant, and no riddle about "--", exit 2', async () => {
    const io = capture();
    expect(await main(['score', '-b', 'humaneval', '--wrkers', '2', 'samples.jsonl'], io)).toBe(2);
    expect(io.err).toBe(`feedback-lab score: Unknown option '--wrkers'. Did you mean --workers?\nRun "feedback-lab score --help" for usage.\n`);
    const other = capture();
    expect(await main(['merge', '--zzz', 'a.json', 'b.json'], other)).toBe(2);
    expect(other.err.split('\n')[0]).toBe(`feedback-lab merge: Unknown option '--zzz'.`);
  });

  it('names our option for the names other tools give it, and where an argument without an option goes (audit R209-7)', async () => {
    const first = async (args: string[]) => {
      const io = capture();
      expect(await main(args, io)).toBe(2);
      return io.err.split('\n')[0];
    };
    expect(await first(['report', 'r.json', '-o', 'r.md'])).toBe(`feedback-lab report: Unknown option '-o'. Did you mean --out?`);
    expect(await first(['run', '--study', 's.json', '--output', 'r.json'])).toBe(`feedback-lab run: Unknown option '--output'. Did you mean --out?`);
    expect(await first(['run', '--study', 's.json', '--model-map', 'a=b'])).toBe(`feedback-lab run: Unknown option '--model-map'. Did you mean --map?`);
    expect(await first(['score', '-b', 'mbpp', '-j', '2', 's.jsonl'])).toBe(`feedback-lab score: Unknown option '-j'. Did you mean --workers?`);
    // Only where the command has the option: merge has no --workers.
    expect(await first(['merge', '-j', '2', 'a.json', 'b.json'])).toBe(`feedback-lab merge: Unknown option '-j'.`);
    expect(await first(['report', 'r.json', '--format', 'md'])).toBe(`feedback-lab report: --format must be markdown, csv or json, not "md". Did you mean --format markdown?`);
    expect(await first(['run', 'my study.json', '--endpoint', 'http://127.0.0.1:1/v1'])).toBe(
      "feedback-lab run: Unexpected argument 'my study.json': this command takes none without an option before it. A study to run goes after --study (--study 'my study.json'); a result file to continue, after --resume.",
    );
  });

  it('answers an option given no value in the commands\' own words, exit 2', async () => {
    const cases: [string[], string][] = [
      [['score', '-b'], '--benchmark needs a value.'],
      [['report', 'a.json', '--out', '--format', 'json'], '--out needs a value.'],
      [['score', '-b', 'humaneval', '--timeout', '-1', 's.jsonl'], '--timeout needs a value, and "-1" starts with a dash, so it is read as an option. If it is the value, write --timeout=-1.'],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      expect(io.err).toBe(`feedback-lab ${argv[0]}: ${message}\nRun "feedback-lab ${argv[0]} --help" for usage.\n`);
    }
  });

  it('ends an unexpected failure with one line and exit 1, never a stack trace unless asked for', async () => {
    const broken = (env: NodeJS.ProcessEnv) => {
      const io = capture(env);
      // The terminal went away mid-write: nothing the command itself foresaw.
      io.stdout.write = () => {
        throw new Error('write EIO');
      };
      return io;
    };
    const io = broken({});
    expect(await main(['report', '--help'], io)).toBe(1);
    expect(io.err).toBe(
      'feedback-lab report failed: write EIO\nIf this looks like a bug, run the command again with FEEDBACK_LAB_DEBUG=1 and report what it prints.\n',
    );
    const debug = broken({ FEEDBACK_LAB_DEBUG: '1' });
    expect(await main(['report', '--help'], debug)).toBe(1);
    expect(debug.err).toMatch(/^Error: write EIO\n {4}at /);
    expect(debug.err.trimEnd().split('\n').at(-1)).toBe('feedback-lab report failed: write EIO');
  });

  it('run refuses an --out that is the study or prompt set it reads, before reading anything', async () => {
    const io = capture();
    expect(await main(['run', '--study', 'old-results.json', '--endpoint', 'http://127.0.0.1:9/v1', '--out', './old-results.json'], io)).toBe(2);
    expect(io.err.split('\n')[0]).toBe(
      'feedback-lab run: --out ./old-results.json is the file old-results.json, which is read: it would be overwritten. Give the output another name.',
    );
    const prompts = capture();
    expect(await main(['run', '--study', 's.json', '--prompts', 'p.json', '--out', 'p.json'], prompts)).toBe(2);
    expect(prompts.err.split('\n')[0]).toBe('feedback-lab run: --out p.json is one of the files read: it would be overwritten. Give the output another name.');
  });

  it('run takes --prompts beside a result file as the bad command line that --prompts beside --resume is: exit 2 both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'feedback-lab-main-prompts-'));
    try {
      writeFileSync(join(dir, 'results.json'), await fileBytes(await studyResultFile()));
      writeFileSync(join(dir, 'prompts.json'), TERSE_GENERATOR_FILE.buffer);
      const study = capture({}, dir);
      expect(await main(['run', '--study', 'results.json', '--prompts', 'prompts.json', '--endpoint', 'http://127.0.0.1:9/v1'], study)).toBe(2);
      expect(study.err).toBe(
        'feedback-lab run: --prompts prompts.json: results.json already holds the prompt texts its study sent, and runs again with them; ' +
          'leave out --prompts, or give the prompt set with a study link or a draft file.\nRun "feedback-lab run --help" for usage.\n',
      );
      const resume = capture({}, dir);
      expect(await main(['run', '--resume', 'results.json', '--prompts', 'prompts.json'], resume)).toBe(2);
      expect(resume.err).toMatch(/^feedback-lab run: --prompts is for a new study: .*\nRun "feedback-lab run --help" for usage\.\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['run', '--study', 's.json', '--out', 'results/'],
    ['report', 'a.json', '--out', 'report/'],
    ['merge', 'a.json', 'b.json', '--out', 'merged/'],
  ])('%s refuses an --out ending in a slash, a folder, before reading anything: it used to write a file of that name', async (...argv) => {
    const io = capture();
    expect(await main(argv, io)).toBe(2);
    expect(io.err.split('\n')[0]).toMatch(new RegExp(`^feedback-lab ${argv[0]}: --out ${argv.at(-1)} names a folder; it takes a file name, e\\.g\\. --out ${argv.at(-1)}\\w`));
  });
});
