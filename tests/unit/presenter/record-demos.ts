/**
 * Writes src/core/presenter/demo-recordings/*.json: hand-written replies (in the style of a 3B
 * model answering the study's prompts) run through the real interpreter and the real Pyodide
 * sandbox, so every outcome and traceback in a demo is what the harness really says.
 *
 * Run after changing a reply, the built-in prompts or the harness:
 *   npx tsx tests/unit/presenter/record-demos.ts
 * demo-recordings.test.ts fails when a recording no longer fits the pipeline as it runs now.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runProblem } from '../../../src/core/pipeline/interpret.ts';
import { presetById } from '../../../src/core/pipeline/presets.ts';
import { splitIntoTokens } from '../../../src/core/llm/token-pieces.ts';
import type { LanguageModel, Sandbox } from '../../../src/core/ports.ts';
import { DEMO_RECORDING_FORMAT, DEMO_RECORDING_VERSION, type DemoRecording } from '../../../src/core/presenter/demo-recording.ts';
import { PRESENTER_DEMOS, type DemoId } from '../../../src/core/presenter/demos.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import { loadTestProblem } from '../../support/datasets.ts';

const fence = (code: string) => '```python\n' + code.trim() + '\n```';

/** The model's replies, in call order, per demo. */
export const DEMO_REPLIES: Record<DemoId, string[]> = {
  'name-error': [
    fence(`
from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for a, b in itertools.combinations(numbers, 2):
        if abs(a - b) < threshold:
            return True
    return False`),
    fence(`
import itertools
from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for a, b in itertools.combinations(numbers, 2):
        if abs(a - b) < threshold:
            return True
    return False`),
  ],
  'syntax-error': [
    `def count_distinct_characters(string: str) -> int:
    return len(set(string.lower()))

This function converts the string to lowercase so that 'a' and 'A' count as the same character, then puts the characters in a set to drop the repeats and returns the size of the set.`,
    fence(`
def count_distinct_characters(string: str) -> int:
    return len(set(string.lower()))`),
  ],
  'assertion-error': [
    fence(`
from typing import List


def remove_duplicates(numbers: List[int]) -> List[int]:
    seen = set()
    result = []
    for num in numbers:
        if num not in seen:
            seen.add(num)
            result.append(num)
    return result`),
    fence(`
from typing import List


def remove_duplicates(numbers: List[int]) -> List[int]:
    # dict.fromkeys keeps the first occurrence of each number, in order
    return list(dict.fromkeys(numbers))`),
    fence(`
from typing import List


def remove_duplicates(numbers: List[int]) -> List[int]:
    return [n for n in numbers if numbers.count(n) > 1]`),
    fence(`
from collections import Counter
from typing import List


def remove_duplicates(numbers: List[int]) -> List[int]:
    counts = Counter(numbers)
    return [n for n in numbers if counts[n] >= 1]`),
  ],
};

const NOTE =
  'Replies written by hand for this demo, in the style of a 3B model answering these prompts; the outcomes and tracebacks come from running that code in the sandbox.';
const DECODE_TOKENS_PER_SECOND = 28;
const FIRST_TOKEN_MS = 420;

/** A model that answers from the script and advances the recording's clock as a real one would take. */
function handWrittenModel(replies: string[], clock: { ms: number }): LanguageModel {
  const queue = [...replies];
  return {
    id: 'demo:hand-written',
    async chat(messages, _options, call) {
      const text = queue.shift();
      if (text === undefined) throw new Error('The demo script ran out of replies.');
      const pieces = splitIntoTokens(text);
      for (const piece of pieces) call?.onToken?.(piece);
      const totalMs = FIRST_TOKEN_MS + Math.round(((pieces.length - 1) * 1000) / DECODE_TOKENS_PER_SECOND);
      clock.ms += totalMs;
      return {
        text,
        finishReason: 'stop',
        usage: {
          promptTokens: messages.reduce((n, m) => n + splitIntoTokens(m.content).length, 0),
          completionTokens: pieces.length,
          timeToFirstTokenMs: FIRST_TOKEN_MS,
          decodeTokensPerSecond: DECODE_TOKENS_PER_SECOND,
          totalMs,
        },
      };
    },
  };
}

function timedSandbox(inner: Sandbox, clock: { ms: number }): Sandbox {
  return {
    async run(program, limits) {
      const result = await inner.run(program, limits);
      // Rounded so that recording again changes the files only where the code or harness changed.
      const durationMs = Math.max(1, Math.round(result.durationMs));
      clock.ms += durationMs;
      return { ...result, durationMs };
    },
    close: () => inner.close(),
  };
}

async function main(): Promise<void> {
  const sandbox = await createNodeSandbox({ workers: 1 });
  try {
    for (const demo of PRESENTER_DEMOS) {
      const problem = await loadTestProblem('humaneval', demo.problemId);
      const pipeline = presetById(demo.presetId);
      if (!pipeline) throw new Error(`No preset ${demo.presetId}.`);
      const clock = { ms: 0 };
      const model = handWrittenModel(DEMO_REPLIES[demo.id], clock);
      const trajectory = await runProblem(
        problem,
        pipeline,
        { model: () => model, sandbox: timedSandbox(sandbox, clock) },
        { mode: demo.mode, now: () => clock.ms },
      );
      const recording: DemoRecording = {
        format: DEMO_RECORDING_FORMAT,
        version: DEMO_RECORDING_VERSION,
        demoId: demo.id,
        note: NOTE,
        problemId: problem.id,
        pipelineId: pipeline.id,
        mode: demo.mode,
        trajectory,
      };
      const file = fileURLToPath(new URL(`../../../src/core/presenter/demo-recordings/${demo.id}.json`, import.meta.url));
      await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
      const verdicts = trajectory.steps.flatMap((s) => (s.kind === 'execute' ? [s.outcome.kind === 'failed' ? s.outcome.errorType : s.outcome.kind] : []));
      console.log(`${demo.id}: ${trajectory.steps.length} steps, ${verdicts.join(' → ')}, ${trajectory.passed ? 'passed' : 'failed'}`);
    }
  } finally {
    await sandbox.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
