/**
 * The recorded runs of the curated demos (demos.ts), shipped with the app so that a demo plays
 * without a model. Kept apart from the demo list: the recordings are the heavy part, and only the
 * Presenter plays them.
 */
import { readDemoRecording, type DemoRecording } from './demo-recording.ts';
import type { DemoId } from './demos.ts';
import nameErrorJson from './demo-recordings/name-error.json' with { type: 'json' };
import syntaxErrorJson from './demo-recordings/syntax-error.json' with { type: 'json' };
import assertionErrorJson from './demo-recordings/assertion-error.json' with { type: 'json' };

const RECORDINGS: Record<DemoId, unknown> = {
  'name-error': nameErrorJson,
  'syntax-error': syntaxErrorJson,
  'assertion-error': assertionErrorJson,
};

export function demoRecording(id: DemoId): DemoRecording {
  return readDemoRecording(RECORDINGS[id], id);
}
