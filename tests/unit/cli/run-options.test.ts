import { describe, expect, it } from 'vitest';
import { parseRunOptions, RUN_USAGE, runResumeCommandLine } from '../../../cli/run/run-options.ts';
import { defaultWorkers } from '../../../cli/worker-count.ts';
import { UsageError } from '../../../cli/usage-error.ts';

const usageError = (argv: string[]) => {
  try {
    parseRunOptions(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
};

describe('feedback-lab run options', () => {
  it('reads the documented command line', () => {
    const options = parseRunOptions([
      '--study',
      'study.json',
      '--endpoint',
      'http://localhost:11434/v1',
      '--model',
      'llama3.2:3b-instruct-q4_K_M',
      '--api-key-env',
      'OPENAI_API_KEY',
      '--workers',
      '3',
      '--out',
      'results.json.gz',
      '--datasets',
      '/data',
    ]);
    expect(options).toEqual({
      study: 'study.json',
      resume: null,
      prompts: null,
      endpoint: 'http://localhost:11434/v1',
      model: 'llama3.2:3b-instruct-q4_K_M',
      modelMap: {},
      apiKeyEnv: 'OPENAI_API_KEY',
      workers: 3,
      requests: 1,
      // Enough problems in flight to keep every worker and the one request slot busy.
      concurrency: 4,
      // As long as the app waits for a first token.
      firstTokenTimeoutMs: 120_000,
      out: 'results.json.gz',
      datasetsDir: '/data',
    });
  });

  it('maps model keys one by one with --map KEY=NAME (keys hold colons, names may too)', () => {
    const options = parseRunOptions(['--study', 's.json', '--map', 'llama3.2:3b=llama3.2:3b-instruct-q4_K_M', '--map', 'qwen2.5:1.5b=qwen2.5:1.5b']);
    expect(options?.modelMap).toEqual({ 'llama3.2:3b': 'llama3.2:3b-instruct-q4_K_M', 'qwen2.5:1.5b': 'qwen2.5:1.5b' });
  });

  it('takes --resume instead of --study, and explicit requests and concurrency', () => {
    expect(parseRunOptions(['--resume', 'partial.json', '--requests', '4', '--concurrency', '9', '--workers', '2'])).toMatchObject({
      study: null,
      resume: 'partial.json',
      requests: 4,
      concurrency: 9,
    });
  });

  it('prints a command to go on with that keeps what only the command line held: the key, the datasets and the pace', () => {
    const cwd = '/elsewhere';
    const plain = parseRunOptions(['--study', 'study.json', '--endpoint', 'http://localhost:11434/v1'])!;
    expect(runResumeCommandLine(plain, 'run.json', cwd)).toMatch(/ run --resume run\.json$/);
    const given = parseRunOptions([
      '--study', 'study.json', '--api-key-env', 'OPENAI_API_KEY', '--workers', String(defaultWorkers() + 1), '--requests', '8',
      '--concurrency', '3', '--first-token-timeout', '300', '--datasets', 'my data', '--out', 'run.json.gz',
    ])!;
    expect(runResumeCommandLine(given, 'run.json.gz', cwd)).toMatch(
      new RegExp(String.raw` run --resume run\.json\.gz --api-key-env OPENAI_API_KEY --workers ${defaultWorkers() + 1} --requests 8 --concurrency 3 --first-token-timeout 300 --datasets 'my data'$`),
    );
    // A key is sent only to an endpoint the command line names: the endpoint goes with it (audit R215-1).
    const keyed = parseRunOptions(['--study', 'study.json', '--endpoint', 'https://api.example.com/v1', '--api-key-env', 'OPENAI_API_KEY'])!;
    expect(runResumeCommandLine(keyed, 'run.json', cwd, 'https://api.example.com/v1')).toMatch(
      / run --resume run\.json --endpoint https:\/\/api\.example\.com\/v1 --api-key-env OPENAI_API_KEY$/,
    );
    expect(runResumeCommandLine(plain, 'run.json', cwd, 'http://localhost:11434/v1')).toMatch(/ run --resume run\.json$/);
    // Concurrency left to follow workers and requests is left out: the resumed run works it out again.
    const paced = parseRunOptions(['--resume', 'run.json', '--requests', '4'])!;
    expect(runResumeCommandLine(paced, 'run.json', cwd)).toMatch(/ run --resume run\.json --requests 4$/);
  });

  it('takes a prompt set for a new study, and refuses one for a resumed study, which keeps the texts it started with', () => {
    expect(parseRunOptions(['--study', 's.json', '--prompts', 'study-prompts.json'])?.prompts).toBe('study-prompts.json');
    expect(usageError(['--resume', 'partial.json', '--prompts', 'p.json'])).toBe(
      '--prompts is for a new study: a resumed study goes on with the prompt texts it started with (leave out --prompts).',
    );
    expect(usageError(['--study', 's.json', '--prompts', ''])).toMatch(/--prompts needs a value/);
  });

  it('gives a slow server longer to start a reply with --first-token-timeout S, in seconds, fractions too', () => {
    expect(parseRunOptions(['--study', 's.json', '--first-token-timeout', '600'])?.firstTokenTimeoutMs).toBe(600_000);
    expect(parseRunOptions(['--study', 's.json', '--first-token-timeout', '0.5'])?.firstTokenTimeoutMs).toBe(500);
    expect(usageError(['--study', 's.json', '--first-token-timeout', '0'])).toBe('--first-token-timeout must be a positive number of seconds, not "0".');
    expect(usageError(['--study', 's.json', '--first-token-timeout', '2m'])).toBe('--first-token-timeout must be a positive number of seconds, not "2m".');
    expect(usageError(['--study', 's.json', '--first-token-timeout', '100000'])).toMatch(/at most 86400 seconds/);
  });

  it('says in --help that a reply not started within --first-token-timeout is tried again, not that its unit errors at once', () => {
    const option = RUN_USAGE.slice(RUN_USAGE.indexOf('--first-token-timeout S'), RUN_USAGE.indexOf('--out FILE')).replace(/\s+/g, ' ');
    expect(option).toContain('before it is dropped and the unit tried again (3 attempts, then the unit errors; default 120');
  });

  it('returns null for --help', () => {
    expect(parseRunOptions(['--help'])).toBeNull();
    expect(parseRunOptions(['-h', '--study', 'x'])).toBeNull();
  });

  it('explains each mistake in one sentence', () => {
    expect(usageError([])).toMatch(/--study FILE_OR_URL/);
    expect(usageError(['--study', 'a.json', '--resume', 'b.json'])).toMatch(/either --study .* or --resume/);
    expect(usageError(['--study', 'a.json', '--model', 'm', '--map', 'k=n'])).toMatch(/one or the other/);
    expect(usageError(['--study', 'a.json', '--map', 'llama3.2:3b'])).toMatch(/--map takes KEY=NAME/);
    expect(usageError(['--study', 'a.json', '--map', 'k=a', '--map', 'k=b'])).toMatch(/names the model key "k" twice/);
    expect(usageError(['--study', 'a.json', '--workers', '0'])).toMatch(/--workers must be a positive whole number, not "0"/);
    expect(usageError(['--study', 'a.json', '--requests', '1.5'])).toMatch(/--requests must be a positive whole number/);
    expect(usageError(['--study', 'a.json', '--api-key-env', 'sk-123'])).toMatch(/name of an environment variable/);
    expect(usageError(['--study', 'a.json', '--endpoint', ' '])).toMatch(/--endpoint needs a value/);
    expect(usageError(['--study', 'a.json', 'extra'])).toMatch(/Unexpected argument 'extra'|positional/i);
    expect(usageError(['--study', 'a.json', '--temperature', '0'])).toMatch(/Unknown option '--temperature'/);
  });
});
