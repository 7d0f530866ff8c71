/**
 * The error for a model load that stopped moving: no progress report for longer than its
 * phase's limit. Said in terms of what was happening and for how long, since "it timed out"
 * alone does not tell a person whether to wait, retry or change something.
 */
import { WebLLMEngineError } from './webllm-errors.ts';
import type { LoadPhase } from './webllm-progress.ts';

/** Longest silence allowed in a load, per phase of it. */
export interface LoadStallLimits {
  /**
   * Network phases ('starting', 'downloading'). WebLLM reports once per finished weight shard
   * (about 30 MB) with four shards in flight, so its first report after "Start to fetch params"
   * comes after some 120 MB: at 3.5 Mbit/s that is nearly five minutes of silence.
   */
  network: number;
  /**
   * Local phases ('reading-cache', 'compiling'): reports come per shard read and per finished
   * shader, but a software adapter (SwiftShader) on a busy CPU can take long over one shader.
   */
  local: number;
}

export const DEFAULT_LOAD_STALL_LIMITS: LoadStallLimits = { network: 5 * 60_000, local: 3 * 60_000 };

export function stallLimitMs(phase: LoadPhase, limits: LoadStallLimits = DEFAULT_LOAD_STALL_LIMITS): number {
  return phase === 'reading-cache' || phase === 'compiling' ? limits.local : limits.network;
}

/** Silence shorter than this is ordinary between WebLLM's reports and goes unmentioned. */
const QUIET_WORTH_SAYING_MS = 30_000;

/**
 * For the progress line: how long nothing has come, once that is long enough to worry someone
 * watching a bar that does not move, and when the load will be given up. Empty before that.
 */
export function quietNote(phase: LoadPhase, quietMs: number, limits: LoadStallLimits = DEFAULT_LOAD_STALL_LIMITS): string {
  if (quietMs < QUIET_WORTH_SAYING_MS) return '';
  const quiet = Math.floor(quietMs / 10_000) * 10;
  const quietText = quiet < 120 ? `${quiet} s` : `${Math.floor(quiet / 60)} min`;
  return `nothing new for ${quietText}; the load stops if nothing comes for ${minutesOrSeconds(stallLimitMs(phase, limits))}`;
}

const DOING: Record<LoadPhase, string> = {
  starting: 'fetching the model configuration and library',
  downloading: 'downloading weights',
  'reading-cache': 'reading weights from this browser’s cache',
  compiling: 'preparing GPU shaders',
  ready: 'finishing the load',
};

function minutesOrSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} seconds`;
  return `${Math.round(seconds / 60)} minutes`;
}

export function loadStalledError(phase: LoadPhase, limitMs: number, modelIds: readonly string[]): WebLLMEngineError {
  const quiet = minutesOrSeconds(limitMs);
  const local = phase === 'reading-cache' || phase === 'compiling';
  return new WebLLMEngineError({
    kind: 'stalled',
    title: 'The model load stopped making progress',
    explanation: local
      ? `Nothing moved for ${quiet} while ${DOING[phase]}: the GPU or its driver stopped answering, so the load was stopped.`
      : `Nothing arrived for ${quiet} while ${DOING[phase]}: the connection or the model server stalled, so the load was stopped.`,
    nextStep: local
      ? 'Try again; if it stalls again, close other GPU-heavy tabs or reload the page.'
      : 'Try again: files that finished downloading are kept, so it resumes. If it stalls again, check the connection and the model files location under "Where model files come from".',
    raw: `No load progress for ${Math.round(limitMs / 1000)} s while ${DOING[phase]} (${modelIds.join(', ')})`,
  });
}
