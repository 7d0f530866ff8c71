/**
 * The record of one problem through one pipeline: every step in order, each a plain serialisable
 * object, so a study runner can persist steps one by one and a result file can hold them all.
 */
import type { ExtractionRule } from '../harness/extract-code.ts';
import type { HarnessMode, Outcome } from '../harness/outcome.ts';
import type { ChatMessage, ChatUsage, SandboxLimits } from '../ports.ts';

export type ModelStepKind = 'generate' | 'analyze' | 'refine' | 'plan' | 'critique' | 'revise';
export type StepKind = ModelStepKind | 'execute';

interface StepCommon {
  /** Position in the trajectory, from 0. */
  index: number;
  /** `generator`, `stage1.analyzer`, `stage1.refiner`, `stage1.executor`, `final.executor`, `planner`… */
  nodeId: string;
  /** 1-based stage of a refine pipeline; null for steps outside a stage. */
  stage: number | null;
  /**
   * 1-based iteration within the stage, round of the text-only control, or sample of the
   * resample control; 0 for the first generation, the plan and the final execution.
   */
  iteration: number;
  /** Readings of the interpreter's clock (`options.now`). */
  startedAt: number;
  endedAt: number;
}

export interface ModelStep extends StepCommon {
  kind: ModelStepKind;
  /** The key the pipeline names (`llama3.2:3b`) and the id the engine reports for it. */
  modelKey: string;
  modelId: string;
  temperature: number;
  maxTokens: number;
  /** The role prompt's id, or null for a prompt written inline in the pipeline. */
  promptId: string | null;
  /** Exactly what was sent: one system and one user message. */
  messages: ChatMessage[];
  reply: string;
  finishReason: string;
  /** Code extracted from the reply; null for analyze and critique steps, which answer in prose. */
  code: string | null;
  /** The rule that found `code`; study mode's rules are named `study-…`. */
  extraction: ExtractionRule | null;
  /** Present (true) when complete thinking blocks (`<think>…</think>`…) were removed from the reply before extraction. */
  thinkingRemoved?: true;
  usage: ChatUsage;
}

export interface ExecuteStep extends StepCommon {
  kind: 'execute';
  /** Which version of the code this judges: 0 for the first generation, +1 for each new version. */
  attempt: number;
  /** The execution after the last stage (the text-only control's only one, the resample's last). */
  final: boolean;
  code: string;
  mode: HarnessMode;
  limits: SandboxLimits;
  outcome: Outcome;
}

export type Step = ModelStep | ExecuteStep;

/**
 * `early-stop`: an execution passed and the pipeline returned before using its whole budget.
 * `completed`: the pipeline ran to its end (the verdict may be a pass or a failure).
 * `time-cap`: the per-problem time cap (120 s in the study) ran out; the problem counts as failed.
 */
export type StopReason = 'early-stop' | 'completed' | 'time-cap';

export interface Trajectory {
  problemId: string;
  pipelineId: string;
  repeat: number | null;
  mode: HarnessMode;
  steps: Step[];
  /** The deciding execution's outcome (the last one; for resample the first pass), null if none ran. */
  verdict: Outcome | null;
  /** The verdict passed and the time cap did not cut the run short. */
  passed: boolean;
  /** The code the verdict judged, or the latest code when the cap stopped the run. */
  finalCode: string | null;
  stopReason: StopReason;
}

export function isExecuteStep(step: Step): step is ExecuteStep {
  return step.kind === 'execute';
}

/** Every execution's verdict in order: raw[k] of the iteration tables is `executions(t)[k]`. */
export function executions(trajectory: Trajectory): ExecuteStep[] {
  return trajectory.steps.filter(isExecuteStep);
}
