/**
 * What does the LanguageModel port cost? Tokens streamed through `createOpenAICompatibleModel`
 * against the fake endpoint, versus a bare client in the same run (fetch + the least SSE reading
 * that works: split lines, JSON.parse each `data:` line) against the same server.
 *
 *   node --import tsx bench/port-overhead.ts [--tokens 2000] [--rate 200] [--runs 3] [--burst-runs 20]
 *
 * Two scenarios:
 * - paced: the server streams at a fixed rate, as a model does. The ratio port/baseline is the
 *   overhead a user could notice; the target is ≤ 1.02.
 * - burst: the server sends every token at once, so the time is all client-side parsing. This
 *   is a worst case that exaggerates the port's relative cost (no model is this fast); reported
 *   for information.
 * The server runs in a worker thread so its timers do not share the clients' event loop. Runs
 * alternate port and baseline so drift in machine load hits both alike; medians are compared.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ChatMessage } from '../src/core/ports.ts';
import { createOpenAICompatibleModel } from '../src/llm/openai-compatible.ts';
import { startFakeOpenAIServer } from '../tests/support/fake-openai-server.ts';

const TARGET_RATIO = 1.02;
/** Python-like text; the server cuts it to exactly `max_tokens` tokens. */
const CODE_LINE = '    for index, value in enumerate(numbers):\n        total += value * index\n';

interface ServerConfig {
  tokensPerSecond: number;
  text: string;
}

if (!isMainThread) {
  const config = workerData as ServerConfig;
  const server = await startFakeOpenAIServer({ reply: config.text, tokensPerSecond: config.tokensPerSecond });
  parentPort?.postMessage(server.url);
  parentPort?.once('message', () => void server.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tokens: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '200' },
      runs: { type: 'string', default: '3' },
      'burst-runs': { type: 'string', default: '20' },
    },
  });
  const tokens = Number(values.tokens);
  const rate = Number(values.rate);
  const runs = Number(values.runs);
  const burstRuns = Number(values['burst-runs']);
  const text = CODE_LINE.repeat(Math.ceil(tokens / 10) + 10);

  console.log(`Language-model port overhead — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(`${tokens} tokens per reply; baseline = bare fetch + minimal SSE parsing against the same server.\n`);

  const paced = await scenario({ tokensPerSecond: rate, text }, tokens, runs);
  report(`paced at ${rate} tok/s, ${runs} runs each`, paced);
  const burst = await scenario({ tokensPerSecond: Infinity, text }, tokens, burstRuns);
  report(`burst (all tokens at once), ${burstRuns} runs each`, burst);

  const ratio = paced.portMs / paced.baselineMs;
  console.log(
    `\nPaced overhead ratio ${ratio.toFixed(4)} (target ≤ ${TARGET_RATIO}): ${ratio <= TARGET_RATIO ? 'within target' : 'OVER TARGET'}`,
  );
  if (ratio > TARGET_RATIO) process.exitCode = 1;
}

interface ScenarioResult {
  portMs: number;
  baselineMs: number;
  portRuns: number[];
  baselineRuns: number[];
}

async function scenario(config: ServerConfig, tokens: number, runs: number): Promise<ScenarioResult> {
  // Under Node 20 a worker's TypeScript entry is resolved before any --import hook runs, so the
  // worker starts as plain JavaScript, registers tsx, then imports this file.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: config });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const messages: ChatMessage[] = [{ role: 'user', content: 'Write a loop.' }];
  const model = createOpenAICompatibleModel({ baseUrl: url, model: 'fake-model' });
  const viaPort = async () => {
    let count = 0;
    const started = performance.now();
    await model.chat(messages, { temperature: 0, max_tokens: tokens }, { onToken: () => count++ });
    return { ms: performance.now() - started, count };
  };
  const viaBaseline = () => bareClient(`${url}/chat/completions`, messages, tokens);

  // One untimed round each: connection set-up and JIT warm-up are not the port's cost.
  await viaPort();
  await viaBaseline();
  const portRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? [viaPort, viaBaseline] : [viaBaseline, viaPort];
    for (const run of order) {
      const { ms, count } = await run();
      if (count !== tokens) throw new Error(`expected ${tokens} tokens, got ${count}`);
      (run === viaPort ? portRuns : baselineRuns).push(ms);
    }
  }
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('exit', resolve));
  return { portMs: median(portRuns), baselineMs: median(baselineRuns), portRuns, baselineRuns };
}

/** The least code that streams a chat completion: the baseline the port is measured against. */
async function bareClient(endpoint: string, messages: ChatMessage[], maxTokens: number) {
  const started = performance.now();
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages, temperature: 0, max_tokens: maxTokens, stream: true }),
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let count = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const content = (JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta
        .content;
      if (content) {
        text += content;
        count++;
      }
    }
  }
  return { ms: performance.now() - started, count, text };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function report(name: string, result: ScenarioResult): void {
  const list = (runs: number[]) => runs.map((ms) => ms.toFixed(1)).join(', ');
  console.log(`${name}:`);
  console.log(`  port     median ${result.portMs.toFixed(1)} ms  (${list(result.portRuns)})`);
  console.log(`  baseline median ${result.baselineMs.toFixed(1)} ms  (${list(result.baselineRuns)})`);
  console.log(`  ratio port/baseline ${(result.portMs / result.baselineMs).toFixed(4)}`);
}
