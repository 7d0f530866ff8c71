/**
 * Model replies that ran into their token cap, counted per arm, and what to say about them. A
 * reasoning model (qwen3, the deepseek-r1 distills) at the study's 512 tokens can spend every
 * token thinking: its reply is empty, `finishReason` is `length`, the code extracted is "" and
 * fails with a NameError. The result file records that truthfully, but a pass count of 0 says
 * nothing of why, so the command line (`run`, `report`), the Study page and the Results page
 * say it once per arm, with what to change, in these words.
 */
import { removeThinking } from '../harness/thinking.ts';
import type { ChatUsage, StoredStep } from '../ports.ts';
import type { Step } from '../pipeline/trajectory.ts';
import { parseUnitId } from '../study/work-plan.ts';
import { armTrajectories, type AnalysisStudy } from './study-runs.ts';

/** What the counting reads of a model step (a Try it reply has the same fields). */
export interface CountedReply {
  reply: string;
  finishReason: string;
  maxTokens: number;
  usage: Pick<ChatUsage, 'completionTokens' | 'reasoningTokens' | 'tokensEstimated'>;
}

/**
 * `cut-reasoning`: stopped at the cap while still thinking, with no answer outside the thinking.
 * `cut`: stopped at the cap otherwise (an answer cut short, or nothing at all). `cut-context`:
 * stopped (`length`) well short of the cap by the server's counts, because the prompt and the
 * reply filled the context the server gives one request (llama-server with context shift off, its
 * default, whose `-c` its `--parallel` slots share). `whole`: it ended by itself.
 */
export type ReplyEnding = 'whole' | 'cut' | 'cut-reasoning' | 'cut-context';

/**
 * How far below its cap a `length` reply must stop to count as stopped by the context: servers
 * count the last token or the end token differently, and a reply cut a few tokens short of its
 * cap was cut by the cap for all the user can change.
 */
const CAP_SLACK_TOKENS = 8;

export interface CutReplies {
  /** Model replies counted. */
  replies: number;
  /** Replies that stopped at their token cap, `reasoning` included. */
  cut: number;
  /** Of `cut`: the cap went on reasoning, and no answer was left to extract code from. */
  reasoning: number;
  /** Of `cut`: stopped well before the cap, by the context the server gives a request. */
  context: number;
  /** The token caps of the cut replies, ascending. */
  caps: number[];
}

export interface ArmCutReplies {
  label: string;
  counts: CutReplies;
}

/** Thinking left open at the start of what remains: the reply was cut before the block closed. */
const OPEN_THINKING = /^\s*(<think>|<\|channel>thought\n|<reasoning>)/;

/** The reply's answer: its text without complete thinking blocks, and without one still open at its start. */
function answerOf(reply: string): string {
  const { text } = removeThinking(reply);
  return OPEN_THINKING.test(text) ? '' : text.trim();
}

export function replyEnding(reply: CountedReply): ReplyEnding {
  // A server that ends the stream without a reason (`unknown`) and used the whole cap was cut as well.
  const atCap =
    reply.finishReason === 'length' ||
    (reply.finishReason === 'unknown' && !reply.usage.tokensEstimated && reply.usage.completionTokens >= reply.maxTokens);
  if (!atCap) return 'whole';
  if (reply.finishReason === 'length' && !reply.usage.tokensEstimated && reply.usage.completionTokens < reply.maxTokens - CAP_SLACK_TOKENS) return 'cut-context';
  if (answerOf(reply.reply) !== '') return 'cut';
  // Reasoning sent apart (`reasoning_content`), or thinking inline in the reply, closed or not.
  const inline = removeThinking(reply.reply);
  const reasoned = (reply.usage.reasoningTokens ?? 0) > 0 || inline.removed || OPEN_THINKING.test(inline.text);
  return reasoned ? 'cut-reasoning' : 'cut';
}

export function noCutReplies(): CutReplies {
  return { replies: 0, cut: 0, reasoning: 0, context: 0, caps: [] };
}

/** Adds one step to `counts` (executions are not replies and are skipped); returns `counts`. */
export function countReply(counts: CutReplies, step: Step): CutReplies {
  if (step.kind === 'execute') return counts;
  counts.replies++;
  const ending = replyEnding(step);
  if (ending === 'whole') return counts;
  counts.cut++;
  if (ending === 'cut-reasoning') counts.reasoning++;
  if (ending === 'cut-context') {
    counts.context++;
    return counts;
  }
  if (!counts.caps.includes(step.maxTokens)) counts.caps = [...counts.caps, step.maxTokens].sort((a, b) => a - b);
  return counts;
}

export function cutReplies(steps: Iterable<Step>): CutReplies {
  const counts = noCutReplies();
  for (const step of steps) countReply(counts, step);
  return counts;
}

/** Every arm's replies over its finished trajectories, as the Results page and `feedback-lab report` read them. */
export function armCutReplies(study: AnalysisStudy): ArmCutReplies[] {
  return study.arms.map((arm) => ({ label: arm.label, counts: cutReplies(armTrajectories(study, arm).flatMap((t) => t.steps)) }));
}

/**
 * Counts of a study's stored steps by the arm their unit names, in the arms' order under the names
 * given (the command line names arms by id, as its pass lines do). `run` and the Study page read
 * stored studies through this, so a resumed study's earlier replies count in both alike.
 */
export function cutRepliesByArm(arms: readonly { id: string; name: string }[], steps: Iterable<StoredStep>): ArmCutReplies[] {
  const counts = new Map(arms.map((arm) => [arm.id, noCutReplies()] as const));
  for (const { unitId, step } of steps) {
    const armCounts = counts.get(parseUnitId(unitId)?.armId ?? '');
    if (armCounts) countReply(armCounts, step);
  }
  return arms.map((arm) => ({ label: arm.name, counts: counts.get(arm.id)! }));
}

/**
 * One sentence per arm with cut replies, then one saying what to change; nothing when no reply
 * was cut. For example `llama-solo: both its model replies spent the whole 512-token cap on
 * reasoning and gave no answer, so there was no code to run.`
 */
export function cutReplyNotes(arms: readonly ArmCutReplies[]): string[] {
  const cut = arms.filter((arm) => arm.counts.cut > 0);
  if (cut.length === 0) return [];
  const lines = cut.map(({ label, counts }) => armSentence(label, counts));
  const reasoned = cut.filter((arm) => arm.counts.reasoning > 0);
  const atCap = cut.filter((arm) => arm.counts.cut > arm.counts.context);
  if (atCap.length > 0) lines.push(reasoned.length > 0 ? reasoningAdvice(capsText(reasoned.flatMap((arm) => arm.counts.caps))) : cutAdvice());
  if (cut.some((arm) => arm.counts.context > 0)) lines.push(CONTEXT_ADVICE);
  return lines;
}

/**
 * For one reply (the Models page's Try it), what its cap did to it when the model was still
 * reasoning and had written no answer; null otherwise. The study's nodes send the same 512 tokens.
 */
export function reasoningCutSentence(reply: CountedReply): string | null {
  if (replyEnding(reply) !== 'cut-reasoning') return null;
  const spent = reply.usage.completionTokens.toLocaleString('en');
  return (
    `The model spent all ${spent} tokens on reasoning${reply.usage.reasoningTokens ? ' (sent apart from the reply, so not shown)' : ''} and gave no answer. A study's presets give each node 512 tokens, so a study of this model would ` +
    `fail the same way: give the arm's nodes more (an arm written out whole in a draft file for feedback-lab run --study sets its own maxTokens, up to 4096), ` +
    `or ${THINKING_OFF}.`
  );
}

function armSentence(label: string, counts: CutReplies): string {
  const n = (count: number) => count.toLocaleString('en');
  const some = (count: number) => {
    if (counts.replies === 1) return 'its only model reply';
    if (count < counts.replies) return `${n(count)} of its ${n(counts.replies)} model replies`;
    return counts.replies === 2 ? 'both its model replies' : `all ${n(count)} of its model replies`;
  };
  const byContext = (count: number) =>
    `${count === 1 ? 'was' : 'were'} stopped by the server before ${count === 1 ? 'its' : 'their'} token cap, when the prompt and the reply filled the context it gives a request`;
  const atCap = counts.cut - counts.context;
  if (atCap === 0) return `${label}: ${some(counts.context)} ${byContext(counts.context)}.`;
  const contextToo = counts.context > 0 ? `; ${n(counts.context)} more ${byContext(counts.context)}` : '';
  const cap = `${capsText(counts.caps, '-')}-token cap`;
  const cutOff = (count: number, at: string) => `${count === 1 ? 'was' : 'were'} cut off at ${at} before ${count === 1 ? 'it' : 'they'} ended`;
  if (counts.reasoning === 0) return `${label}: ${some(atCap)} ${cutOff(atCap, `the ${cap}`)}${contextToo}.`;
  const spent = `${some(counts.reasoning)} spent the whole ${cap} on reasoning and gave no answer, so there was no code to run`;
  const other = atCap - counts.reasoning;
  return other === 0 ? `${label}: ${spent}${contextToo}.` : `${label}: ${spent}; ${n(other)} more ${cutOff(other, 'the cap')}${contextToo}.`;
}

/** What to change when the server's context, not the cap, stopped replies. */
const CONTEXT_ADVICE =
  "A reply the server stopped before its cap ran out of the context the server gives one request: a larger maxTokens changes nothing there. Give the server more context where it starts (llama-server -c, which its --parallel slots share; OLLAMA_CONTEXT_LENGTH for Ollama; vllm --max-model-len).";

/** `512`, `512 or 1024`, `256, 512 or 1024`; with `hyphen` before "-token cap", `256-, 512- or 1024`. */
function capsText(caps: readonly number[], hyphen = ''): string {
  const sorted = [...new Set(caps)].sort((a, b) => a - b).map((n) => String(n));
  return sorted.length <= 1 ? (sorted[0] ?? '') : `${sorted.slice(0, -1).join(`${hyphen}, `)}${hyphen} or ${sorted.at(-1)}`;
}

/** Where a node's cap is set: the presets send the study's 512, and only a whole arm in a draft file sets its own. */
const RAISE_CAP =
  "give the arm's nodes a larger maxTokens (the presets send the study's 512; an arm written out whole in a draft file for feedback-lab run --study sets its own, up to 4096)";

function reasoningAdvice(caps: string): string {
  return (
    `A reasoning model thinks before it answers, and ${caps} tokens are rarely enough for both: ${RAISE_CAP}, or ${THINKING_OFF}.`
  );
}

/** What the app offers to turn thinking off: only words in the prompt, for the models that read them. */
const THINKING_OFF =
  'turn its thinking off where the model has a switch (Qwen3 obeys /no_think in a role prompt, which a prompt set can add: docs/prompt-sets.md; ' +
  "the deepseek-r1 distills have none, and this app sends no thinking switch such as Ollama's think: false)";

function cutAdvice(): string {
  return `To let such replies end, ${RAISE_CAP}.`;
}
