/**
 * The presenter's step model: a tape (what has happened so far) turned into the scenes shown one
 * at a time: the problem, each generation, each run of the tests, what each refiner is told, each
 * refinement as a diff against the code before it, and the verdict.
 */
import { codeDiff, type CodeDiff } from '../analysis/code-diff.ts';
import type { Problem } from '../benchmarks/problem.ts';
import { locateCode, type ExtractionRule } from '../harness/extract-code.ts';
import type { HarnessMode, Outcome } from '../harness/outcome.ts';
import type { Pipeline } from '../pipeline/genome.ts';
import type { ExecuteStep, ModelStep, ModelStepKind, Step, StopReason } from '../pipeline/trajectory.ts';
import type { ChatUsage } from '../ports.ts';
import { readBriefing, type Briefing } from './feedback-sections.ts';
import { isBriefed, writesCode, type PendingModelCall, type Tape } from './tape.ts';
import { testCode, testVerdicts, tickCount, type TestCode, type TestVerdicts } from './test-verdicts.ts';
import { failingCodeLine, tracebackLines, type TracebackLine } from './traceback-lines.ts';

export interface ProblemScene {
  kind: 'problem';
  id: string;
  problemId: string;
  /** HumanEval: the prompt (signature and docstring). MBPP: the task text. */
  statement: string;
  /** Null when the benchmark file could not be loaded (a replay shows what the model was sent). */
  tests: TestCode | null;
  /** MBPP sends its tests to the model with the task; HumanEval's stay hidden from it. */
  testsShownToModel: boolean;
}

export interface GenerationScene {
  kind: 'generation';
  id: string;
  stepIndex: number;
  label: string;
  modelId: string;
  reply: string;
  /** The code the harness takes from the reply; null while streaming. */
  code: string | null;
  extraction: ExtractionRule | null;
  streaming: boolean;
  /** The run stopped while the reply arrived: this is as far as it came. */
  cutOff: boolean;
  usage: ChatUsage | null;
  /** Live: the model is reasoning apart from its reply and has written none of it yet. */
  thinking?: boolean;
}

export interface BriefingScene {
  kind: 'briefing';
  id: string;
  stepIndex: number;
  label: string;
  to: ModelStepKind;
  briefing: Briefing;
}

export interface AnalysisScene {
  kind: 'analysis';
  id: string;
  stepIndex: number;
  label: string;
  modelId: string;
  reply: string;
  streaming: boolean;
  cutOff: boolean;
  /** Live: the model is reasoning apart from its reply and has written none of it yet. */
  thinking?: boolean;
}

export interface RefinementScene {
  kind: 'refinement';
  id: string;
  stepIndex: number;
  label: string;
  modelId: string;
  reply: string;
  previousCode: string;
  code: string | null;
  extraction: ExtractionRule | null;
  /** Previous code → new code, once the reply is complete. */
  diff: CodeDiff | null;
  streaming: boolean;
  cutOff: boolean;
  usage: ChatUsage | null;
  /** Live: the model is reasoning apart from its reply and has written none of it yet. */
  thinking?: boolean;
}

export interface ExecutionScene {
  kind: 'execution';
  id: string;
  stepIndex: number;
  label: string;
  code: string;
  running: boolean;
  outcome: Outcome | null;
  tests: TestCode | null;
  verdicts: TestVerdicts | null;
  /** Verdicts revealed so far by the ticking; verdicts past this are drawn as waiting. */
  ticked: number;
  /** Running is over and every verdict has ticked in: the result and traceback can show. */
  settled: boolean;
  traceback: TracebackLine[];
  /** 0-based line of `code` where the error happened, when it happened in the candidate. */
  failingLine: number | null;
  headline: string;
}

export interface VerdictScene {
  kind: 'verdict';
  id: string;
  /** What kind of loop it ends: only a refine loop shows a model what happened when the tests ran. */
  pipelineKind: Pipeline['kind'];
  passed: boolean;
  stopReason: StopReason;
  attempts: number;
  maxAttempts: number;
  /** The version of the code that passed first (1 = the first), null when none did. */
  firstPassed: number | null;
  finalCode: string | null;
}

export type Scene = ProblemScene | GenerationScene | BriefingScene | AnalysisScene | RefinementScene | ExecutionScene | VerdictScene;

export interface SceneInput {
  problem: Problem | null;
  problemId: string;
  pipeline: Pipeline;
  mode: HarnessMode;
  tape: Tape;
  /**
   * The generator's message of a recorded run, for the problem scene without the benchmark file:
   * a replay's tape holds no step yet while the problem is on stage, and its box stood empty.
   */
  recordedTask?: string | null;
}

export function buildScenes(input: SceneInput): Scene[] {
  const { problem, pipeline, tape } = input;
  const tests = problem ? testCode(problem) : null;
  const scenes: Scene[] = [problemScene(input, tests)];
  let code = '';
  const lastIndex = tape.steps.length - 1;
  for (const step of tape.steps) {
    if (step.kind === 'execute') {
      scenes.push(executionScene(input, tests, step, step.index === lastIndex ? tape.ticked : null));
      continue;
    }
    scenes.push(...modelScenes(pipeline, step, code, false, 'done'));
    if (writesCode(step.kind) && step.code !== null) code = step.code;
  }
  const pending = tape.pending;
  if (pending?.kind === 'model') {
    const live = modelScenes(pipeline, pendingAsStep(pending, tape.steps.length), code, !pending.streaming, pending.cutOff ? 'cut-off' : 'streaming');
    scenes.push(...(pending.thinking && !pending.cutOff ? live.map(thinkingScene) : live));
  }
  if (pending?.kind === 'execute') {
    scenes.push({
      kind: 'execution',
      id: `step-${tape.steps.length}`,
      stepIndex: tape.steps.length,
      // Not yet recorded whether this run is the final one: it is when the budget is used up.
      label: executionLabel(Math.max(0, codeVersions(tape) - 1), codeVersions(tape) >= maxAttempts(pipeline)),
      code: pending.code,
      running: true,
      outcome: null,
      tests,
      verdicts: null,
      ticked: 0,
      settled: false,
      traceback: [],
      failingLine: null,
      headline: 'Running the tests…',
    });
  }
  if (tape.end) {
    const executions = tape.steps.filter((s): s is ExecuteStep => s.kind === 'execute');
    scenes.push({
      kind: 'verdict',
      id: 'verdict',
      pipelineKind: pipeline.kind,
      passed: tape.end.passed,
      stopReason: tape.end.stopReason,
      attempts: codeVersions(tape),
      maxAttempts: maxAttempts(pipeline),
      firstPassed: firstPassed(executions),
      finalCode: executions[executions.length - 1]?.code ?? (code || null),
    });
  }
  return scenes;
}

/**
 * The verdict's one sentence of why. Execution feedback is credited only where a model was shown
 * it: a refine loop. Resampling starts afresh each time, and the text-only control runs its code
 * once, at the end, after a critic that only read it.
 */
export function verdictExplanation(scene: VerdictScene): string {
  if (!scene.passed && scene.stopReason === 'time-cap') return 'The time cap for the problem ran out before a version passed.';
  switch (scene.pipelineKind) {
    case 'refine':
      // With forced iterations the last version's run is the verdict, and a refinement can break a version that passed.
      if (!scene.passed && scene.firstPassed !== null) return `Version ${scene.firstPassed} passed, but a later refinement broke it: the last version fails.`;
      if (!scene.passed) return `No version passed: the budget of ${scene.maxAttempts} version${scene.maxAttempts === 1 ? '' : 's'} is spent.`;
      // With forced iterations a version that passed is refined anyway: the first pass tells what fixed it.
      if (scene.firstPassed === 1) {
        return scene.attempts === 1 ? 'The first version passed: no refinement was needed.' : 'The first version passed already; refined anyway, the last still passes every test.';
      }
      return `Execution feedback fixed it: version ${scene.firstPassed ?? scene.attempts} of at most ${scene.maxAttempts} passed every test.`;
    case 'resample':
      if (!scene.passed) return `No sample passed: all ${scene.maxAttempts} were fresh tries, none shown what happened to the others.`;
      return scene.firstPassed === 1
        ? 'The first sample passed.'
        : `Sample ${scene.firstPassed ?? scene.attempts} of at most ${scene.maxAttempts} passed: a fresh try, not a fix (no model is shown an execution result).`;
    case 'text-only':
      return `The final revision ${scene.passed ? 'passed every test' : 'failed'} on the only run of the code: no model was shown an execution result, only a critic's reading of the code.`;
    default: {
      const never: never = scene.pipelineKind;
      throw new Error(`Unknown pipeline kind ${String(never)}.`);
    }
  }
}

/** The version whose run passed first (executions record the 0-based version they ran). */
function firstPassed(executions: readonly ExecuteStep[]): number | null {
  const run = executions.find((e) => e.outcome.kind === 'passed');
  return run ? run.attempt + 1 : null;
}

/** Versions of the code written so far (the first generation is version 1), counting one being written. */
export function codeVersions(tape: Tape): number {
  const done = tape.steps.filter((s) => s.kind !== 'execute' && writesCode(s.kind)).length;
  return done + (tape.pending?.kind === 'model' && writesCode(tape.pending.stepKind) ? 1 : 0);
}

/** The most versions of the code a pipeline can write on one problem: its budget. */
export function maxAttempts(pipeline: Pipeline): number {
  switch (pipeline.kind) {
    case 'refine':
      return 1 + pipeline.stages.reduce((n, s) => n + s.maxIterations, 0);
    case 'resample':
      return pipeline.k;
    case 'text-only':
      return 1 + pipeline.rounds;
    default: {
      const never: never = pipeline;
      throw new Error(`Unknown pipeline ${JSON.stringify(never)}.`);
    }
  }
}

function problemScene(input: SceneInput, tests: TestCode | null): ProblemScene {
  const { problem, tape } = input;
  let statement = '';
  if (problem) statement = problem.benchmark === 'humaneval' ? problem.prompt.replace(/^\n+/, '').trimEnd() : problem.prompt.trim();
  else {
    // Without the benchmark file, the generator's message is the task as the model saw it.
    const first = tape.steps.find((s): s is ModelStep => s.kind !== 'execute') ?? (tape.pending?.kind === 'model' ? tape.pending : null);
    statement = (first ? taskOf(first) : input.recordedTask)?.trimEnd() ?? '';
  }
  return { kind: 'problem', id: 'problem', problemId: input.problemId, statement, tests, testsShownToModel: problem?.benchmark === 'mbpp' };
}

/** A model step's user message: the task as the model saw it. */
function taskOf(step: Pick<ModelStep, 'messages'>): string | undefined {
  return step.messages.find((m) => m.role === 'user')?.content;
}

/** The task as the first model step of a recorded run saw it, for `SceneInput.recordedTask`. */
export function recordedTaskOf(steps: readonly Step[]): string | null {
  const first = steps.find((s): s is ModelStep => s.kind !== 'execute');
  return (first && taskOf(first)) ?? null;
}

/** A model call in flight, shaped like the step it will become. */
function pendingAsStep(pending: PendingModelCall, index: number): ModelStep {
  return {
    index,
    kind: pending.stepKind,
    nodeId: pending.nodeId,
    stage: pending.stage,
    iteration: pending.iteration,
    startedAt: 0,
    endedAt: 0,
    modelKey: '',
    modelId: pending.modelId,
    temperature: 0,
    maxTokens: 0,
    promptId: null,
    messages: pending.messages,
    reply: pending.text,
    finishReason: '',
    code: null,
    extraction: null,
    usage: { promptTokens: 0, completionTokens: pending.tokens, timeToFirstTokenMs: 0, decodeTokensPerSecond: pending.tokensPerSecond ?? 0, totalMs: 0 },
  };
}

/**
 * The scenes of one model step: what it is told (for refiners, analyzers, critics and revisers),
 * then its reply. `briefingOnly`: the call has started but its reply has not, so only the
 * briefing shows yet. `reply`: complete, still arriving, or cut off by the run stopping.
 */
/** A reply scene whose model is reasoning apart from the reply; other scenes as they are. */
function thinkingScene(scene: Scene): Scene {
  return scene.kind === 'generation' || scene.kind === 'refinement' || scene.kind === 'analysis' ? { ...scene, thinking: true } : scene;
}

function modelScenes(pipeline: Pipeline, step: ModelStep, previousCode: string, briefingOnly: boolean, reply: 'done' | 'streaming' | 'cut-off'): Scene[] {
  const id = `step-${step.index}`;
  const label = modelLabel(pipeline, step);
  const scenes: Scene[] = [];
  if (isBriefed(step.kind)) {
    scenes.push({ kind: 'briefing', id: `${id}-briefing`, stepIndex: step.index, label: briefingLabel(step.kind, label), to: step.kind, briefing: readBriefing(step.messages) });
  }
  if (briefingOnly) return scenes;
  const streaming = reply === 'streaming';
  const cutOff = reply === 'cut-off';
  const usage = reply === 'done' ? step.usage : null;
  const located = reply === 'done' && step.code !== null ? { code: step.code, rule: step.extraction } : null;
  if (step.kind === 'analyze' || step.kind === 'critique') {
    scenes.push({ kind: 'analysis', id, stepIndex: step.index, label, modelId: step.modelId, reply: step.reply, streaming, cutOff });
  } else if ((step.kind === 'refine' || step.kind === 'revise') && previousCode !== '') {
    const code = located?.code ?? null;
    scenes.push({
      kind: 'refinement',
      id,
      stepIndex: step.index,
      label,
      modelId: step.modelId,
      reply: step.reply,
      previousCode,
      code,
      extraction: located?.rule ?? null,
      diff: code === null ? null : codeDiff(previousCode, code),
      streaming,
      cutOff,
      usage,
    });
  } else {
    // A recorded step from an older file may lack `extraction`; the reply still says where the code is.
    const rule = located ? (located.rule ?? locateCode(step.reply).rule) : null;
    scenes.push({ kind: 'generation', id, stepIndex: step.index, label, modelId: step.modelId, reply: step.reply, code: located?.code ?? null, extraction: rule, streaming, cutOff, usage });
  }
  return scenes;
}

function executionScene(input: SceneInput, tests: TestCode | null, step: ExecuteStep, ticked: number | null): ExecutionScene {
  const verdicts = tests ? testVerdicts(tests, step.outcome) : null;
  const ticks = verdicts ? tickCount(verdicts) : 0;
  const shown = ticked === null ? (verdicts?.verdicts.length ?? 0) : Math.min(ticked, verdicts?.verdicts.length ?? 0);
  const traceback = step.outcome.kind === 'failed' ? step.outcome.traceback : '';
  return {
    kind: 'execution',
    id: `step-${step.index}`,
    stepIndex: step.index,
    label: executionLabel(step.attempt, step.final),
    code: step.code,
    running: false,
    outcome: step.outcome,
    tests,
    verdicts,
    ticked: shown,
    settled: ticked === null || ticked >= ticks,
    traceback: traceback ? tracebackLines(traceback) : [],
    failingLine: input.problem && traceback ? failingCodeLine(traceback, input.problem, step.code, step.mode) : null,
    headline: headline(step.outcome, verdicts),
  };
}

export function headline(outcome: Outcome, verdicts: TestVerdicts | null): string {
  switch (outcome.kind) {
    case 'passed':
      return verdicts && verdicts.verdicts.length > 0 ? `All ${verdicts.verdicts.length} tests passed` : 'Every test passed';
    case 'timed-out':
      return `Timed out after ${(outcome.limitMs / 1000).toFixed(outcome.limitMs % 1000 === 0 ? 0 : 1)} s`;
    case 'failed': {
      const what = `${outcome.errorType}${outcome.message ? `: ${outcome.message}` : ''}`;
      if (verdicts?.beforeTests) return `${what} (before any test ran)`;
      if (verdicts && verdicts.stoppedAt !== null) return `${what} (in test ${verdicts.stoppedAt + 1} of ${verdicts.verdicts.length})`;
      return what;
    }
    default: {
      const never: never = outcome;
      throw new Error(`Unknown outcome ${JSON.stringify(never)}.`);
    }
  }
}

function executionLabel(attempt: number, final: boolean): string {
  return final && attempt > 0 ? `Final run (version ${attempt + 1})` : `Run ${attempt + 1}`;
}

function modelLabel(pipeline: Pipeline, step: ModelStep): string {
  const stage = pipeline.kind === 'refine' && pipeline.stages.length > 1 && step.stage !== null ? ` · stage ${step.stage}` : '';
  switch (step.kind) {
    case 'generate':
      return pipeline.kind === 'resample' ? `Sample ${step.iteration} of ${pipeline.k}` : 'Generation';
    case 'refine':
      return `Refinement ${step.iteration}${stage}`;
    case 'analyze':
      return `Diagnosis ${step.iteration}${stage}`;
    case 'plan':
      return 'Plan and code';
    case 'critique':
      return `Review ${step.iteration}`;
    case 'revise':
      return `Revision ${step.iteration}`;
    default: {
      const never: never = step.kind;
      throw new Error(`Unknown step kind ${String(never)}.`);
    }
  }
}

function briefingLabel(kind: ModelStepKind, label: string): string {
  const who = kind === 'analyze' ? 'analyzer' : kind === 'critique' ? 'critic' : kind === 'revise' ? 'reviser' : 'refiner';
  return `What the ${who} is told · ${label}`;
}
