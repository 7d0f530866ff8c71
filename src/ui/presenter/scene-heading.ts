/** The line over each scene on stage (its kind, its title, and a word on the model at work), and what the stage says aloud. */
import { verdictExplanation, type ExecutionScene, type Scene } from '../../core/presenter/scenes.ts';

export const SCENE_KIND: Record<Scene['kind'], string> = {
  problem: 'Problem',
  generation: 'Generate',
  briefing: 'Feedback',
  analysis: 'Diagnose',
  refinement: 'Refine',
  execution: 'Execute',
  verdict: 'Verdict',
};

export function sceneTitle(scene: Scene, problemId: string): string {
  return scene.kind === 'problem' ? problemId : scene.kind === 'verdict' ? `${problemId}: the verdict` : scene.label;
}

/**
 * The model writing the scene's reply and what it is doing. A live endpoint can take a minute to
 * send its first token: until then it is waiting, not streaming.
 */
export function sceneDetail(scene: Scene): string {
  if (scene.kind !== 'generation' && scene.kind !== 'refinement' && scene.kind !== 'analysis') return '';
  if (scene.cutOff) return `${scene.modelId} · cut off: the run stopped before the reply was finished`;
  if (!scene.streaming) return scene.modelId;
  if (scene.reply === '') return `${scene.modelId} · ${scene.thinking ? 'thinking (its reasoning is not shown)' : 'waiting for its first token'}`;
  return `${scene.modelId} · streaming`;
}

/** The line under the code and tests of a run: running, then its verdict once every test has ticked in. */
export function executionBanner(scene: ExecutionScene): string {
  if (!scene.settled || scene.running) return 'Running the tests in Python…';
  return `${scene.outcome?.kind === 'passed' ? '✓' : '✗'} ${scene.headline}`;
}

/**
 * What the stage's live region says of the scene on stage: a run's banner (running, then its
 * verdict) and the show's verdict with its reason; nothing for the other scenes, whose start the
 * strip under the stage says. The strip keeps quiet on these (see `spokenStrip`): one sentence each.
 */
export function stageSpeech(scene: Scene): string {
  if (scene.kind === 'execution') return executionBanner(scene);
  if (scene.kind === 'verdict') return `${scene.passed ? '✓ Passed' : '✗ Failed'}. ${verdictExplanation(scene)}`;
  return '';
}
