/**
 * A study that replays a result file: the file's arms run again over its problems, each model
 * call answered with the reply recorded for it instead of being generated. It re-scores recorded
 * replies under another harness mode or with this browser's Python, and demonstrates a study
 * without a GPU.
 *
 * The replay engine finds a reply by problem, node, call and repeat, but not by arm, while two
 * arms of one file (solo and self-refine) both have a llama generator on every problem. So each
 * arm's model keys are renamed `replay:<arm>:<key>`, and each renamed key gets the replies of its
 * own arm. A replayed unit follows its recording as long as the code judged passes or fails the
 * same way; when it takes another path (another harness mode can do that), the model is asked
 * for a call that was never recorded, and the unit ends as errored with that explanation.
 */
import { llmNodes, type Pipeline } from '../../core/pipeline/genome.ts';
import type { ModelStep } from '../../core/pipeline/trajectory.ts';
import type { LanguageModel } from '../../core/ports.ts';
import { unitSteps, type ResultFile } from '../../core/results/result-file.ts';
import { canonicalJson } from '../../core/results/canonical-json.ts';
import type { ModelBinding, StudyArm, StudyConfig } from '../../core/study/config.ts';
import { createReplayModel, type RecordedReply } from '../../llm/replay.ts';

export interface ReplaySource {
  fileName: string;
  doc: ResultFile;
}

/** The model key an arm's original key becomes in a replay study. */
export function replayKey(armId: string, key: string): string {
  return `replay:${armId}:${key}`;
}

/** The file's arms with their model keys renamed per arm. */
export function replayArms(doc: ResultFile): StudyArm[] {
  return doc.config.arms.map((arm) => ({ ...arm, pipeline: renameModels(arm.pipeline, (key) => replayKey(arm.id, key)) }));
}

/** Each renamed key bound to the replay engine, under the model id the file recorded for it. */
export function replayBindings(doc: ResultFile): Record<string, ModelBinding> {
  const bindings: Record<string, ModelBinding> = {};
  for (const arm of doc.config.arms) {
    for (const { node } of llmNodes(arm.pipeline)) {
      const recorded = doc.config.models[node.model];
      bindings[replayKey(arm.id, node.model)] = {
        engine: 'replay',
        id: recorded?.id ?? node.model,
        ...(recorded?.quantization ? { quantization: recorded.quantization } : {}),
      };
    }
  }
  return bindings;
}

/**
 * Why `source` cannot be the file a stored replay study replays, or null when it can be. Resuming
 * a replay takes its replies from the file chosen in the form, whose keys (`replay:<arm>:<key>`)
 * any study with the same arm ids shares: another study's file would answer silently. A file of
 * the same arms, problems, repeats and models is accepted (the study records no more of its file).
 */
export function replaySourceMismatch(config: Pick<StudyConfig, 'benchmark' | 'problemIds' | 'repeats' | 'arms' | 'models'>, source: ReplaySource): string | null {
  const recorded = source.doc.config;
  const differs: string[] = [];
  if (recorded.benchmark !== config.benchmark) differs.push('benchmark');
  if (JSON.stringify(recorded.problemIds) !== JSON.stringify(config.problemIds)) differs.push('problems');
  if (recorded.repeats !== config.repeats) differs.push('repeats');
  if (canonicalJson(replayArms(source.doc)) !== canonicalJson(config.arms)) differs.push('arms');
  if (canonicalJson(replayBindings(source.doc)) !== canonicalJson(config.models)) differs.push('models');
  if (differs.length === 0) return null;
  return (
    `${source.fileName} (“${recorded.name}”) is not the file this study replays: its ${differs.join(', ')} differ. ` +
    'Choose the file the study was started from under “Replay a result file”, then resume it again.'
  );
}

/** A replay model per renamed key, answering from that arm's recorded model steps. */
export function replayModels(doc: ResultFile): Map<string, LanguageModel> {
  const replies = new Map<string, RecordedReply[]>();
  for (const unit of doc.units) {
    // The interpreter numbers the calls of each node from 0 within a unit: count them the same way.
    const calls = new Map<string, number>();
    for (const step of unitSteps(unit)) {
      if (step.kind === 'execute') continue;
      const model = step as ModelStep;
      const callIndex = calls.get(model.nodeId) ?? 0;
      calls.set(model.nodeId, callIndex + 1);
      const key = replayKey(unit.armId, model.modelKey);
      const list = replies.get(key) ?? [];
      list.push({
        problemId: unit.problemId,
        nodeId: model.nodeId,
        iteration: callIndex,
        repeat: unit.repeat,
        text: model.reply,
        completionTokens: model.usage.completionTokens,
        promptTokens: model.usage.promptTokens,
        decodeTokensPerSecond: model.usage.decodeTokensPerSecond,
        timeToFirstTokenMs: model.usage.timeToFirstTokenMs,
        finishReason: model.finishReason,
      });
      replies.set(key, list);
    }
  }
  const bindings = replayBindings(doc);
  const models = new Map<string, LanguageModel>();
  const armOfKey = new Map<string, StudyArm>();
  for (const arm of doc.config.arms) for (const { node } of llmNodes(arm.pipeline)) armOfKey.set(replayKey(arm.id, node.model), arm);
  const recorded = recordedUnits(doc);
  for (const [key, binding] of Object.entries(bindings)) {
    const model = createReplayModel(replies.get(key) ?? [], { id: `replay:${binding.id}` });
    const arm = armOfKey.get(key);
    models.set(key, arm ? lackingUnitsRefused(recorded, arm, model) : model);
  }
  return models;
}

const unitKey = (armId: string, problemId: string, repeat: number | null) => JSON.stringify([armId, problemId, repeat]);

/**
 * The (arm, problem, repeat) of every unit the file holds, and each (arm, problem) with any
 * repeat. A partial file (a study stopped or exported early, one shard of several) lacks units,
 * and a replay has no reply for any of their calls however often it asks.
 */
function recordedUnits(doc: ResultFile): Set<string> {
  const keys = new Set<string>();
  for (const unit of doc.units) {
    keys.add(unitKey(unit.armId, unit.problemId, unit.repeat));
    keys.add(unitKey(unit.armId, unit.problemId, null));
  }
  return keys;
}

/** Says at once, and plainly, that the file never ran a unit, rather than naming the call it lacks. */
function lackingUnitsRefused(recorded: ReadonlySet<string>, arm: StudyArm, model: LanguageModel): LanguageModel {
  return {
    id: model.id,
    async chat(messages, sampling, call) {
      const context = call?.context;
      if (context && !recorded.has(unitKey(arm.id, context.problemId, context.repeat ?? null))) {
        const repeat = context.repeat === undefined ? '' : `, repeat ${context.repeat + 1}`;
        throw new Error(
          `The replayed file holds no run of ${context.problemId} by ${arm.label}${repeat}: the study it came from had not run it ` +
            'when the file was exported, so there is no reply to replay. Open the file (or the shards, merged) that has it, or run it with a model.',
        );
      }
      return model.chat(messages, sampling, call);
    },
  };
}

function renameModels(pipeline: Pipeline, rename: (key: string) => string): Pipeline {
  const copy = structuredClone(pipeline);
  // llmNodes hands out the copy's own node objects, so renaming them renames the copy's models.
  for (const { node } of llmNodes(copy)) node.model = rename(node.model);
  return copy;
}
