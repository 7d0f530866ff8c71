/**
 * The error for a model load that stopped moving: no progress report for longer than its
 * phase's limit. Said in terms of what was happening and for how long, since "it timed out"
 * alone does not tell a person whether to wait, retry or change something.
 */
import { WebLLMEngineError } from './webllm-errors.ts';
import type { LoadPhase } from './webllm-progress.ts';

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
