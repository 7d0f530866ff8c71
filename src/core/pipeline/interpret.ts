/**
 * The pipeline interpreter: one problem through one pipeline, via ports. The whole experiment
 * logic of a trajectory is here; the world (models, sandbox, clock) arrives as arguments.
 *
 * Refine pipelines follow the study: generate; then for each stage, for each iteration, execute,
 * return at the first pass (early stopping), else analyze (if the stage has an analyzer) and
 * refine; after the last stage's last refinement, one final execution. With early stopping off
 * (or `forcedIterations`), every iteration runs and every verdict is recorded.
 */
import type { Problem } from '../benchmarks/problem.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import type { SandboxLimits } from '../ports.ts';
import { resolvePrompt, type PromptSet } from '../prompts/prompt-set.ts';
import {
  assertNever,
  stageNodeId,
  type LlmNode,
  type Pipeline,
  type RefinePipeline,
  type ResamplePipeline,
  type TextOnlyPipeline,
} from './genome.ts';
import {
  analyzerMessages,
  criticMessages,
  generatorMessages,
  plannerMessages,
  refinerMessages,
  reviserMessages,
} from './messages.ts';
import { StepRunner, TimeCapReached, type InterpreterPorts, type ReplayDivergence } from './step-runner.ts';
import type { ExecuteStep, Step, StopReason, Trajectory } from './trajectory.ts';

export type { InterpreterPorts, ReplayDivergence } from './step-runner.ts';

/** The study's cap on one pipeline run on one problem. */
export const PROBLEM_TIME_CAP_MS = 120_000;

export interface RunProblemOptions {
  mode: HarnessMode;
  /** Sandbox limits; by default the harness's limits for the problem and mode. */
  limits?: SandboxLimits;
  /** Run every iteration even after a pass, recording every verdict (iteration tables). */
  forcedIterations?: boolean;
  problemTimeCapMs?: number;
  /** Repeat index of the study arm; passed to every chat call's context. */
  repeat?: number;
  /** Aborting rejects runProblem with an AbortError; the steps reported so far stay valid for resume. */
  signal?: AbortSignal;
  /** Clock for timestamps and the time cap; `performance.now` by default. */
  now?: () => number;
  /**
   * Time `now` has left out so far as the machine's suspension (awake-clock.ts). The cap's timer
   * cannot leave it out: when it fires after a suspension with time left, it waits out the rest.
   */
  suspendedMs?: () => number;
  /** Called as each new step completes (not for replayed ones), so a runner can persist it. */
  onStep?: (step: Step) => void;
  /** Streamed reply text, for showing progress. */
  onToken?: (delta: string, at: { nodeId: string; iteration: number }) => void;
  /** Each piece of reasoning a server streams apart from the reply: the model is at work. */
  onReasoning?: () => void;
  /**
   * Steps already persisted for this problem and pipeline: they are replayed (their recorded
   * replies and outcomes reused, no port called) and the run continues after the last one.
   */
  priorSteps?: readonly Step[];
  /**
   * Called when a recorded step no longer fits what the pipeline sends now (after an update of
   * the app): the steps before it are kept, it and the later ones are dropped, and the run goes
   * on live from there. Without it, such a step makes runProblem reject.
   */
  onReplayDiverged?: (divergence: ReplayDivergence) => void;
  /** Loaded prompt set; prompt ids resolve there first, then in the built-in pool. */
  promptSet?: PromptSet;
}

export async function runProblem(
  problem: Problem,
  pipeline: Pipeline,
  ports: InterpreterPorts,
  options: RunProblemOptions,
): Promise<Trajectory> {
  const runner = new StepRunner(problem, ports, {
    mode: options.mode,
    ...(options.limits ? { limits: options.limits } : {}),
    problemTimeCapMs: options.problemTimeCapMs ?? PROBLEM_TIME_CAP_MS,
    ...(options.repeat !== undefined ? { repeat: options.repeat } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    now: options.now ?? (() => performance.now()),
    ...(options.suspendedMs ? { suspendedMs: options.suspendedMs } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.onToken ? { onToken: options.onToken } : {}),
    ...(options.onReasoning ? { onReasoning: options.onReasoning } : {}),
    priorSteps: options.priorSteps ?? [],
    ...(options.onReplayDiverged ? { onReplayDiverged: options.onReplayDiverged } : {}),
  });
  const flow = new Flow(problem, runner, options);
  let end: FlowEnd;
  try {
    switch (pipeline.kind) {
      case 'refine':
        end = await flow.refine(pipeline);
        break;
      case 'text-only':
        end = await flow.textOnly(pipeline);
        break;
      case 'resample':
        end = await flow.resample(pipeline);
        break;
      default:
        return assertNever(pipeline);
    }
    runner.assertReplayFinished();
  } catch (error) {
    if (!(error instanceof TimeCapReached)) throw error;
    const executions = runner.steps.filter((s): s is ExecuteStep => s.kind === 'execute');
    end = { stopReason: 'time-cap', verdict: executions[executions.length - 1] ?? null, code: flow.latestCode };
  }
  return {
    problemId: problem.id,
    pipelineId: pipeline.id,
    repeat: options.repeat ?? null,
    mode: options.mode,
    steps: runner.steps,
    verdict: end.verdict?.outcome ?? null,
    passed: end.stopReason !== 'time-cap' && end.verdict?.outcome.kind === 'passed',
    finalCode: end.verdict && end.stopReason !== 'time-cap' ? end.verdict.code : end.code,
    stopReason: end.stopReason,
  };
}

interface FlowEnd {
  stopReason: StopReason;
  /** The deciding execution. */
  verdict: ExecuteStep | null;
  /** The latest code, for a run the cap cut short. */
  code: string | null;
}

/** The three pipeline shapes as sequences of steps. */
class Flow {
  latestCode: string | null = null;
  readonly #problem: Problem;
  readonly #runner: StepRunner;
  readonly #options: RunProblemOptions;

  constructor(problem: Problem, runner: StepRunner, options: RunProblemOptions) {
    this.#problem = problem;
    this.#runner = runner;
    this.#options = options;
  }

  async refine(pipeline: RefinePipeline): Promise<FlowEnd> {
    const problem = this.#problem;
    const earlyStopping = pipeline.earlyStopping && !this.#options.forcedIterations;
    const generator = this.#prompt(pipeline.generator);
    const generated = await this.#runner.model({
      kind: 'generate',
      nodeId: 'generator',
      stage: null,
      iteration: 0,
      callIndex: 0,
      node: pipeline.generator,
      promptId: generator.id,
      messages: generatorMessages(problem, generator.text, this.#options.mode),
      extractCode: true,
    });
    let code = this.#code(generated.code);
    let attempt = 0;

    for (const [s, stage] of pipeline.stages.entries()) {
      for (let iteration = 1; iteration <= stage.maxIterations; iteration++) {
        const executed = await this.#runner.execute({
          nodeId: stageNodeId(s, 'executor'),
          stage: s + 1,
          iteration,
          attempt,
          final: false,
          code,
        });
        if (earlyStopping && executed.outcome.kind === 'passed') {
          return { stopReason: 'early-stop', verdict: executed, code };
        }
        let analysis: string | null = null;
        if (stage.analyzer) {
          const analyzer = this.#prompt(stage.analyzer);
          const analyzed = await this.#runner.model({
            kind: 'analyze',
            nodeId: stageNodeId(s, 'analyzer'),
            stage: s + 1,
            iteration,
            callIndex: iteration - 1,
            node: stage.analyzer,
            promptId: analyzer.id,
            messages: analyzerMessages(problem, code, executed.outcome, analyzer.text, executed.mode),
            extractCode: false,
          });
          analysis = analyzed.reply;
        }
        const refiner = this.#prompt(stage.refiner);
        const refined = await this.#runner.model({
          kind: 'refine',
          nodeId: stageNodeId(s, 'refiner'),
          stage: s + 1,
          iteration,
          callIndex: iteration - 1,
          node: stage.refiner,
          promptId: refiner.id,
          messages: refinerMessages(problem, code, executed.outcome, analysis, refiner.text, executed.mode),
          extractCode: true,
        });
        code = this.#code(refined.code);
        attempt++;
      }
    }

    const final = await this.#runner.execute({ nodeId: 'final.executor', stage: null, iteration: 0, attempt, final: true, code });
    return { stopReason: 'completed', verdict: final, code };
  }

  async resample(pipeline: ResamplePipeline): Promise<FlowEnd> {
    const earlyStopping = !this.#options.forcedIterations;
    const generator = this.#prompt(pipeline.generator);
    let firstPass: ExecuteStep | null = null;
    let last: ExecuteStep | null = null;
    for (let sample = 1; sample <= pipeline.k; sample++) {
      const generated = await this.#runner.model({
        kind: 'generate',
        nodeId: 'generator',
        stage: null,
        iteration: sample,
        callIndex: sample - 1,
        node: pipeline.generator,
        promptId: generator.id,
        // Every sample gets the same fresh chat: independent draws, no feedback between them.
        messages: generatorMessages(this.#problem, generator.text, this.#options.mode),
        extractCode: true,
      });
      const code = this.#code(generated.code);
      last = await this.#runner.execute({
        nodeId: 'executor',
        stage: null,
        iteration: sample,
        attempt: sample - 1,
        final: sample === pipeline.k,
        code,
      });
      if (last.outcome.kind === 'passed') {
        firstPass ??= last;
        if (earlyStopping) return { stopReason: sample < pipeline.k ? 'early-stop' : 'completed', verdict: last, code };
      }
    }
    return { stopReason: 'completed', verdict: firstPass ?? last, code: (firstPass ?? last)?.code ?? null };
  }

  async textOnly(pipeline: TextOnlyPipeline): Promise<FlowEnd> {
    const problem = this.#problem;
    const planner = this.#prompt(pipeline.planner);
    const critic = this.#prompt(pipeline.critic);
    const reviser = this.#prompt(pipeline.reviser);
    const planned = await this.#runner.model({
      kind: 'plan',
      nodeId: 'planner',
      stage: null,
      iteration: 0,
      callIndex: 0,
      node: pipeline.planner,
      promptId: planner.id,
      messages: plannerMessages(problem, planner.text, this.#options.mode),
      extractCode: true,
    });
    let code = this.#code(planned.code);
    // No execution happens until the end, so no model can see an execution result.
    for (let round = 1; round <= pipeline.rounds; round++) {
      const critique = await this.#runner.model({
        kind: 'critique',
        nodeId: 'critic',
        stage: null,
        iteration: round,
        callIndex: round - 1,
        node: pipeline.critic,
        promptId: critic.id,
        messages: criticMessages(problem, code, critic.text, this.#options.mode),
        extractCode: false,
      });
      const revised = await this.#runner.model({
        kind: 'revise',
        nodeId: 'reviser',
        stage: null,
        iteration: round,
        callIndex: round - 1,
        node: pipeline.reviser,
        promptId: reviser.id,
        messages: reviserMessages(problem, code, critique.reply, reviser.text, this.#options.mode),
        extractCode: true,
      });
      code = this.#code(revised.code);
    }
    const final = await this.#runner.execute({
      nodeId: 'executor',
      stage: null,
      iteration: 0,
      attempt: pipeline.rounds,
      final: true,
      code,
    });
    return { stopReason: 'completed', verdict: final, code };
  }

  #prompt(node: LlmNode): { id: string | null; text: string } {
    const resolved = resolvePrompt(node.prompt, this.#options.promptSet);
    return { id: resolved.id, text: resolved.text };
  }

  /** Remembers the newest code, so a run the time cap cuts short still reports it. */
  #code(code: string | null): string {
    this.latestCode = code ?? '';
    return this.latestCode;
  }
}
