/**
 * `feedback-lab run`: a study (arms × repeats × problems) headless against an OpenAI-compatible
 * endpoint, through the same runner, interpreter and result file as the app. Everything that can
 * be checked before Python starts is (study file, datasets, endpoint, model names), so a mistake
 * costs a second, not a Pyodide start.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import { cutRepliesByArm, cutReplyNotes } from '../../src/core/analysis/cut-replies.ts';
import { timeCapNotes, timeCappedByArm } from '../../src/core/analysis/time-capped.ts';
import type { LanguageModel, StoredStudy } from '../../src/core/ports.ts';
import { resultFileName } from '../../src/core/results/result-file-export.ts';
import type { ResultEnvironment, ResultFile } from '../../src/core/results/result-file.ts';
import type { StudyConfig } from '../../src/core/study/config.ts';
import { continuedAfterUpdateNote } from '../../src/core/study/continued-after-update.ts';
import { MemoryStudyStore } from '../../src/core/study/memory-store.ts';
import { runStudy, type StudyEnd } from '../../src/core/study/runner.ts';
import { armLine, summarizeArms } from '../../src/core/study/summary.ts';
import { createOpenAICompatibleModel } from '../../src/llm/openai-compatible.ts';
import { OllamaLoader } from '../../src/llm/ollama-load.ts';
import { ServedModelLog } from '../../src/llm/served-model.ts';
import { servedModelSentence } from '../../src/core/results/served-model-text.ts';
import type { PooledSandbox } from '../../src/sandbox/pool.ts';
import { createNodeSandbox } from '../../src/sandbox/node-sandbox.ts';
import { startAwakeClock } from '../../src/core/awake-clock.ts';
import { listenToModels, watchModelSilence } from '../../src/core/study/model-silence.ts';
import { datasetSearchDirs, loadDiskDataset } from '../datasets-dir.ts';
import type { Command, CommandIo } from '../main.ts';
import { canonicalPath, refuseFolderName, refuseOutputOverInput, writeFailure } from '../output-file.ts';
import { describeImport } from '../result-files.ts';
import { createStatusLine } from '../status-line.ts';
import { EXIT, exitAfterSignal, ignoreLostTerminal, InputError, STOPPING_SIGNALS, UsageError } from '../usage-error.ts';
import { shellWord } from '../shell-word.ts';
import { refuseExistingOutput } from './existing-output.ts';
import { bindModels, checkEndpoint, chooseEndpoint, keyAdvice, modelKeys } from './bind-models.ts';
import { nodeEnvironment } from './node-environment.ts';
import { newStudyConfig, newStudyId, resumedStudyConfig } from './prepare-study.ts';
import { promptSetNote, readPromptSetArgument } from './prompt-set-argument.ts';
import { createResultWriter } from './result-writer.ts';
import { claimOutput, releaseOutputs } from './output-lock.ts';
import { storeFromResultFile } from './resume-store.ts';
import { parseRunOptions, RUN_USAGE, runResumeCommandLine, type RunOptions } from './run-options.ts';
import { NODE_FETCH_HEADERS_TIMEOUT_MS, setFetchTimeouts } from '../fetch-timeouts.ts';
import { createStudyProgressView, formatDuration } from './run-progress.ts';
import { firstTokenHint, isFirstTokenTimeout, unitRetryNote } from './unit-retry-note.ts';
import { readResumeFile, readStudyArgument } from './study-source.ts';

const CHECKPOINT_INTERVAL_MS = 30_000;
/** Errored units listed one by one; past this they are only counted. */
const MAX_LISTED_ERRORED = 10;
/** Retries of a unit listed one by one (each says why and when); past this they go on silently. */
const MAX_LISTED_RETRIES = 10;

/** Thrown to skip Python when Ctrl+C came while the result file was first written. */
class StoppedBeforePython extends Error {}

interface PreparedStudy {
  config: StudyConfig;
  store: MemoryStudyStore;
  /** The API root every model key is bound to. */
  endpoint: string;
  earlierEnvironments: ResultEnvironment[];
  resuming: boolean;
  /** The benchmark's problems, from the verified dataset file. */
  problems: Problem[];
  /** What --prompts changes for the study's arms, when given. */
  promptNote: string | null;
  /** The study's origin as the user named it (a file, a link), for messages. */
  origin: string;
}

export const runCommand: Command = {
  usage: RUN_USAGE,
  async run(argv: readonly string[], io: CommandIo): Promise<number> {
    const options = parseRunOptions(argv);
    if (options === null) {
      io.stdout.write(`${RUN_USAGE}\n`);
      return EXIT.ok;
    }
    if (!(await setFetchTimeouts()) && options.firstTokenTimeoutMs >= NODE_FETCH_HEADERS_TIMEOUT_MS) {
      io.stderr.write(
        `Note: this Node.js gives up on a reply whose first bytes take ${NODE_FETCH_HEADERS_TIMEOUT_MS / 1000} s, so --first-token-timeout ${options.firstTokenTimeoutMs / 1000} acts as ${NODE_FETCH_HEADERS_TIMEOUT_MS / 1000}.\n`,
      );
    }
    // A result file given as --study is run again as a new study: its own file must survive that.
    if (options.out !== null) {
      refuseFolderName('--out', options.out, 'results.json');
      refuseOutputOverInput('--out', options.out, [options.study, options.prompts].filter((p) => p !== null), io.cwd);
    }
    // Until the result file is first written nothing is, so Ctrl+C (or SIGTERM) while the datasets
    // load or a slow endpoint lists its models can end the command at once; Node's default would
    // end it without a word.
    const onSignalBeforeStart = (signal: NodeJS.Signals) => {
      ignoreLostTerminal(signal);
      const kept = options.resume !== null ? ` (${options.resume} is as it was)` : '';
      io.stderr.write(`\nInterrupted before the study started: nothing was written${kept}.\n`);
      process.exit(exitAfterSignal(signal));
    };
    // SIGHUP too: a long study is often run over SSH, and a dropped connection must keep the
    // units done since the last checkpoint as Ctrl+C does, not end the process where it stands.
    for (const signal of STOPPING_SIGNALS) process.once(signal, onSignalBeforeStart);
    const unwatch = () => {
      for (const signal of STOPPING_SIGNALS) process.off(signal, onSignalBeforeStart);
    };
    try {
      return await runPrepared(options, io, unwatch);
    } finally {
      unwatch();
      releaseOutputs();
    }
  },
};

/**
 * The command once its options are read. `writingStarts` is called before the result file is
 * first written, when Ctrl+C starts to mean "finish the file with what is done" instead of "quit".
 */
async function runPrepared(options: RunOptions, io: CommandIo, writingStarts: () => void): Promise<number> {
  const apiKey = readApiKey(options, io.env);
  const named = options.out ?? options.resume;
  // Taken before the file to resume is read: taken after (past the endpoint's check, up to 15 s),
  // a second --resume that read the file while the first run went on got the lock once that run
  // ended, wrote its older copy over the finished file and ran the units since again.
  if (named !== null) claimOutput(resolve(io.cwd, named));
  const prepared = await prepareStudy(options, io);
  const { config, store } = prepared;
  // A study link or a result file is anyone's to write: the server it names gets no key the user
  // did not send there by name. Taken from the file, a key went to whatever it named, starting
  // with the model list (audit R215-1).
  // The endpoint came from the study link or file when --endpoint did not name it.
  if (apiKey !== undefined && options.endpoint === null) {
    throw new UsageError(
      `${prepared.origin} names the endpoint ${prepared.endpoint}, and a key from --api-key-env is sent only to an endpoint named on the command line: ` +
        `if that server is yours, add --endpoint ${shellWord(prepared.endpoint)}.`,
    );
  }
  if (options.out !== null) {
    const out = options.out;
    await refuseExistingOutput(out, io.cwd, { config, resume: options.resume }, () => readWithStatus(out, io));
  }
  // `--resume FILE --out FILE` writes back to FILE as much as `--resume FILE` alone does.
  const writesBack = options.out === null || (options.resume !== null && canonicalPath(resolve(io.cwd, options.out)) === canonicalPath(resolve(io.cwd, options.resume)));
  if (prepared.resuming && writesBack && (await nothingLeftToRun(store, config))) {
    // Nothing to continue: neither the endpoint nor Python is needed, and the file stays as it is
    // (a rewrite would add an environment for a run that ran nothing).
    const stored = await store.loadStudy(config.id);
    for (const line of summarizeArms(config, stored?.finished ?? []).map(armLine)) io.stdout.write(`${line}\n`);
    for (const note of [...cutReplyLines(config, stored), ...timeCapLines(config, stored)]) io.stderr.write(`${note}\n`);
    io.stderr.write(`Nothing left to run: every unit of ${options.resume} is finished. The file is unchanged.\n`);
    return EXIT.ok;
  }
  const endpointNote = await checkEndpoint(prepared.endpoint, apiKey, config.models, options.apiKeyEnv);
  // checkEndpoint returns only once the server has answered (its model list, or a 404 for one):
  // a chat request that then reaches nothing is the server having stopped (crashed loading the
  // model, say), not a wrong address, and every model of the run is told so.
  const endpointAnswered = { value: true };

  const outPath = named !== null ? resolve(io.cwd, named) : unusedPath(resolve(io.cwd, resultFileName(config, { gzip: false })));
  let pyodideVersion: string | null = null;
  // What the endpoint says it ran each model with (Ollama's context): recorded with this run's environment.
  const servedModels = new ServedModelLog();
  // An Ollama loads (or swaps in) a model before the call, not inside the problem's time cap (ollama-load.ts).
  const ollama = new OllamaLoader();
  // An environment is recorded as its run started, as the app records it (docs/results-format.md):
  // the write's own time made a command-line shard's recordedAt mean its end instead.
  const runStarted = new Date();
  const writer = createResultWriter({
    path: outPath,
    store,
    studyId: config.id,
    environment: () => {
      const reports = servedModels.reports();
      return { ...nodeEnvironment(pyodideVersion, runStarted), ...(reports.length > 0 ? { servedModels: reports } : {}) };
    },
    earlierEnvironments: prepared.earlierEnvironments,
  });
  const view = createStudyProgressView(io.stderr);
  const stop = new AbortController();
  let stopReason: 'interrupted' | 'endpoint-failing' | null = null;
  let stoppedBy: NodeJS.Signals | null = null;
  /** Whether the file on disk is this run's (written at least once), for what a quit leaves. */
  let fileWritten = false;
  let studyEnded = false;
  // From the first write to the last, Ctrl+C means "finish the file with what is done" and a
  // second one "quit now", through process.exit, which removes the temporary file: with no
  // handler during the first and the last write, Node's default ended the process there and
  // left the temporary beside the result file.
  const onSignal = (signal: NodeJS.Signals) => {
    ignoreLostTerminal(signal);
    if (stoppedBy !== null) {
      const kept = fileWritten ? `${outPath} holds the study as last written` : prepared.resuming ? `${outPath} is as it was` : 'nothing was written';
      io.stderr.write(`\nQuitting without finishing the result file: ${kept}.\n`);
      process.exit(exitAfterSignal(signal));
    }
    stoppedBy = signal;
    if (studyEnded) {
      // Every unit is settled: the write under way is the last, and stopping it would lose them.
      io.stderr.write('\nFinishing the result file (Ctrl+C again to quit at once)…\n');
      return;
    }
    stopReason ??= 'interrupted';
    view.note('Stopping: finishing the file with what is done (Ctrl+C again to quit at once)…');
    stop.abort();
  };
  const stopListening = () => {
    for (const signal of STOPPING_SIGNALS) process.off(signal, onSignal);
  };
  // A default name is known only now (a named file's lock is already held).
  claimOutput(outPath);
  writingStarts();
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  // Written once before Python starts: a path that cannot be written fails now, not after the study.
  await store.putStudy(config);
  try {
    await writer.write();
    fileWritten = true;
  } catch (error) {
    stopListening();
    throw new InputError(`Cannot write the result file ${outPath}: ${writeFailure(error, outPath)}.`);
  }

  const units = config.arms.length * config.repeats * config.problemIds.length;
  const names = [...new Set(Object.values(config.models).map((b) => b.id))].join(', ');
  view.note(
    `${prepared.resuming ? 'Resuming' : 'Running'} "${config.name}": ${config.arms.length} arm(s) × ${config.repeats} repeat(s) × ${config.problemIds.length} problems = ${units} units, ` +
      `${config.benchmark}, ${config.mode} mode, on ${prepared.endpoint} (${names}).`,
  );
  if (endpointNote) view.note(endpointNote);
  if (prepared.promptNote) view.note(prepared.promptNote);
  view.note(`Writing ${outPath}. Starting ${options.workers} Python worker(s)…`);

  let sandbox: PooledSandbox | null = null;
  let end: StudyEnd | null = null;
  let failure: unknown = null;
  const errored: string[] = [];
  /** Each error message with the first unit that got it: the explanation is printed once, not per unit. */
  const firstErroredWith = new Map<string, string>();
  /** Units carried on from recorded steps an earlier version wrote otherwise (a --resume after an update). */
  const continuedAfterUpdate = new Set<string>();
  let erroredInARow = 0;
  let retries = 0;
  const retriedWith = new Set<string>();
  const stopAfterErrored = Math.max(5, options.concurrency);
  /**
   * The status of a key refusal mid-run (a key revoked, a quota's 403) since the last unit that
   * got its replies, for the closing advice: one refused before the endpoint came back says
   * nothing of why it fails later.
   */
  let keyRefused: 401 | 403 | null = null;
  let writesAtCheckpoint = -1;
  const storeChanged = () => {
    const changed = store.writes !== writesAtCheckpoint;
    writesAtCheckpoint = store.writes;
    return changed;
  };
  const stopCheckpoints = writer.startCheckpoints(
    CHECKPOINT_INTERVAL_MS,
    storeChanged,
    (error) => view.note(`Could not update ${outPath}: ${writeFailure(error, outPath)}.`),
  );
  const started = performance.now();
  const awake = startAwakeClock();
  let silenceTimer: ReturnType<typeof setInterval> | null = null;
  try {
    // Ctrl+C during the first write: the file holds the study as it stands, and Python is not needed.
    if (stop.signal.aborted) throw new StoppedBeforePython();
    sandbox = await createNodeSandbox({ workers: options.workers });
    pyodideVersion = sandbox.stats().lastWorker?.pyodideVersion ?? null;
    const models = new Map<string, LanguageModel>();
    const modelFor = (key: string): LanguageModel => {
      const binding = config.models[key];
      if (!binding) throw new Error(`The study binds no model to the key "${key}".`);
      let model = models.get(key);
      if (!model) {
        const endpointModel = createOpenAICompatibleModel({
          baseUrl: prepared.endpoint,
          model: binding.id,
          firstTokenTimeoutMs: options.firstTokenTimeoutMs,
          answered: endpointAnswered,
          // The model list took the key; a refusal later gets the same command-line advice, not the app's.
          keyAdvice: (status) => {
            keyRefused = status;
            return keyAdvice(status, options.apiKeyEnv);
          },
          ...(apiKey ? { apiKey } : {}),
        });
        const watched = servedModels.watch(endpointModel, prepared.endpoint, binding.id, apiKey);
        model = ollama.wrap(watched, prepared.endpoint, binding.id, apiKey);
        models.set(key, model);
      }
      return model;
    };
    // From the first request on: an ETA made as units end says nothing while a model holds a reply.
    const silence = watchModelSilence(awake.now);
    // Counted only while a call (or a load) is at a model: code running past the threshold, with
    // every reply in, is nobody's silence (audit R191-2).
    const listened = listenToModels(() => silence.heard());
    silenceTimer = setInterval(() => {
      if (!listened.inHand()) silence.heard();
      view.silence(silence.silentSeconds());
    }, 1_000);
    silenceTimer.unref?.();
    end = await runStudy(
      config,
      prepared.problems,
      // Time the process was stopped (Ctrl+Z) or the machine asleep is left out of each problem's cap and the ETA.
      { model: (key) => listened.listen(modelFor(key)), sandbox, store, now: awake.now, suspendedMs: awake.suspendedMs },
      {
        concurrency: options.concurrency,
        engineCapacity: () => options.requests,
        signal: stop.signal,
        // Units that errored in an earlier run (the endpoint was down) are what a resume is for.
        retryErrored: prepared.resuming,
        onProgress: (progress) => view.update(progress),
        // A reply stored or a token: a model answers. An execution is no word from one.
        onStep: (_unit, step) => {
          if (step.kind !== 'execute') silence.heard();
        },
        onToken: () => silence.heard(),
        // A thinking model streams its reasoning apart from the reply, for minutes at times.
        onReasoning: () => silence.heard(),
        onReplayDiverged: (unit) => continuedAfterUpdate.add(unit.id),
        // A server that is slow or gone otherwise shows a progress line that stops for minutes.
        onRetry: (unit, retry) => {
          retries++;
          if (retries > MAX_LISTED_RETRIES) return;
          const message = retry.error instanceof Error ? retry.error.message : String(retry.error);
          const seen = retriedWith.has(message);
          retriedWith.add(message);
          const last = retries === MAX_LISTED_RETRIES ? ' (Further retries are not listed.)' : '';
          view.note(`${unitRetryNote(unit.id, retry, seen ? null : message, options.firstTokenTimeoutMs)}${last}`);
        },
        onUnitFinished: (unit, record) => {
          if (record.result.status !== 'errored') {
            erroredInARow = 0;
            keyRefused = null;
            return;
          }
          errored.push(unit.id);
          erroredInARow++;
          const { message } = record.result;
          const first = firstErroredWith.get(message);
          if (first === undefined) firstErroredWith.set(message, unit.id);
          if (errored.length <= MAX_LISTED_ERRORED) view.note(`${unit.id} errored: ${first === undefined ? message : `the same error as ${first}.`}`);
          // An endpoint that went away fails every unit after a few retries each: stop instead of grinding on.
          if (erroredInARow >= stopAfterErrored && !stop.signal.aborted) {
            stopReason = 'endpoint-failing';
            view.note(`Stopping: ${erroredInARow} units in a row got no reply from the model.`);
            stop.abort();
          }
        },
      },
    );
  } catch (error) {
    if (!(error instanceof StoppedBeforePython)) failure = error;
  } finally {
    if (silenceTimer !== null) clearInterval(silenceTimer);
    view.silence(null);
    awake.stop();
    stopCheckpoints();
    studyEnded = true;
    await sandbox?.close();
    view.finish();
  }

  let written = true;
  // A question still out (each is bounded by a few seconds) belongs in the file too.
  await servedModels.settled();
  try {
    await writer.write();
  } catch (error) {
    written = false;
    io.stderr.write(`Could not write ${outPath}: ${writeFailure(error, outPath)}.\n`);
  }
  // The file is whole: what is left (a summary) is quick, and Node's default may end it again.
  stopListening();
  const stored = await store.loadStudy(config.id);
  for (const line of summarizeArms(config, stored?.finished ?? []).map(armLine)) io.stdout.write(`${line}\n`);
  // Why an arm passed nothing when its model reasoned through the whole token cap, or when the
  // time cap per problem ended its runs: the pass lines cannot say.
  for (const note of [...cutReplyLines(config, stored), ...timeCapLines(config, stored)]) io.stderr.write(`${note}\n`);
  for (const report of servedModels.reports()) io.stderr.write(`${servedModelSentence(report)}\n`);
  const elapsed = formatDuration(performance.now() - started);
  const resumeHint = `continue with: ${runResumeCommandLine(options, options.out ?? options.resume ?? outPath, io.cwd, prepared.endpoint)}`;
  // Once per run, after the progress line, as the Study page says it under its run.
  if (continuedAfterUpdate.size > 0) io.stderr.write(`${continuedAfterUpdateNote(continuedAfterUpdate.size)}\n`);
  if (written) io.stderr.write(`${end?.status === 'done' ? 'Done' : 'Stopped'} after ${elapsed}; results in ${outPath}.\n`);

  if (failure !== null) {
    io.stderr.write(`The study stopped: ${(failure as Error).message ?? String(failure)}\n`);
    if (written) io.stderr.write(`What was done is in the result file; ${resumeHint}\n`);
    return EXIT.badInput;
  }
  const notWritten = `The result file lacks what was done since it was last written; once the cause named above is fixed, ${resumeHint}`;
  if (stopReason === 'interrupted') {
    io.stderr.write(`${written ? `Interrupted: the result file holds every step done so far; ${resumeHint}` : notWritten}\n`);
    return exitAfterSignal(stoppedBy ?? 'SIGINT');
  }
  if (stopReason === 'endpoint-failing') {
    const check = keyRefused === null ? 'check the server' : `it refuses the key (${keyRefused}): ${lowerFirst(keyAdvice(keyRefused, options.apiKeyEnv)).replace(/\.$/, '')}`;
    io.stderr.write(`The endpoint ${prepared.endpoint} keeps failing; ${check}, then ${resumeHint}\n`);
    return written ? EXIT.unfinished : EXIT.badInput;
  }
  if (errored.length > 0) {
    const more = errored.length > MAX_LISTED_ERRORED ? ` (${errored.length - MAX_LISTED_ERRORED} not listed above)` : '';
    // On a line of its own: after the command, on the same line, it read as more of the command.
    const timedOut = [...firstErroredWith.keys()].some(isFirstTokenTimeout) ? `\n${firstTokenHint(options.firstTokenTimeoutMs)}` : '';
    io.stderr.write(`${errored.length} unit(s) errored: the model request kept failing${more}. They count as not run; once the cause named above is fixed, ${resumeHint}${timedOut}\n`);
    return written ? EXIT.unfinished : EXIT.badInput;
  }
  if (!written) {
    // Every unit ran, but the file on disk is an earlier write (a full disk): exit 0 would tell a script the results are in it.
    io.stderr.write(`${notWritten}\n`);
    return EXIT.badInput;
  }
  return EXIT.ok;
}

/** Each arm's replies that hit their token cap, by arm id as the pass lines name arms, and what to change; none when no reply did. */
function cutReplyLines(config: StudyConfig, stored: StoredStudy | null): string[] {
  return cutReplyNotes(cutRepliesByArm(config.arms.map((arm) => ({ id: arm.id, name: arm.id })), stored?.steps ?? []));
}

/**
 * Each arm's problem-runs the time cap per problem ended (over every finished unit in the file, a
 * resumed study's earlier ones too), by arm id, at the cap the study recorded; none when it ended none.
 */
function timeCapLines(config: StudyConfig, stored: StoredStudy | null): string[] {
  const arms = config.arms.map((arm) => ({ id: arm.id, name: arm.id }));
  return timeCapNotes(timeCappedByArm(arms, config.limits.problemTimeCapMs, stored?.finished ?? []));
}

/** Every unit finished with a verdict: errored ones are what a resume runs again. */
async function nothingLeftToRun(store: MemoryStudyStore, config: StudyConfig): Promise<boolean> {
  const stored = await store.loadStudy(config.id);
  const units = config.arms.length * config.repeats * config.problemIds.length;
  return stored !== null && stored.finished.filter((unit) => unit.result.status !== 'errored').length === units;
}

/**
 * The default file name, or the first of name-2.json, name-3.json… not taken: the name holds the
 * study's name, its tag and the day; each run gets its own tag, but a file of that name may
 * still be there (renamed or copied by hand), and it must not be replaced without a word. A name
 * given with --out is never changed: a file there is refused (existing-output.ts).
 */
function unusedPath(path: string): string {
  if (!existsSync(path)) return path;
  const stem = path.replace(/\.json$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}.json`;
    if (!existsSync(candidate)) return candidate;
  }
}

function readApiKey(options: RunOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.apiKeyEnv === null) return undefined;
  const key = env[options.apiKeyEnv];
  if (key === undefined || key.trim() === '') throw new UsageError(`--api-key-env ${options.apiKeyEnv}: that environment variable is not set.`);
  return key.trim();
}

/** A result file read with a line saying how far (a big one takes seconds). */
async function readWithStatus(file: string, io: CommandIo): Promise<ResultFile> {
  const status = createStatusLine(io.stderr);
  try {
    return await readResumeFile(file, io.cwd, (progress) => status.show(`Reading ${file}: ${describeImport(progress)}`, progress.phase));
  } finally {
    status.clear();
  }
}

async function prepareStudy(options: RunOptions, io: CommandIo): Promise<PreparedStudy> {
  if (options.resume !== null) {
    const doc = await readWithStatus(options.resume, io);
    const dataset = await loadDiskDataset(doc.config.benchmark, datasetSearchDirs(options.datasetsDir, io.env, io.cwd));
    const endpoint = options.endpoint === null ? null : chooseEndpoint(options.endpoint, null);
    const config = resumedStudyConfig(doc, endpoint, options, dataset, options.resume);
    const baseUrl = Object.values(config.models)[0]?.baseUrl;
    if (!baseUrl) throw new InputError(`${options.resume}: the study names no endpoint to continue on.`);
    return {
      config,
      store: await storeFromResultFile(doc),
      endpoint: chooseEndpoint(null, baseUrl),
      earlierEnvironments: doc.environments,
      resuming: true,
      problems: dataset.problems,
      promptNote: null,
      origin: options.resume,
    };
  }
  const promptSet = options.prompts === null ? undefined : await readPromptSetArgument(options.prompts, io.cwd);
  const request = await readStudyArgument(options.study ?? '', io.cwd, promptSet ? { promptSet } : {});
  const study = request.study;
  if (options.prompts !== null && study.kind === 'config') {
    // A bad command line, as --prompts beside --resume is (exit 2 both ways): the file is fine.
    throw new UsageError(
      `--prompts ${options.prompts}: ${request.origin} already holds the prompt texts its study sent, and runs again with them; leave out --prompts, or give the prompt set with a study link or a draft file.`,
    );
  }
  const benchmark = study.kind === 'draft' ? study.draft.benchmark : study.config.benchmark;
  const dataset = await loadDiskDataset(benchmark, datasetSearchDirs(options.datasetsDir, io.env, io.cwd));
  const endpoint = chooseEndpoint(options.endpoint, request.endpoint);
  const arms = study.kind === 'draft' ? study.draft.arms : study.config.arms;
  const models = bindModels(modelKeys(arms), endpoint, { model: options.model, modelMap: options.modelMap, studyNames: request.modelNames });
  const created = new Date();
  const config = newStudyConfig(request, models, dataset, { id: newStudyId(created), created: created.toISOString() }, promptSet);
  const promptNote = promptSet && options.prompts !== null ? promptSetNote(options.prompts, promptSet, config.arms) : null;
  return {
    config,
    store: new MemoryStudyStore(),
    endpoint,
    earlierEnvironments: [],
    resuming: false,
    problems: dataset.problems,
    promptNote,
    origin: request.origin,
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
