/**
 * A demo recording: one trajectory shipped with the app, so the presenter can show the loop
 * offline, with no GPU and no result file. The replies in them were written by hand in the
 * style of a 3B model (see `note`), and their outcomes come from running that code in the real
 * sandbox (tests/unit/presenter/record-demos.ts writes them), so every traceback is genuine.
 */
import type { HarnessMode } from '../harness/outcome.ts';
import type { Trajectory } from '../pipeline/trajectory.ts';

export const DEMO_RECORDING_FORMAT = 'feedback-lab/presenter-demo';
export const DEMO_RECORDING_VERSION = 1;

export interface DemoRecording {
  format: typeof DEMO_RECORDING_FORMAT;
  version: typeof DEMO_RECORDING_VERSION;
  demoId: string;
  /** Who wrote the replies and how the outcomes were produced: shown next to the demo. */
  note: string;
  problemId: string;
  pipelineId: string;
  mode: HarnessMode;
  trajectory: Trajectory;
}

/** Checks the parts the presenter relies on; the JSON files are ours, so this guards against edits, not attacks. */
export function readDemoRecording(value: unknown, expectedId: string): DemoRecording {
  const doc = value as Partial<DemoRecording> | null;
  const problems: string[] = [];
  if (!doc || typeof doc !== 'object') throw new Error(`Demo recording ${expectedId} is not an object.`);
  if (doc.format !== DEMO_RECORDING_FORMAT) problems.push(`format is ${String(doc.format)}`);
  if (doc.version !== DEMO_RECORDING_VERSION) problems.push(`version is ${String(doc.version)}`);
  if (doc.demoId !== expectedId) problems.push(`demoId is ${String(doc.demoId)}`);
  const trajectory = doc.trajectory;
  if (!trajectory || !Array.isArray(trajectory.steps) || trajectory.steps.length === 0) problems.push('it has no steps');
  else if (trajectory.problemId !== doc.problemId) problems.push('its trajectory is for another problem');
  if (problems.length > 0) throw new Error(`Demo recording ${expectedId} is broken: ${problems.join('; ')}.`);
  return doc as DemoRecording;
}
