/** The line over each scene on stage: its kind, its title, and a word on the model at work. */
import type { Scene } from '../../core/presenter/scenes.ts';

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
