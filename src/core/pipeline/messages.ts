/**
 * What each node sees, built exactly as the study did: one system message (the node's role
 * prompt) and one user message, a fresh two-message chat per call with no history between
 * iterations. The ingredients follow the study; the sentences around them are our own.
 *
 * The execution feedback depends on the harness mode the code ran in. `study`: as the study's
 * runner built it (study-feedback.ts): the first 1000 characters of the untrimmed traceback, and
 * every stderr line with `assert ` or `AssertionError` as the failing tests. `standard`: the
 * traceback trimmed to the candidate's own frames and the one assert statement that failed,
 * which says the same thing in fewer characters.
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { HarnessMode, Outcome } from '../harness/outcome.ts';
import { studyExecutionResult, studyFailedTestsText } from '../harness/study-feedback.ts';
import { removeThinking } from '../harness/thinking.ts';
import { parseTraceback } from '../harness/traceback.ts';
import type { ChatMessage } from '../ports.ts';

/** The refiner and the analyzer see only the first 1000 characters of the error, as in the study. */
export const ERROR_TEXT_CHARS = 1000;

/**
 * The task as the generator sees it. HumanEval: the raw prompt (signature and docstring),
 * nothing added. MBPP: the task text, the test asserts and an instruction to write only the
 * function; MBPP thus shows its tests to the model, so its passes are weaker evidence. In
 * `study` mode the instruction asks for what the study's did (the function alone: no tests, no
 * explanation, no Markdown) and nothing more: `standard` mode's hint to add the imports the code
 * needs would steer models away from the missing-import NameErrors the study measured.
 */
export function taskStatement(problem: Problem, mode: HarnessMode): string {
  if (problem.benchmark === 'humaneval') return problem.prompt;
  return [
    problem.prompt.trim(),
    '',
    'Your code must pass these tests:',
    ...problem.testList,
    '',
    mode === 'study'
      ? 'Write only the Python function: no tests, no explanation, no Markdown.'
      : 'Write only the Python function (with any imports it needs), no tests and no explanation.',
  ].join('\n');
}

export function generatorMessages(problem: Problem, systemPrompt: string, mode: HarnessMode): ChatMessage[] {
  return chat(systemPrompt, taskStatement(problem, mode));
}

/** What the execution said, cut to the study's 1000 characters. */
export function errorText(outcome: Outcome, mode: HarnessMode): string {
  if (mode === 'study') return studyExecutionResult(outcome);
  switch (outcome.kind) {
    case 'passed':
      // Forced-iteration runs refine passing code too; the study's refiner then saw no error output.
      return '(no error output)';
    case 'timed-out':
      return `Timed out: the program was still running after ${formatSeconds(outcome.limitMs)}.`;
    case 'failed': {
      const summary = `${outcome.errorType}: ${outcome.message}`.trimEnd();
      const traceback = outcome.traceback.trimEnd();
      // A traceback normally ends with its "Type: message" line; add it when the harness trimmed it away.
      const text = traceback === '' ? summary : traceback.includes(outcome.errorType) ? traceback : `${traceback}\n${summary}`;
      return text.slice(0, ERROR_TEXT_CHARS);
    }
    default:
      return assertNeverOutcome(outcome);
  }
}

/**
 * The failing assert line(s) of the tests (standard mode). For an AssertionError, the statement the harness
 * identified. For any other error raised while an assert ran (a TypeError inside the candidate, a
 * NameError on a helper the test calls), the study's refiner still got that assert: its runner
 * listed every stderr line that starts with `assert `, so the `assert` lines of the traceback's
 * frames are listed here too, innermost last, each once.
 */
export function failingTestsText(outcome: Outcome, mode: HarnessMode): string {
  if (mode === 'study') return studyFailedTestsText(outcome);
  if (outcome.kind === 'passed') return '(none)';
  if (outcome.kind === 'failed') {
    if (outcome.failingAssert) return outcome.failingAssert;
    const asserts = assertLinesOf(outcome.traceback);
    if (asserts.length > 0) return asserts.join('\n');
  }
  return '(no single failing assert identified; see the error above)';
}

/** The distinct `assert …` source lines shown in a traceback's frames, in order. */
function assertLinesOf(traceback: string): string[] {
  const lines = new Set<string>();
  for (const part of parseTraceback(traceback)) {
    if (part.kind !== 'frame') continue;
    const source = part.frame.lines[1]?.trim() ?? '';
    if (/^assert\b/.test(source)) lines.add(source);
  }
  return [...lines];
}

/** Problem, code and execution result: the common part of the analyzer's and the refiner's message. */
function feedbackSections(problem: Problem, code: string, outcome: Outcome, mode: HarnessMode): string[] {
  return [
    'Task:',
    taskStatement(problem, mode),
    '',
    'Code that was run:',
    fence(code),
    '',
    'What happened when the tests ran:',
    errorText(outcome, mode),
    '',
    'Failing test:',
    failingTestsText(outcome, mode),
  ];
}

/** What the refiner is asked for, after the feedback. */
const REFINE_REQUEST = 'Write the corrected code. Reply with the complete function only.';

/**
 * `standard` mode: the analyzer is asked for a diagnosis in words; the refiner writes the code.
 * `study` mode: as the study's runner did it, the analyzer gets the very message the refiner would
 * (asking for the corrected code), whatever it then answers; only its role prompt makes it an
 * analyzer. The study's champions were found, and validated, that way. `mode` is the harness
 * mode the code ran in (the execute step's).
 */
export function analyzerMessages(problem: Problem, code: string, outcome: Outcome, systemPrompt: string, mode: HarnessMode): ChatMessage[] {
  const request =
    mode === 'study' ? REFINE_REQUEST : 'Explain what is wrong with this code and how it should be fixed. Answer in words only; do not write code.';
  return chat(systemPrompt, [...feedbackSections(problem, code, outcome, mode), '', request].join('\n'));
}

/**
 * The refiner sees the problem, its previous code, the first 1000 characters of the error, the
 * failing assert, and the analyzer's diagnosis when the stage has an analyzer: its reply without
 * its thinking, which the study's client removed from every reply.
 */
export function refinerMessages(
  problem: Problem,
  code: string,
  outcome: Outcome,
  analysis: string | null,
  systemPrompt: string,
  mode: HarnessMode,
): ChatMessage[] {
  const feedback = feedbackSections(problem, code, outcome, mode);
  if (analysis === null) return chat(systemPrompt, [...feedback, '', REFINE_REQUEST].join('\n'));
  // The study's runner added the analysis after the whole message, request included.
  const diagnosis = ['A reviewer diagnosed the failure as follows:', withoutThinking(analysis)];
  const user = mode === 'study' ? [...feedback, '', REFINE_REQUEST, '', ...diagnosis] : [...feedback, '', ...diagnosis, '', REFINE_REQUEST];
  return chat(systemPrompt, user.join('\n'));
}

/** Text-only control: the planner gets exactly what a generator gets. */
export function plannerMessages(problem: Problem, systemPrompt: string, mode: HarnessMode): ChatMessage[] {
  return chat(systemPrompt, taskStatement(problem, mode));
}

/** Text-only control: the critic reads the code; nothing about any execution reaches it. */
export function criticMessages(problem: Problem, code: string, systemPrompt: string, mode: HarnessMode): ChatMessage[] {
  return chat(
    systemPrompt,
    [
      'Task:',
      taskStatement(problem, mode),
      '',
      'Proposed code (it has not been run):',
      fence(code),
      '',
      'Review this code against the task. List the problems you find, or say that it looks correct.',
    ].join('\n'),
  );
}

/** Text-only control: the reviser gets the code and the critic's review, never an execution result. */
export function reviserMessages(problem: Problem, code: string, review: string, systemPrompt: string, mode: HarnessMode): ChatMessage[] {
  return chat(
    systemPrompt,
    [
      'Task:',
      taskStatement(problem, mode),
      '',
      'Current code:',
      fence(code),
      '',
      "Reviewer's notes:",
      withoutThinking(review),
      '',
      'Write the revised code. Reply with the complete function only.',
    ].join('\n'),
  );
}

function chat(system: string, user: string): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** A prose reply as the next node reads it: thinking removed, ends trimmed. */
function withoutThinking(reply: string): string {
  return removeThinking(reply).text.trim();
}

function fence(code: string): string {
  return '```python\n' + code.trimEnd() + '\n```';
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

function assertNeverOutcome(outcome: never): never {
  throw new Error(`Unexpected outcome: ${JSON.stringify(outcome)}`);
}
