/**
 * Language models for tests: real `LanguageModel` ports whose replies are written by the test.
 * They stream each reply through `onToken` in token-sized pieces, honour the AbortSignal, and
 * record every call so a test can check what the pipeline asked.
 */
import type {
  ChatContext,
  ChatMessage,
  ChatReply,
  LanguageModel,
  SamplingOptions,
} from '../ports.ts';
import { throwIfAborted } from './abort.ts';
import { splitIntoTokens } from './token-pieces.ts';

/** One request as the fake model saw it. */
export interface ScriptedCall {
  messages: ChatMessage[];
  options: SamplingOptions;
  context?: ChatContext;
}

/** A scripted answer: the reply text, or an Error the call rejects with (an engine failure). */
export type ScriptedAnswer = string | Error;

export interface ScriptedModel extends LanguageModel {
  /** Every call so far, oldest first. */
  readonly calls: ScriptedCall[];
}

/**
 * Answers call n with `answers[n]`. Running out of answers rejects, so a test that makes one
 * call more than it scripted fails loudly instead of receiving an empty reply.
 */
export function scriptedModel(...answers: ScriptedAnswer[]): ScriptedModel {
  const queue = [...answers];
  return fakeModel('scripted', (call, index) => {
    const next = queue.shift();
    if (next === undefined) {
      throw new Error(
        `scriptedModel ran out of replies: call ${index + 1} arrived but only ${answers.length} were scripted.`,
      );
    }
    return next;
  });
}

/**
 * Answers every call with `answer(call)`, typically keyed on `call.context.problemId` so one fake
 * can serve a whole benchmark in any order (e.g. the canonical solution for every problem).
 */
export function perProblemModel(
  answer: (call: ScriptedCall) => ScriptedAnswer | Promise<ScriptedAnswer>,
): ScriptedModel {
  return fakeModel('per-problem', (call) => answer(call));
}

function fakeModel(
  id: string,
  answerFor: (call: ScriptedCall, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
): ScriptedModel {
  const calls: ScriptedCall[] = [];
  return {
    id,
    calls,
    async chat(messages, options, call): Promise<ChatReply> {
      throwIfAborted(call?.signal);
      const recorded: ScriptedCall = { messages, options, ...(call?.context ? { context: call.context } : {}) };
      calls.push(recorded);
      const answer = await answerFor(recorded, calls.length - 1);
      throwIfAborted(call?.signal);
      if (answer instanceof Error) throw answer;
      const pieces = splitIntoTokens(answer);
      for (const piece of pieces) {
        throwIfAborted(call?.signal);
        call?.onToken?.(piece);
      }
      return {
        text: answer,
        finishReason: 'stop',
        usage: {
          promptTokens: messages.reduce((n, m) => n + splitIntoTokens(m.content).length, 0),
          completionTokens: pieces.length,
          timeToFirstTokenMs: 0,
          decodeTokensPerSecond: 0,
          totalMs: 0,
        },
      };
    },
  };
}
