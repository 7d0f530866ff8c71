import { describe, expect, it } from 'vitest';
import {
  armCutReplies,
  cutReplies,
  cutRepliesByArm,
  cutReplyNotes,
  reasoningCutSentence,
  replyEnding,
  type CountedReply,
} from '../../../src/core/analysis/cut-replies.ts';
import { groupTrajectories } from '../../../src/core/analysis/study-runs.ts';
import type { ModelStep, Step, Trajectory } from '../../../src/core/pipeline/trajectory.ts';
import { trajectory } from './trajectory-fixtures.ts';

/** A reply the model ended at the cap: `reasoningTokens` of its 512 tokens went on reasoning sent apart. */
function cut(reply: string, reasoningTokens = 0, maxTokens = 512): CountedReply {
  return { reply, finishReason: 'length', maxTokens, usage: { completionTokens: maxTokens, ...(reasoningTokens > 0 ? { reasoningTokens } : {}) } };
}

/** The fixture's trajectory with its first model step's reply, finish and usage replaced. */
function withFirstReply(t: Trajectory, reply: CountedReply): Trajectory {
  const steps: Step[] = t.steps.map((step, i) => {
    if (i !== 0 || step.kind === 'execute') return step;
    const model: ModelStep = { ...step, reply: reply.reply, finishReason: reply.finishReason, maxTokens: reply.maxTokens, usage: { ...step.usage, ...reply.usage } };
    return model;
  });
  return { ...t, steps };
}

describe('replies cut by their token cap', () => {
  it('tells a reply that reasoned through its whole cap from one cut mid-answer and from one that ended', () => {
    // Reasoning sent apart (reasoning_content): the reply holds nothing.
    expect(replyEnding(cut('', 512))).toBe('cut-reasoning');
    // Thinking inline and never closed: no answer either, whatever the server counted.
    expect(replyEnding(cut('<think>\nLet me think about the edge cases'))).toBe('cut-reasoning');
    // A closed thinking block, then nothing: still reasoning to the end of the cap.
    expect(replyEnding(cut('<think>plan</think>\n  ', 300))).toBe('cut-reasoning');
    expect(replyEnding(cut('<think>plan</think>\n'))).toBe('cut-reasoning');
    // Some answer after the reasoning: cut, but not empty-handed.
    expect(replyEnding(cut('```python\ndef f(x):\n    return', 400))).toBe('cut');
    // An empty reply at the cap without any reasoning reported: cut, not said to be reasoning.
    expect(replyEnding(cut(''))).toBe('cut');
    expect(replyEnding({ reply: '', finishReason: 'stop', maxTokens: 512, usage: { completionTokens: 12, reasoningTokens: 12 } })).toBe('whole');
    // A server that did not say why it stopped, after the whole cap: cut; before it: not.
    expect(replyEnding({ reply: '', finishReason: 'unknown', maxTokens: 512, usage: { completionTokens: 512, reasoningTokens: 512 } })).toBe('cut-reasoning');
    expect(replyEnding({ reply: 'def f(): pass', finishReason: 'unknown', maxTokens: 512, usage: { completionTokens: 40 } })).toBe('whole');
    // Counted locally (one per delta), the count says nothing about the cap.
    expect(replyEnding({ reply: '', finishReason: 'unknown', maxTokens: 512, usage: { completionTokens: 600, tokensEstimated: true } })).toBe('whole');
  });

  it('counts model steps only, and the caps of those cut', () => {
    const steps = [
      ...withFirstReply(trajectory('P/0', ['NameError']), cut('', 512)).steps,
      ...withFirstReply(trajectory('P/1', ['AssertionError', 'pass']), cut('def f(x):\n    re', 0, 1024)).steps,
      ...trajectory('P/2', ['pass']).steps,
    ];
    expect(cutReplies(steps)).toEqual({ replies: 4, cut: 2, reasoning: 1, context: 0, caps: [512, 1024] });
  });

  it('says it once per arm, with what to change, and nothing when no reply was cut', () => {
    const placed = [
      { armId: 'solo', repeat: 0, trajectory: withFirstReply(trajectory('P/0', ['NameError']), cut('', 512)) },
      { armId: 'solo', repeat: 0, trajectory: withFirstReply(trajectory('P/1', ['NameError']), cut('', 510)) },
      { armId: 'refine', repeat: 0, trajectory: withFirstReply(trajectory('P/0', ['NameError', 'pass']), cut('', 512)) },
      { armId: 'refine', repeat: 0, trajectory: withFirstReply(trajectory('P/1', ['AssertionError', 'pass']), cut('def f(x):\n  return', 200)) },
      { armId: 'fine', repeat: 0, trajectory: trajectory('P/0', ['pass']) },
      { armId: 'fine', repeat: 0, trajectory: trajectory('P/1', ['pass']) },
    ];
    const arms = [
      { id: 'solo', label: 'qwen3 solo', forcedIterations: false },
      { id: 'refine', label: 'qwen3 self-refine', forcedIterations: false },
      { id: 'fine', label: 'llama solo', forcedIterations: false },
    ];
    const study = groupTrajectories('reasoning', ['P/0', 'P/1'], arms, 1, placed);
    expect(cutReplyNotes(armCutReplies(study))).toEqual([
      'qwen3 solo: both its model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run.',
      'qwen3 self-refine: 1 of its 4 model replies spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run; 1 more was cut off at the cap before it ended.',
      "A reasoning model thinks before it answers, and 512 tokens are rarely enough for both: give the arm's nodes a larger maxTokens (the presets send the study's 512; " +
        'an arm written out whole in a draft file for feedback-lab run --study sets its own, up to 4096), or turn its thinking off where the model has a switch ' +
        '(Qwen3 obeys /no_think in a role prompt, which a prompt set can add: docs/prompt-sets.md; the deepseek-r1 distills have none, and this app sends no ' +
        "thinking switch such as Ollama's think: false).",
    ]);
    const fine = groupTrajectories('fine', ['P/0', 'P/1'], arms.slice(2), 1, placed.slice(4));
    expect(cutReplyNotes(armCutReplies(fine))).toEqual([]);
  });

  it('asks only for a larger cap when no cut reply was reasoning', () => {
    const notes = cutReplyNotes([
      { label: 'coder solo', counts: { replies: 164, cut: 3, reasoning: 0, context: 0, caps: [512] } },
      { label: 'one call', counts: { replies: 1, cut: 1, reasoning: 0, context: 0, caps: [256, 512] } },
    ]);
    expect(notes).toEqual([
      'coder solo: 3 of its 164 model replies were cut off at the 512-token cap before they ended.',
      'one call: its only model reply was cut off at the 256- or 512-token cap before it ended.',
      "To let such replies end, give the arm's nodes a larger maxTokens (the presets send the study's 512; an arm written out whole in a draft file for feedback-lab run --study sets its own, up to 4096).",
    ]);
  });

  it("tells a reply the server's context stopped well short of its cap from one the cap cut, and advises the server's setting (audit R219-2)", () => {
    // llama-server -c 4096 -np 4: 1,024 tokens a slot, a long prompt, and `length` after 124 tokens.
    const byContext: CountedReply = { reply: 'def f(x):\n    re', finishReason: 'length', maxTokens: 512, usage: { completionTokens: 124 } };
    expect(replyEnding(byContext)).toBe('cut-context');
    // A few tokens short of the cap is the cap, however the server counted the last one.
    expect(replyEnding({ ...byContext, usage: { completionTokens: 508 } })).toBe('cut');
    // Counted here, not by the server: nothing is known.
    expect(replyEnding({ ...byContext, usage: { completionTokens: 124, tokensEstimated: true } })).toBe('cut');
    const steps = [
      ...withFirstReply(trajectory('P/0', ['NameError']), byContext).steps,
      ...withFirstReply(trajectory('P/1', ['NameError']), byContext).steps,
    ];
    const counts = cutReplies(steps);
    expect(counts).toEqual({ replies: 2, cut: 2, reasoning: 0, context: 2, caps: [] });
    expect(cutReplyNotes([{ label: 'llama solo', counts }])).toEqual([
      'llama solo: both its model replies were stopped by the server before their token cap, when the prompt and the reply filled the context it gives a request.',
      'A reply the server stopped before its cap ran out of the context the server gives one request: a larger maxTokens changes nothing there. ' +
        'Give the server more context where it starts (llama-server -c, which its --parallel slots share; OLLAMA_CONTEXT_LENGTH for Ollama; vllm --max-model-len).',
    ]);
    const mixed = cutReplyNotes([{ label: 'coder solo', counts: { replies: 10, cut: 3, reasoning: 0, context: 1, caps: [512] } }]);
    expect(mixed[0]).toBe(
      'coder solo: 2 of its 10 model replies were cut off at the 512-token cap before they ended; 1 more was stopped by the server before its token cap, when the prompt and the reply filled the context it gives a request.',
    );
    expect(mixed).toHaveLength(3);
  });

  it('counts stored steps by the arm their unit names, under the names given', () => {
    const steps = withFirstReply(trajectory('P/0', ['NameError']), cut('', 512)).steps.map((step) => ({ unitId: 'llama-solo/0/P/0', step }));
    const arms = cutRepliesByArm(
      [
        { id: 'llama-solo', name: 'llama-solo' },
        { id: 'other', name: 'other' },
      ],
      [...steps, { unitId: 'gone/0/P/0', step: steps[0]!.step }, { unitId: 'not a unit id', step: steps[0]!.step }],
    );
    expect(arms.map((a) => [a.label, a.counts.replies, a.counts.reasoning])).toEqual([
      ['llama-solo', 1, 1],
      ['other', 0, 0],
    ]);
    expect(cutReplyNotes(arms)[0]).toBe('llama-solo: its only model reply spent the whole 512-token cap on reasoning and gave no answer, so there was no code to run.');
  });

  it('says what a single reply (Try it) did with its cap only when it reasoned to the end', () => {
    expect(reasoningCutSentence(cut('', 512))).toMatch(/^The model spent all 512 tokens on reasoning \(sent apart from the reply, so not shown\) and gave no answer\. A study's presets give each node 512 tokens/);
    expect(reasoningCutSentence(cut('<think>hmm'))).toMatch(/^The model spent all 512 tokens on reasoning and gave no answer\./);
    expect(reasoningCutSentence(cut('def f(x):', 100))).toBeNull();
    expect(reasoningCutSentence({ reply: 'ok', finishReason: 'stop', maxTokens: 512, usage: { completionTokens: 80, reasoningTokens: 78 } })).toBeNull();
  });
});
