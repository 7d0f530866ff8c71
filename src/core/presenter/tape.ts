/**
 * A tape: how much of one trajectory the presenter shows right now. A replay cuts a recorded
 * trajectory at the playback clock (playback.ts); a live run builds one as the model streams
 * and the sandbox runs (live-tape.ts). Scenes are drawn from a tape alone, so both look the same.
 */
import type { ChatMessage } from '../ports.ts';
import type { ModelStepKind, Step, StopReason } from '../pipeline/trajectory.ts';

/** A model call under way: the messages it was sent, and the reply so far. */
export interface PendingModelCall {
  kind: 'model';
  stepKind: ModelStepKind;
  nodeId: string;
  stage: number | null;
  iteration: number;
  modelId: string;
  messages: ChatMessage[];
  text: string;
  /** False while the presenter still shows what the node is told, before its reply starts. */
  streaming: boolean;
  /** Decode speed so far, null until it can be measured. */
  tokensPerSecond: number | null;
  /** Streamed pieces so far. */
  tokens: number;
  /** The model is reasoning (reasoning sent apart from the reply, which is not shown) and has written no reply yet. */
  thinking?: boolean;
  /** Set when the run stopped (an endpoint gone silent) before the reply was finished: it never will be. */
  cutOff?: boolean;
}

/** An execution under way. */
export interface PendingExecution {
  kind: 'execute';
  nodeId: string;
  code: string;
}

export interface TapeEnd {
  passed: boolean;
  stopReason: StopReason;
}

export interface Tape {
  steps: readonly Step[];
  pending: PendingModelCall | PendingExecution | null;
  /** How many test verdicts of the last step (an execution) have ticked in; null shows them all. */
  ticked: number | null;
  /** Set once the run has ended. */
  end: TapeEnd | null;
  /** Run time the tape covers: recorded time for a replay, wall time for a live run. */
  elapsedMs: number;
}

export const EMPTY_TAPE: Tape = { steps: [], pending: null, ticked: null, end: null, elapsedMs: 0 };

/** The step kind a node's calls record, from its id (`generator`, `stage2.refiner`, `critic`…). */
export function stepKindOfNode(nodeId: string): ModelStepKind {
  const role = nodeId.includes('.') ? nodeId.slice(nodeId.lastIndexOf('.') + 1) : nodeId;
  switch (role) {
    case 'analyzer':
      return 'analyze';
    case 'refiner':
      return 'refine';
    case 'planner':
      return 'plan';
    case 'critic':
      return 'critique';
    case 'reviser':
      return 'revise';
    default:
      return 'generate';
  }
}

/** The 1-based stage in a node id (`stage2.refiner` → 2), or null outside stages. */
export function stageOfNode(nodeId: string): number | null {
  const match = /^stage(\d+)\./.exec(nodeId);
  return match ? Number(match[1]) : null;
}

/** Model steps whose reply is new code (a refiner's), as opposed to prose (an analyzer's). */
export function writesCode(kind: ModelStepKind): boolean {
  return kind === 'generate' || kind === 'refine' || kind === 'plan' || kind === 'revise';
}

/** Model steps that are told about earlier work (feedback, a review), so the presenter shows that first. */
export function isBriefed(kind: ModelStepKind): boolean {
  return kind === 'refine' || kind === 'analyze' || kind === 'critique' || kind === 'revise';
}
