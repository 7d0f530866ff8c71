/**
 * `feedback-lab run`: what the command line may say, and its meaning as plain options.
 */
import { UsageError, parseCommandLine } from '../usage-error.ts';
import { commandName } from '../command-name.ts';
import { wholeNumberArgument } from '../number-argument.ts';
import { shellWord } from '../shell-word.ts';
import { checkWorkers, defaultWorkers, workersHelp } from '../worker-count.ts';

export interface RunOptions {
  /** A study file (draft, config or result file) or a study link; null when resuming. */
  study: string | null;
  /** A result file whose study is continued; null for a new study. */
  resume: string | null;
  /** A prompt set file whose texts a new study (from a link or a draft) sends; null for the built-in texts. */
  prompts: string | null;
  /** The OpenAI-compatible endpoint; null takes the one the study names. */
  endpoint: string | null;
  /** One endpoint model name for every model key of the study. */
  model: string | null;
  /** Model key → endpoint model name, from `--map KEY=NAME`. */
  modelMap: Record<string, string>;
  /** Environment variable holding the API key; null sends none. */
  apiKeyEnv: string | null;
  workers: number;
  /** Problems in flight at once. */
  concurrency: number;
  /** Chat requests the endpoint is sent at once. */
  requests: number;
  /** Longest wait for a reply's first text, in ms (a cold server loads the model first). */
  firstTokenTimeoutMs: number;
  /** Result file to write; null picks a name (or the resumed file). */
  out: string | null;
  datasetsDir: string | null;
}

export const RUN_USAGE = `Usage: feedback-lab run --study FILE_OR_URL [--endpoint URL] [--prompts FILE] [options]
       feedback-lab run --resume RESULTS.json[.gz] [options]

Runs a study (arms × repeats × problems) headless against an OpenAI-compatible endpoint
(Ollama, llama-server, LM Studio, vLLM…), with Python in Pyodide workers. Prints progress
on stderr, one line per arm "ARM: N/M passed" on stdout at the end, and writes the same
result file the app exports (open it in the app, merge it, analyse it).

The study (--study) is one of:
  - a study link, as the app's Copy study link gives it:
    https://…/#/study?study=2&b=humaneval&…&end=N (older ?study=1&… links still work)
  - a result file (.json or .json.gz): its study is run again (same problems, arms,
    repeats, mode, limits and prompt texts) as a new study
  - a study config (the "config" object of a result file): run again as a new study
  - a study draft, a JSON file such as
      { "name": "solo vs self-refine", "benchmark": "humaneval",
        "selection": { "kind": "first", "n": 20 }, "repeats": 5, "mode": "study",
        "arms": ["llama-solo", "llama-self-refine",
                 { "preset": "llama-self-refine", "forcedIterations": true }] }
    An arm is a preset id, {"preset", "forcedIterations"?, "id"?, "label"?}, or a whole
    {"id", "label", "pipeline", "forcedIterations"}. Optional: "models" (model key →
    endpoint model name), "limits", "sampling", "seeds". "selection" defaults to all
    problems, "repeats" to 1, "mode" to study.

Every model key of the study (e.g. llama3.2:3b) is bound to the endpoint. The endpoint's
model name for a key is, first found: --model, --map, the study's own name for it (a
link's m=key~name, a draft's "models", an earlier endpoint binding), else the key itself,
which is the Ollama tag for the study's models.

Options:
      --study FILE_OR_URL   the study to run (see above)
      --resume FILE         continue the study in a result file written by an earlier
                            run (stopped with Ctrl+C, or with errored units): finished
                            units are kept, unfinished ones continue from their last
                            recorded step, errored ones run again; same endpoint and
                            model names as before. Writes back to FILE unless --out.
      --prompts FILE        a prompt set (JSON, format "feedback-lab/prompt-set"): its
                            texts replace the built-in role prompts of the same ids, and
                            the result file records them. For a study link or a draft; a
                            result file or a config already holds the texts it sent
      --endpoint URL        the API root, e.g. http://localhost:11434/v1 (default: the
                            endpoint the study names, if it names one)
      --model NAME          the endpoint's model name for every model key (default: as
                            above, the study's own name for each key, else the key)
      --map KEY=NAME        the endpoint's model name for one key (repeatable), e.g.
                            --map llama3.2:3b=llama3.2:3b-instruct-q4_K_M
      --api-key-env VAR     send the API key held in environment variable VAR (default:
                            no key, as local servers such as Ollama need none); only to
                            an endpoint given with --endpoint, never to one a study link
                            or file names (with --resume too: repeat --endpoint)
      --workers N           Python interpreters (default: ${defaultWorkers()}); ${workersHelp()}:
                            each holds ~200 MB and a core, so no more than twice the
                            cores nor than half the memory is allowed
      --requests N          chat requests sent to the endpoint at once (default 1, like
                            one GPU; raise it for servers that batch, such as vLLM)
      --concurrency N       problems in flight at once (default: workers + requests), so
                            Python runs while the model generates
      --first-token-timeout S
                            seconds a request may wait for the model's first text before
                            it is dropped and the unit tried again (3 attempts, then the
                            unit errors; default 120, as the app waits: a cold server
                            loads the model first); raise it for a slow server, e.g. a
                            CPU reading a long prompt
      --out FILE            result file to write, gzip when it ends in .gz (default:
                            feedback-lab-<study name>-<tag>-<date>.json, or -2, -3…
                            before .json when that file is there); never a file that is
                            there already (continue a result file with --resume FILE).
                            It is rewritten every 30 s while the study runs (less often
                            once a rewrite takes over 3.3 s), so a crash loses little
      --datasets DIR        where HumanEval.jsonl.gz / sanitized-mbpp.json are (default:
                            env DATASETS_DIR, else ./public/datasets, else ../shared/datasets)
  -h, --help                show this help

Examples:
  feedback-lab run --study study.json --endpoint http://localhost:11434/v1
  feedback-lab run --study 'https://…/#/study?study=2&b=humaneval&…&end=N' --model qwen2.5-coder:7b --out run.json.gz
  OPENAI_API_KEY=… feedback-lab run --study study.json --endpoint https://api.example.com/v1 \\
      --api-key-env OPENAI_API_KEY --requests 8
  feedback-lab run --resume run.json.gz

Ctrl+C stops the study and writes what is done (unfinished units included); a second
Ctrl+C quits at once, leaving the file as last written whole (every 30 s or so), never
half a file. Before the study starts (datasets, the endpoint's model list) Ctrl+C
quits at once and writes nothing. A request the server has not started answering within
--first-token-timeout is tried again (3 attempts per unit), with a note saying so, even
when the problem's time cap ran out meanwhile; one refused for rate limits (429) is tried
again after the wait the server asks for (up to 5 min; a longer one errors the unit), or
else after 30 s, then 60 s.

Exit codes: 0 done, 1 bad input (study file, datasets, endpoint, model names) or the run
failed, 2 bad command line, 3 unfinished: some units errored or the endpoint kept failing
(the result file holds them; --resume runs them again once the cause is fixed), 130 stopped
by Ctrl+C, 143 by SIGTERM, 129 by SIGHUP, the terminal closed (the result file holds
everything done so far; continue with --resume).`;

/** Parsed options, or null when help was asked for. Throws UsageError for anything else wrong. */
export function parseRunOptions(argv: readonly string[]): RunOptions | null {
  const parsed = parseCommandLine(
    argv,
    {
      study: { type: 'string' },
      resume: { type: 'string' },
      prompts: { type: 'string' },
      endpoint: { type: 'string' },
      model: { type: 'string' },
      map: { type: 'string', multiple: true },
      'api-key-env': { type: 'string' },
      workers: { type: 'string' },
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      'first-token-timeout': { type: 'string' },
      out: { type: 'string' },
      datasets: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  const { values } = parsed;
  if (values.help) return null;

  const study = nonEmpty('--study', values.study);
  const resume = nonEmpty('--resume', values.resume);
  if (study === null && resume === null) throw new UsageError('Name the study to run with --study FILE_OR_URL (or continue one with --resume FILE).');
  if (study !== null && resume !== null) {
    throw new UsageError('Give either --study (a new study) or --resume (continue an earlier one), not both.');
  }
  const prompts = nonEmpty('--prompts', values.prompts);
  if (prompts !== null && resume !== null) {
    throw new UsageError('--prompts is for a new study: a resumed study goes on with the prompt texts it started with (leave out --prompts).');
  }
  const model = nonEmpty('--model', values.model);
  const modelMap = readModelMap(values.map ?? []);
  if (model !== null && Object.keys(modelMap).length > 0) {
    throw new UsageError('--model names one model for every key; --map names one per key. Give one or the other.');
  }
  const apiKeyEnv = nonEmpty('--api-key-env', values['api-key-env']);
  if (apiKeyEnv !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    throw new UsageError(`--api-key-env takes the name of an environment variable (e.g. OPENAI_API_KEY), not "${apiKeyEnv}".`);
  }
  const workers = values.workers === undefined ? defaultWorkers() : checkWorkers(values.workers);
  const requests = values.requests === undefined ? 1 : wholeNumberArgument('--requests', values.requests, 1);
  const concurrency = values.concurrency === undefined ? workers + requests : wholeNumberArgument('--concurrency', values.concurrency, 1);
  const firstTokenTimeoutMs =
    values['first-token-timeout'] === undefined ? DEFAULT_FIRST_TOKEN_TIMEOUT_S * 1000 : secondsOption('--first-token-timeout', values['first-token-timeout']) * 1000;
  return {
    study,
    resume,
    prompts,
    endpoint: nonEmpty('--endpoint', values.endpoint),
    model,
    modelMap,
    apiKeyEnv,
    workers,
    concurrency,
    requests,
    firstTokenTimeoutMs,
    out: nonEmpty('--out', values.out),
    datasetsDir: nonEmpty('--datasets', values.datasets),
  };
}

function nonEmpty(flag: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (value.trim() === '') throw new UsageError(`${flag} needs a value.`);
  return value.trim();
}

function readModelMap(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    // Model keys hold colons (llama3.2:3b) but never "=", so the first "=" separates.
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim();
    const name = entry.slice(at + 1).trim();
    if (at <= 0 || key === '' || name === '') {
      throw new UsageError(`--map takes KEY=NAME, e.g. --map llama3.2:3b=llama3.2:3b-instruct-q4_K_M, not "${entry}".`);
    }
    if (key in map) throw new UsageError(`--map names the model key "${key}" twice.`);
    map[key] = name;
  }
  return map;
}

/**
 * The command that continues this run from `file`, as printed after Ctrl+C or a failure. The
 * endpoint, the model names and the study come from the file; what only the command line held
 * goes with it: the key's variable (without it the server refuses every request), the datasets'
 * folder, and the pace of the run when it is not the default (workers, requests at once, problems
 * in flight, the first-token wait), so a resumed vLLM run does not drop to one request at a time.
 * With a key goes the endpoint it is for: a key is sent only to an endpoint the command line names
 * (run-command.ts, audit R215-1).
 */
export function runResumeCommandLine(options: RunOptions, file: string, cwd: string, endpoint?: string): string {
  const words = [commandName(cwd), 'run', '--resume', shellWord(file)];
  if (options.apiKeyEnv !== null) {
    if (endpoint !== undefined) words.push('--endpoint', shellWord(endpoint));
    words.push('--api-key-env', options.apiKeyEnv);
  }
  if (options.workers !== defaultWorkers()) words.push('--workers', String(options.workers));
  if (options.requests !== 1) words.push('--requests', String(options.requests));
  if (options.concurrency !== options.workers + options.requests) words.push('--concurrency', String(options.concurrency));
  if (options.firstTokenTimeoutMs !== DEFAULT_FIRST_TOKEN_TIMEOUT_S * 1000) words.push('--first-token-timeout', String(options.firstTokenTimeoutMs / 1000));
  if (options.datasetsDir !== null) words.push('--datasets', shellWord(options.datasetsDir));
  return words.join(' ');
}

/** The app's wait for a first token (src/llm/openai-compatible.ts), unless --first-token-timeout says otherwise. */
export const DEFAULT_FIRST_TOKEN_TIMEOUT_S = 120;
/** A day: timers cannot wait much past 24 days, and a longer wait is a stuck server anyway. */
const MAX_WAIT_S = 86_400;

function secondsOption(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a positive number of seconds, not "${text}".`);
  if (value > MAX_WAIT_S) throw new UsageError(`${flag} must be at most ${MAX_WAIT_S} seconds (a day), not "${text}".`);
  return value;
}

