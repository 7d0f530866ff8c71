/**
 * Does Python hide behind generation? A study run against the fake OpenAI-compatible endpoint
 * streaming every reply at a fixed token rate, one request at a time (like one GPU), with four
 * Pyodide workers: its wall time divided by the pure model time, the sum of the scripted
 * generation times of every reply the study asked for. The target is ≤ 1.05: the runner keeps
 * the model busy while programs run, so a study takes about as long as its generations do.
 *
 *   node --import tsx bench/study-overhead.ts [--problems 16] [--repeats 1] [--rate 100]
 *                                              [--workers 4] [--concurrency 5] [--slow-ms 500] [--run-ms 0]
 *
 * The study is the scripted one of tests/support/scripted-study.ts (solo and self-refine arms;
 * replies right at once, fixed by a refinement, never fixed, slow), its eight behaviours cycled
 * over the first N HumanEval problems, so executions pass, fail and are refined as in a real
 * study. Pure model time per reply = its first-token delay + (tokens − 1) / rate: the least time
 * the fake server needs to stream it. The scripted programs run in milliseconds; `--run-ms N`
 * makes every program spin N ms first, so that hiding execution is actually put to the test.
 * The runner is the one the app and `feedback-lab run` use
 * (runStudy, the OpenAI-compatible LanguageModel, the Node sandbox, an in-memory store).
 *
 * The server runs in a worker thread, so its pacing does not wait on the runner's event loop.
 * Besides the ratio, the bench splits the overhead into where it went: before the first request,
 * gaps with no request in flight (every unit busy in Python or in the runner), per-request time
 * beyond the scripted time (HTTP, parsing, timer lateness), and after the last reply.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { LanguageModel } from '../src/core/ports.ts';
import type { StudyConfig } from '../src/core/study/config.ts';
import { createStudyConfig } from '../src/core/study/create-config.ts';
import { MemoryStudyStore } from '../src/core/study/memory-store.ts';
import { runStudy } from '../src/core/study/runner.ts';
import { armLine, summarizeArms } from '../src/core/study/summary.ts';
import { createOpenAICompatibleModel } from '../src/llm/openai-compatible.ts';
import { createNodeSandbox } from '../src/sandbox/node-sandbox.ts';
import { loadTestProblems } from '../tests/support/datasets.ts';
import { startFakeOpenAIServer } from '../tests/support/fake-openai-server.ts';
import { SCRIPT, SCRIPTED_ARMS, SCRIPTED_MODEL, scriptedReply, replyTokens, truthFor, type ProblemScript } from '../tests/support/scripted-study.ts';

const TARGET_RATIO = 1.05;

interface ServerConfig {
  problemIds: string[];
  tokensPerSecond: number;
  slowFirstTokenMs: number;
  runMs: number;
}

interface ServerStats {
  replies: number;
  tokens: number;
  /** Σ first-token delay + (tokens − 1) / rate over every reply: the pure model time. */
  scriptedMs: number;
}

/** The scripted behaviours, cycled over `problemIds`. */
function cycledScript(problemIds: readonly string[]): Record<string, ProblemScript> {
  const behaviours = Object.values(SCRIPT);
  return Object.fromEntries(problemIds.map((id, i) => [id, behaviours[i % behaviours.length] as ProblemScript]));
}

if (!isMainThread) {
  const config = workerData as ServerConfig;
  const problems = await loadTestProblems('humaneval');
  const stats: ServerStats = { replies: 0, tokens: 0, scriptedMs: 0 };
  const server = await startFakeOpenAIServer({
    reply: scriptedReply(problems, cycledScript(config.problemIds), {
      slowFirstTokenMs: config.slowFirstTokenMs,
      runMs: config.runMs,
      onReply: ({ text, firstTokenDelayMs }) => {
        const tokens = replyTokens(text);
        stats.replies++;
        stats.tokens += tokens;
        stats.scriptedMs += firstTokenDelayMs + (Math.max(0, tokens - 1) * 1000) / config.tokensPerSecond;
      },
    }),
    tokensPerSecond: config.tokensPerSecond,
    models: [SCRIPTED_MODEL],
  });
  parentPort?.postMessage(server.url);
  parentPort?.on('message', (message: string) => {
    if (message === 'stats') parentPort?.postMessage(stats);
    else void server.close().then(() => process.exit(0));
  });
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      problems: { type: 'string', default: '16' },
      repeats: { type: 'string', default: '1' },
      rate: { type: 'string', default: '100' },
      workers: { type: 'string', default: '4' },
      concurrency: { type: 'string' },
      'slow-ms': { type: 'string', default: '500' },
      'run-ms': { type: 'string', default: '0' },
    },
  });
  const problemCount = positive('--problems', values.problems);
  const repeats = positive('--repeats', values.repeats);
  const rate = positive('--rate', values.rate);
  const workers = positive('--workers', values.workers);
  const concurrency = values.concurrency === undefined ? workers + 1 : positive('--concurrency', values.concurrency);
  const slowFirstTokenMs = Number(values['slow-ms']);
  const runMs = Number(values['run-ms']);

  const problems = await loadTestProblems('humaneval');
  const chosen = problems.slice(0, problemCount);
  const script = cycledScript(chosen.map((p) => p.id));
  const config: StudyConfig = createStudyConfig(
    {
      name: 'study overhead bench',
      benchmark: 'humaneval',
      selection: { kind: 'first', n: problemCount },
      arms: SCRIPTED_ARMS.map((pipeline) => ({ id: pipeline.id, label: pipeline.name, pipeline, forcedIterations: false })),
      repeats,
      mode: 'study',
      models: { 'llama3.2:3b': { engine: 'openai', id: SCRIPTED_MODEL, baseUrl: 'http://fake.invalid/v1' } },
    },
    { id: 'bench', created: new Date().toISOString(), problems, datasetSha256: '0'.repeat(64) },
  );

  console.log(`Study overhead — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)}`);
  console.log(
    `${config.arms.length} arms × ${repeats} repeat(s) × ${problemCount} HumanEval problems; replies at ${rate} tok/s, one request at a time; ` +
      `${workers} Python workers; ${concurrency} problems in flight${runMs > 0 ? `; every program spins ${runMs} ms first` : ''}.\n`,
  );

  const server = await startServerWorker({ problemIds: chosen.map((p) => p.id), tokensPerSecond: rate, slowFirstTokenMs, runMs });
  const sandboxStart = performance.now();
  const sandbox = await createNodeSandbox({ workers });
  const readyMs = performance.now() - sandboxStart;

  // Every chat call's start and end on the runner's clock, to see where time beyond generation goes.
  const calls: { startMs: number; endMs: number }[] = [];
  const endpointModel = createOpenAICompatibleModel({ baseUrl: server.url, model: SCRIPTED_MODEL });
  const model: LanguageModel = {
    id: endpointModel.id,
    async chat(messages, options, call) {
      const startMs = performance.now();
      try {
        return await endpointModel.chat(messages, options, call);
      } finally {
        calls.push({ startMs, endMs: performance.now() });
      }
    },
  };
  const store = new MemoryStudyStore();
  const executions: number[] = [];
  const startMs = performance.now();
  const end = await runStudy(
    config,
    problems,
    {
      model: () => model,
      sandbox: {
        run: async (program, limits, call) => {
          const t = performance.now();
          const result = await sandbox.run(program, limits, call);
          executions.push(performance.now() - t);
          return result;
        },
        close: () => sandbox.close(),
      },
      store,
      now: () => performance.now(),
    },
    { concurrency, engineCapacity: () => 1, retryDelayMs: 0 },
  );
  const wallMs = performance.now() - startMs;
  await sandbox.close();
  const stats = await server.stats();
  await server.close();

  const stored = await store.loadStudy(config.id);
  const lines = summarizeArms(config, stored?.finished ?? []).map(armLine);
  const truth = truthFor(script);
  const expected = config.arms.map((arm) => `${arm.id}: ${(truth[arm.id] ?? 0) * repeats}/${problemCount * repeats} passed`);
  const asScripted = lines.every((line, i) => line.startsWith(expected[i] ?? '?'));
  if (end.status !== 'done' || !asScripted) throw new Error(`The study did not end as scripted:\n${lines.join('\n')}\nexpected\n${expected.join('\n')}`);

  calls.sort((a, b) => a.startMs - b.startMs);
  const first = calls[0]?.startMs ?? startMs;
  const last = Math.max(...calls.map((c) => c.endMs));
  const callMs = calls.reduce((sum, c) => sum + (c.endMs - c.startMs), 0);
  let idleMs = 0;
  let busyUntil = first;
  for (const call of calls) {
    if (call.startMs > busyUntil) idleMs += call.startMs - busyUntil;
    busyUntil = Math.max(busyUntil, call.endMs);
  }
  const sortedExec = [...executions].sort((a, b) => a - b);
  const ratio = wallMs / stats.scriptedMs;

  console.log(lines.join('\n'));
  console.log(`\nPyodide workers ready in ${(readyMs / 1000).toFixed(1)} s (not counted below).`);
  console.log(`${stats.replies} replies, ${stats.tokens} tokens (${(stats.tokens / stats.replies).toFixed(0)} per reply); ${executions.length} executions, median ${median(sortedExec).toFixed(0)} ms, max ${(sortedExec.at(-1) ?? 0).toFixed(0)} ms.`);
  console.log(`pure model time (scripted)   ${(stats.scriptedMs / 1000).toFixed(2)} s`);
  console.log(`study wall time              ${(wallMs / 1000).toFixed(2)} s`);
  console.log(`ratio wall / model           ${ratio.toFixed(4)} (target ≤ ${TARGET_RATIO}): ${ratio <= TARGET_RATIO ? 'within target' : 'OVER TARGET'}`);
  console.log('\nWhere the difference went:');
  console.log(`  before the first request     ${(first - startMs).toFixed(0)} ms`);
  console.log(`  no request in flight         ${idleMs.toFixed(0)} ms (between the first request and the last reply)`);
  console.log(`  requests beyond scripted     ${(callMs - stats.scriptedMs).toFixed(0)} ms (${((callMs - stats.scriptedMs) / Math.max(1, calls.length)).toFixed(1)} ms per request: HTTP, parsing, timer lateness)`);
  console.log(`  after the last reply         ${(startMs + wallMs - last).toFixed(0)} ms (the last executions and the final writes)`);
  if (ratio > TARGET_RATIO) process.exitCode = 1;
}

interface ServerHandle {
  url: string;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

async function startServerWorker(config: ServerConfig): Promise<ServerHandle> {
  // Under Node 20 a worker's TypeScript entry is resolved before any --import hook runs, so the
  // worker starts as plain JavaScript, registers tsx, then imports this file.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: config });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url,
    stats: () =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('stats');
      }),
    close: async () => {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

function positive(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive whole number, not ${text}.`);
  return value;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
