/**
 * `feedback-lab run` in a real process against the scripted fake endpoint, with real Pyodide:
 * the arm lines it prints and the result file it writes must equal the scripted truth, after a
 * straight run, from a study link, and after Ctrl+C followed by --resume. Mistakes a user makes
 * (a bad study file, a server that is not running, a wrong model name, no datasets) end with a
 * message saying what is wrong, before any Python starts.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { CLI_ELSEWHERE_PATTERN, runFeedbackLab, type FinishedCommand } from '../../support/cli-process.ts';
import { startFakeOpenAIServer } from '../../support/fake-openai-server.ts';
import {
  FAST_PACE,
  SCRIPT,
  SCRIPTED_ARMS,
  SCRIPTED_MODEL,
  SCRIPTED_PROBLEM_IDS,
  SCRIPTED_TRUTH,
  expectedModelCalls,
  expectedSteps,
  scriptedStudyFile,
  scriptedStudyLink,
  startScriptedServer,
  type ProblemScript,
  type ScriptedServer,
} from '../../support/scripted-study.ts';

const PROBLEMS = SCRIPTED_PROBLEM_IDS.length;

/** Runs the command in this file's folder; `whileRunning` gets the child, e.g. to send it Ctrl+C. */
const feedbackLab = (args: string[], whileRunning?: (child: ChildProcess) => void) => runFeedbackLab(dir, args, whileRunning);

/** The stdout lines the scripted truth implies, as `summary.ts` words them. */
function truthLines(repeats: number): string[] {
  return SCRIPTED_ARMS.map((arm) => {
    const perRepeat = SCRIPTED_TRUTH[arm.id] as number;
    const total = `${arm.id}: ${perRepeat * repeats}/${PROBLEMS * repeats} passed`;
    if (repeats === 1) return total;
    return `${total} (per repeat ${Array.from({ length: repeats }, () => perRepeat).join(', ')}; mean ${perRepeat.toFixed(1)} ± 0.0 of ${PROBLEMS})`;
  });
}

async function readResult(name: string): Promise<ResultFile> {
  return importResultFile(new Uint8Array(readFileSync(join(dir, name))));
}

/** Passes per arm and repeat, counted from the file's finished units. */
function passesInFile(doc: ResultFile): Record<string, number[]> {
  return Object.fromEntries(
    doc.config.arms.map((arm) => [
      arm.id,
      Array.from(
        { length: doc.config.repeats },
        (_, r) => doc.units.filter((u) => u.armId === arm.id && u.repeat === r && u.status === 'finished' && u.trajectory.passed).length,
      ),
    ]),
  );
}

/** Every unit finished, with exactly the steps the script implies: none missing, none doubled. */
function expectCompleteAsScripted(doc: ResultFile): void {
  expect(doc.units).toHaveLength(SCRIPTED_ARMS.length * doc.config.repeats * PROBLEMS);
  for (const unit of doc.units) {
    expect(unit.status, `${unit.armId}/${unit.repeat}/${unit.problemId}`).toBe('finished');
    if (unit.status !== 'finished') continue;
    const script = SCRIPT[unit.problemId] as ProblemScript;
    expect(unit.trajectory.steps.length, `${unit.armId}/${unit.repeat}/${unit.problemId} steps`).toBe(expectedSteps(unit.armId, script));
  }
  const truth = Object.fromEntries(SCRIPTED_ARMS.map((arm) => [arm.id, Array.from({ length: doc.config.repeats }, () => SCRIPTED_TRUTH[arm.id])]));
  expect(passesInFile(doc)).toEqual(truth);
}

/** A local port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let linkRun: Promise<FinishedCommand> | undefined;
/**
 * One repeat of the study from a study link, into from-link.json; run once for the file: the
 * link test checks it, and the --resume test after an update starts from its finished file
 * (a second identical run would only start Python again).
 */
function runFromLink(): Promise<FinishedCommand> {
  linkRun ??= scriptedStudyLink(server.url, 1).then((params) =>
    feedbackLab(['run', '--study', `http://localhost:5173/?${params}`, '--workers', '2', '--out', 'from-link.json']),
  );
  return linkRun;
}

function modelCallsFor(repeats: number): number {
  let calls = 0;
  for (const arm of SCRIPTED_ARMS) for (const script of Object.values(SCRIPT)) calls += expectedModelCalls(arm.id, script);
  return calls * repeats;
}

/**
 * The pace the Ctrl+C test needs while it catches a run in the middle: replies that take a
 * moment, two problems' a second late, so some units are in flight when the signal comes. The
 * rest of the file runs at FAST_PACE: `run` sends one request at a time, so a second's delay on
 * the slow problems' five calls per repeat added five seconds to every repeat of every run.
 */
const CATCHABLE_PACE = { tokensPerSecond: 2000, slowFirstTokenMs: 1000 };

let dir: string;
let server: ScriptedServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'feedback-lab-run-'));
  server = await startScriptedServer({
    ...FAST_PACE,
    // Speaks Ollama's native API too, so the file records what the server ran the model with.
    ollama: { contextLength: 4096, quantization: 'Q4_K_M', parameterSize: '3.2B', sizeBytes: 2_600_000_000, sizeVramBytes: 1_300_000_000 },
  });
  writeFileSync(join(dir, 'study.json'), JSON.stringify(scriptedStudyFile(2), null, 2));
  writeFileSync(join(dir, 'study-1.json'), JSON.stringify(scriptedStudyFile(1), null, 2));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('feedback-lab run', () => {
  it('runs 2 arms × 2 repeats × 8 problems and prints and writes the scripted truth', async () => {
    server.requests.length = 0;
    const { code, stdout, stderr } = await feedbackLab([
      'run',
      '--study',
      'study.json',
      '--endpoint',
      server.url,
      '--model',
      SCRIPTED_MODEL,
      '--workers',
      '2',
      '--out',
      'results.json.gz',
    ]);
    expect(stderr).toMatch(/32 units/);
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual(truthLines(2));

    const doc = await readResult('results.json.gz');
    expect(readFileSync(join(dir, 'results.json.gz')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expectCompleteAsScripted(doc);
    expect(doc.config.problemIds).toEqual(SCRIPTED_PROBLEM_IDS);
    expect(doc.config.models['llama3.2:3b']).toEqual({ engine: 'openai', id: SCRIPTED_MODEL, baseUrl: server.url });
    expect(doc.environments[0]?.userAgent).toMatch(/^Node\.js v\d+/);
    expect(doc.environments[0]?.pyodideVersion).toMatch(/^0\.\d+|^\d+\.\d+/);
    // What Ollama said it ran the model with: in the file, and said at the end of the run.
    expect(doc.environments[0]?.servedModels).toEqual([
      expect.objectContaining({ endpoint: server.url, model: SCRIPTED_MODEL, server: 'ollama', contextTokens: 4096, quantization: 'Q4_K_M', unknownBecause: null }),
    ]);
    expect(stderr).toContain(`${SCRIPTED_MODEL} ran on Ollama with a 4096-token context (Q4_K_M, 3.2B parameters; 2.6 GB, 50% on the GPU).`);
    // Every model call reached the endpoint once: no step was generated twice.
    expect(server.requests).toHaveLength(modelCallsFor(2));
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set([SCRIPTED_MODEL]));
  });

  it('runs the same study from a study link, taking the endpoint and model name from the link', async () => {
    const { code, stdout, stderr } = await runFromLink();
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual(truthLines(1));
    expectCompleteAsScripted(await readResult('from-link.json'));
  });

  it('on Ctrl+C writes what is done and exits 130; --resume then finishes with the same truth and no step doubled', async () => {
    server.requests.length = 0;
    server.pace(CATCHABLE_PACE);
    const stopped = await feedbackLab(
      ['run', '--study', 'study-1.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '2', '--out', 'partial.json'],
      (child) => {
        // Stop once a few requests have arrived: some units are finished, some in flight.
        const poll = setInterval(() => {
          if (server.requests.length >= 6) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 20);
        child.once('close', () => clearInterval(poll));
      },
    );
    server.resetPace();
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/--resume partial\.json/);
    const partial = await readResult('partial.json');
    const finished = partial.units.filter((u) => u.status === 'finished').length;
    expect(finished).toBeGreaterThan(0);
    expect(finished).toBeLessThan(SCRIPTED_ARMS.length * PROBLEMS);
    expect(stopped.stdout).toMatch(/not run/);

    const resumed = await feedbackLab(['run', '--resume', 'partial.json', '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Steps recorded by this very version all fit: nothing to say about an update.
    expect(resumed.stderr).not.toMatch(/earlier version/);
    expect(resumed.stdout.trimEnd().split('\n')).toEqual(truthLines(1));
    const doc = await readResult('partial.json');
    expectCompleteAsScripted(doc);
    expect(doc.config).toEqual(partial.config);
    expect(doc.environments).toHaveLength(2);
    // Finished units were not run again: their steps are the first run's, byte for byte.
    for (const before of partial.units.filter((u) => u.status === 'finished')) {
      const after = doc.units.find((u) => u.armId === before.armId && u.repeat === before.repeat && u.problemId === before.problemId);
      expect(after).toEqual(before);
    }
  });

  it('on a second Ctrl+C quits at once, saying what the file holds, with no half-written file left beside it', async () => {
    server.pace(CATCHABLE_PACE);
    const quit = await feedbackLab(
      ['run', '--study', 'study-1.json', '--endpoint', server.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--out', 'quit.json'],
      (child) => {
        let sent = 0;
        child.stderr?.on('data', (chunk: Buffer) => {
          // The first as Python starts; the second as soon as the first is acknowledged.
          if (sent === 0 && /Starting 1 Python worker/.test(chunk.toString())) {
            sent = 1;
            child.kill('SIGINT');
          } else if (sent === 1 && /Stopping: finishing the file/.test(chunk.toString())) {
            sent = 2;
            child.kill('SIGINT');
          }
        });
      },
    );
    server.resetPace();
    expect(quit.code, quit.stderr).toBe(130);
    expect(quit.stderr).toMatch(/Quitting without finishing the result file: \S*quit\.json holds the study as last written\.\n$/);
    expect(readdirSync(dir).filter((name) => name.startsWith('quit'))).toEqual(['quit.json']);
    // What it holds is a whole file, from before Python started: the study with nothing done.
    expect((await readResult('quit.json')).units).toEqual([]);
  });

  it('--resume of a unit whose steps an earlier version worded otherwise carries it on and says so in one line', async () => {
    const first = await runFromLink();
    expect(first.code, first.stderr).toBe(0);
    copyFileSync(join(dir, 'from-link.json'), join(dir, 'updated.json'));
    // What an older build would have left: a never-fixed self-refine unit (generate, execute, three
    // refinements each executed) not finished yet, its refiner messages worded otherwise.
    const doc = await readResult('updated.json');
    const key = { armId: 'llama-self-refine', repeat: 0, problemId: 'HumanEval/4' };
    const units = doc.units.map((unit) => {
      if (unit.armId !== key.armId || unit.repeat !== key.repeat || unit.problemId !== key.problemId || unit.status !== 'finished') return unit;
      const steps = unit.trajectory.steps.map((step) =>
        step.kind === 'refine'
          ? { ...step, messages: step.messages.map((m) => (m.role === 'user' ? { ...m, content: m.content.replace('Failing test:', 'Failing test (as worded before):') } : m)) }
          : step,
      );
      expect(steps).not.toEqual(unit.trajectory.steps);
      return { ...key, status: 'unfinished' as const, steps };
    });
    writeFileSync(join(dir, 'updated.json'), await exportResultFile({ ...doc, units }, { gzip: false }));

    const resumed = await feedbackLab(['run', '--resume', 'updated.json', '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout.trimEnd().split('\n')).toEqual(truthLines(1));
    const said = resumed.stderr.split('\n').filter((line) => /earlier version/.test(line));
    expect(said).toEqual([expect.stringMatching(/^1 unit had steps recorded by an earlier version of the app that no longer match what this version sends the model/)]);
    expectCompleteAsScripted(await readResult('updated.json'));
  });

  it('stops when the endpoint keeps failing mid-run, keeps the errored units in the file, and exits 3 (unfinished: resume it)', async () => {
    const failing = await startFakeOpenAIServer({ reply: () => ({ kind: 'status', status: 500, message: 'CUDA out of memory' }), models: [SCRIPTED_MODEL] });
    try {
      const { code, stdout, stderr } = await feedbackLab(
        ['run', '--study', 'study-1.json', '--endpoint', failing.url, '--model', SCRIPTED_MODEL, '--workers', '1', '--requests', '5', '--concurrency', '5', '--out', 'failing.json'],
      );
      expect(code, stderr).toBe(3);
      // The engine's own explanation reaches the user, then the command says what to do.
      expect(stderr).toMatch(/errored: The server at http:\/\/127\.0\.0\.1:\d+ failed \(500 Internal Server Error\) after \d+ attempts\. The server said: "CUDA out of memory"/);
      expect(stderr).toMatch(new RegExp(String.raw`keeps failing; check the server, then continue with: ${CLI_ELSEWHERE_PATTERN} run --resume failing\.json`));
      expect(stdout).toMatch(/^llama-solo: 0\/8 passed \(\d errored; \d+ not run\)$/m);
      const doc = await readResult('failing.json');
      expect(doc.units.filter((u) => u.status === 'errored').length).toBeGreaterThanOrEqual(5);
    } finally {
      await failing.close();
    }
  });

  it('names every problem of a bad study file by its field and exits 1 without calling the model', async () => {
    server.requests.length = 0;
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ benchmark: 'humaneval', arms: ['llama-solo', 'llama-sollo', { id: 'x', label: 'x', pipeline: { kind: 'refine' } }], repeats: 0 }),
    );
    const { code, stderr } = await feedbackLab(['run', '--study', 'bad.json', '--endpoint', server.url]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/The study file bad\.json is not valid:/);
    expect(stderr).toMatch(/repeats: expected a whole number from 1 to 100, found 0/);
    expect(stderr).toMatch(/arms\[1\]: no preset "llama-sollo"/);
    expect(stderr).toMatch(/arms\[2\]\.pipeline/);
    expect(server.requests).toHaveLength(0);
  });

  it('says plainly when the endpoint is not running, and exits 1', async () => {
    const port = await closedPort();
    const { code, stderr } = await feedbackLab(['run', '--study', 'study-1.json', '--endpoint', `http://127.0.0.1:${port}/v1`]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Could not reach the language-model server at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // a sentence, not a stack trace
  });

  it('names a model the endpoint does not serve, with the names it does, and exits 1', async () => {
    const wrong = await feedbackLab(['run', '--study', 'study-1.json', '--endpoint', server.url, '--model', 'llama3.2:3b-instruct']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/does not serve this model:\n {2}"llama3\.2:3b-instruct" \(for the study's model key "llama3\.2:3b"\)/);
    expect(wrong.stderr).toMatch(/It serves: fake-model, llama3\.2:3b\./);
  });

  it('says where it looked for a missing dataset, and exits 1', async () => {
    const { code, stderr } = await feedbackLab(['run', '--study', 'study-1.json', '--endpoint', server.url, '--datasets', 'no-such-dir']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/HumanEval\.jsonl\.gz was not found in .*no-such-dir/);
  });

  it('answers a bad command line with exit code 2 and a pointer to --help', async () => {
    const { code, stderr } = await feedbackLab(['run', '--study', 'study-1.json', '--workers', 'many']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--workers must be a positive whole number[\s\S]*feedback-lab run --help/);
  });
});
