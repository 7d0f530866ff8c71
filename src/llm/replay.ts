/**
 * A LanguageModel that answers from recorded replies instead of generating: re-scoring a
 * study's trajectories, demonstrating a run without a GPU, or testing the pipeline against real
 * model output. Each request is matched to its recording by where it comes from in the pipeline
 * (`call.context`: problem, node, iteration and optionally repeat), never by prompt text, so a
 * change in prompt wording does not silently change which reply is replayed.
 */
import { sleep, throwIfAborted } from '../core/llm/abort.ts';
import { splitIntoPieces } from '../core/llm/token-pieces.ts';
import type { ChatContext, ChatReply, ChatUsage, LanguageModel } from '../core/ports.ts';

/**
 * The least a result file must hold per model call for it to be replayed. The result-file
 * format maps its steps into these.
 */
export interface RecordedReply {
  problemId: string;
  nodeId: string;
  iteration: number;
  /** Which repeat of the study arm this reply belongs to, when several were recorded. */
  repeat?: number;
  text: string;
  completionTokens: number;
  decodeTokensPerSecond?: number;
  timeToFirstTokenMs?: number;
  promptTokens?: number;
  finishReason?: string;
}

export interface ReplayOptions {
  /**
   * `instant` (default): the whole reply at once. `recorded`: the recorded wait for the first
   * token, then one piece per recorded token at the recorded decode speed. A number: the
   * recorded pace sped up by that factor (2 = twice as fast).
   */
  pace?: 'instant' | 'recorded' | number;
  /** Recorded as the model id in results (default `replay`). */
  id?: string;
}

const keyOf = (problemId: string, nodeId: string, iteration: number, repeat: number | undefined) =>
  JSON.stringify([problemId, nodeId, iteration, repeat ?? null]);

function describe(context: ChatContext): string {
  const repeat = context.repeat === undefined ? '' : `, repeat ${context.repeat}`;
  return `problem ${context.problemId}, node ${context.nodeId}, iteration ${context.iteration}${repeat}`;
}

export function createReplayModel(recorded: readonly RecordedReply[], options: ReplayOptions = {}): LanguageModel {
  const pace = options.pace ?? 'instant';
  const speed = pace === 'instant' ? Infinity : pace === 'recorded' ? 1 : pace;
  if (!(speed > 0)) throw new Error(`Replay pace must be 'instant', 'recorded' or a speed factor above 0, not ${String(pace)}.`);

  const byKey = new Map<string, RecordedReply>();
  // Every repeat recorded for one (problem, node, iteration): lets a request that names no
  // repeat use the only one there is.
  const byCall = new Map<string, RecordedReply[]>();
  for (const reply of recorded) {
    const key = keyOf(reply.problemId, reply.nodeId, reply.iteration, reply.repeat);
    if (byKey.has(key)) {
      throw new Error(`The recorded replies hold two answers for ${describe(reply)}: a replay needs exactly one.`);
    }
    byKey.set(key, reply);
    const callKey = keyOf(reply.problemId, reply.nodeId, reply.iteration, undefined);
    byCall.set(callKey, [...(byCall.get(callKey) ?? []), reply]);
  }

  function find(context: ChatContext): RecordedReply {
    const { problemId, nodeId, iteration, repeat } = context;
    const exact = byKey.get(keyOf(problemId, nodeId, iteration, repeat));
    if (exact) return exact;
    const candidates = byCall.get(keyOf(problemId, nodeId, iteration, undefined)) ?? [];
    // A recording without repeats serves every repeat; a request without a repeat takes the only one.
    const unrepeated = candidates.find((r) => r.repeat === undefined);
    if (repeat !== undefined && unrepeated) return unrepeated;
    if (repeat === undefined && candidates.length === 1 && candidates[0]) return candidates[0];
    const forProblem = recorded.filter((r) => r.problemId === problemId);
    const known = forProblem.length
      ? ` Recorded for ${problemId}: ${[...new Set(forProblem.map((r) => `${r.nodeId} iteration ${r.iteration}${r.repeat === undefined ? '' : ` repeat ${r.repeat}`}`))].slice(0, 12).join('; ')}.`
      : ` Nothing was recorded for ${problemId}.`;
    const ambiguity =
      repeat === undefined && candidates.length > 1 ? ' Several repeats were recorded; the request must say which.' : '';
    throw new Error(`No recorded reply for ${describe(context)}.${ambiguity}${known} Replay the same pipeline and problems the results came from.`);
  }

  return {
    id: options.id ?? 'replay',
    async chat(_messages, _sampling, call = {}): Promise<ChatReply> {
      const { signal, onToken, context } = call;
      throwIfAborted(signal);
      if (!context) {
        throw new Error(
          'The replay engine needs to know which problem, node and iteration each request is for (call.context); the pipeline interpreter passes it.',
        );
      }
      const reply = find(context);
      const pieces = splitIntoPieces(reply.text, reply.completionTokens);
      const firstMs = (reply.timeToFirstTokenMs ?? 0) / speed;
      const rate = (reply.decodeTokensPerSecond ?? Infinity) * speed;
      const startMs = performance.now();
      // Absolute due times, so timer lateness does not add up over hundreds of tokens.
      const dueMs = (i: number) => startMs + firstMs + (Number.isFinite(rate) ? (i * 1000) / rate : 0);
      for (let next = 0; next < pieces.length; ) {
        const waitMs = dueMs(next) - performance.now();
        if (waitMs > 0) await sleep(waitMs, signal);
        const now = performance.now();
        do {
          throwIfAborted(signal);
          onToken?.(pieces[next] ?? '');
          next++;
        } while (next < pieces.length && dueMs(next) <= now);
      }
      throwIfAborted(signal);
      return { text: reply.text, finishReason: reply.finishReason ?? 'stop', usage: recordedUsage(reply) };
    },
  };
}

/** The usage the model had when the reply was recorded: a replay reproduces it, not its own speed. */
function recordedUsage(reply: RecordedReply): ChatUsage {
  const timeToFirstTokenMs = reply.timeToFirstTokenMs ?? 0;
  const decodeTokensPerSecond = reply.decodeTokensPerSecond ?? 0;
  const decodeMs = decodeTokensPerSecond > 0 ? (Math.max(0, reply.completionTokens - 1) * 1000) / decodeTokensPerSecond : 0;
  return {
    promptTokens: reply.promptTokens ?? 0,
    completionTokens: reply.completionTokens,
    timeToFirstTokenMs,
    decodeTokensPerSecond,
    totalMs: timeToFirstTokenMs + decodeMs,
  };
}
