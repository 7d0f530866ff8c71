import { describe, expect, it } from 'vitest';
import { parseScoreOptions, resumeCommandLine, SCORE_USAGE } from '../../../cli/score/score-options.ts';
import { UsageError } from '../../../cli/usage-error.ts';
import { shellWord } from '../../../cli/shell-word.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const usageError = (argv: string[]) => {
  try {
    parseScoreOptions(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('feedback-lab score options', () => {
  it('reads the documented command line', () => {
    expect(parseScoreOptions(['--benchmark', 'humaneval', '--timeout', '2.5', '--workers', '3', 'samples.jsonl'])).toEqual({
      benchmark: 'humaneval',
      mode: 'standard',
      timeoutS: 2.5,
      workers: 3,
      datasetsDir: null,
      samplesPath: 'samples.jsonl',
      resume: false,
    });
  });

  it('reads --resume, and says in --help that it trusts the first run\'s --mode and --timeout', () => {
    expect(parseScoreOptions(['-b', 'humaneval', '--resume', 'samples.jsonl'])?.resume).toBe(true);
    const help = SCORE_USAGE.replace(/\s+/g, ' ');
    expect(help).toContain('keeping the results scored so far in FILE_results.jsonl, in file order, and prints the command that goes on');
    expect(help).toContain('The results file does not record --mode or --timeout, so --resume cannot check them: give them as the first run did');
  });

  it('says in --help that a second score of one file is refused, and that a killed run\'s lock is taken over', () => {
    const help = SCORE_USAGE.replace(/\s+/g, ' ');
    expect(help).toContain("A score of FILE while another is going on is refused, naming that one's process (FILE_results.jsonl.lock, beside the results, holds it; a killed run's is taken over).");
  });

  it('prints a resume command that, read back, gives the same settings and --resume', () => {
    const options = parseScoreOptions(['samples dir/out.jsonl', '-b', 'MBPP', '--mode=study', '--timeout', '12.5', '--workers', '1', '--datasets', '/data sets']);
    if (options === null) throw new Error('no options');
    const command = resumeCommandLine(options, process.cwd());
    expect(command).toBe("npx feedback-lab score --benchmark mbpp --mode study --timeout 12.5 --workers 1 --datasets '/data sets' --resume 'samples dir/out.jsonl'");
    const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
    expect(parseScoreOptions(words.slice(3))).toEqual({ ...options, resume: true });
    // Defaults stay defaults: a run given no --timeout keeps each task's calibrated limit.
    const plain = parseScoreOptions(['-b', 'humaneval', '--workers', '2', 's.jsonl']);
    if (plain === null) throw new Error('no options');
    expect(resumeCommandLine(plain, process.cwd())).toBe('npx feedback-lab score --benchmark humaneval --mode standard --workers 2 --resume s.jsonl');
  });

  it('starts the resume command with npx only inside the repository, where npx finds this package, and with its script elsewhere', () => {
    const plain = parseScoreOptions(['-b', 'humaneval', 's.jsonl']);
    if (plain === null) throw new Error('no options');
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    expect(resumeCommandLine(plain, join(root, 'tests'))).toMatch(/^npx feedback-lab score /);
    // Outside it, npx would ask the npm registry for a package of that name, which is not this project.
    const elsewhere = resumeCommandLine(plain, tmpdir());
    expect(elsewhere.startsWith(`node ${shellWord(join(root, 'bin', 'feedback-lab.mjs'))} score `)).toBe(true);
    expect(resumeCommandLine(plain, `${root.replace(/\/$/, '')}-copy`)).not.toMatch(/^npx/);
  });

  it('accepts -b, --flag=value, the study mode and a datasets directory', () => {
    const options = parseScoreOptions(['samples.jsonl', '-b', 'MBPP', '--mode=study', '--datasets', '/data']);
    expect(options).toMatchObject({ benchmark: 'mbpp', mode: 'study', datasetsDir: '/data', timeoutS: null });
    expect(options?.workers).toBeGreaterThanOrEqual(1);
  });

  it('returns null for --help, whatever else is there', () => {
    expect(parseScoreOptions(['--help'])).toBeNull();
    expect(parseScoreOptions(['-h', '--benchmark', 'nope'])).toBeNull();
  });

  it('requires a known benchmark', () => {
    expect(usageError(['samples.jsonl'])).toMatch(/--benchmark is required/);
    expect(usageError(['--benchmark', 'apps', 'samples.jsonl'])).toMatch(/humaneval or mbpp, not "apps"/);
  });

  it('requires exactly one samples file', () => {
    expect(usageError(['--benchmark', 'mbpp'])).toMatch(/Name the samples file/);
    expect(usageError(['--benchmark', 'mbpp', 'a.jsonl', 'b.jsonl'])).toMatch(/one samples file at a time/);
  });

  it('says why a piped "-" cannot be scored: the results are written beside the file', () => {
    expect(usageError(['-b', 'humaneval', '-'])).toBe(
      'Name the samples file: it is read from a file, not from standard input ("-"), because the results are written beside it as FILE_results.jsonl.',
    );
  });

  it('rejects timeouts and worker counts that are not positive numbers', () => {
    expect(usageError(['-b', 'mbpp', '--timeout', '0', 'x'])).toMatch(/--timeout must be a positive number, not "0"/);
    expect(usageError(['-b', 'mbpp', '--timeout', 'soon', 'x'])).toMatch(/--timeout/);
    // A "no limit" this large overflowed the sandbox's timers and timed every sample out at once.
    expect(usageError(['-b', 'mbpp', '--timeout', '99999999', 'x'])).toMatch(/--timeout must be at most 86400 seconds/);
    expect(parseScoreOptions(['-b', 'mbpp', '--timeout', '86400', 'x'])?.timeoutS).toBe(86_400);
    expect(usageError(['-b', 'mbpp', '--workers', '1.5', 'x'])).toMatch(/--workers must be a positive whole number/);
    expect(usageError(['-b', 'mbpp', '--workers', '-2', 'x'])).toMatch(/--workers/);
  });

  it('rejects an unknown mode and unknown flags', () => {
    expect(usageError(['-b', 'mbpp', '--mode', 'fast', 'x'])).toMatch(/--mode must be standard or study/);
    expect(usageError(['-b', 'mbpp', '--k', '1,10', 'x'])).toMatch(/--k/);
  });
});
