/**
 * What a refiner (or analyzer, critic, reviser) is told, read back out of the message it was
 * sent, so the audience sees it in labelled parts: the task, the code, what happened, the
 * failing test, the reviewer's notes, and the closing instruction. The message is the recorded
 * one (from this app's builders or from an older file), so nothing here assumes exact wording
 * beyond "a heading is a short line ending in a colon after a blank line".
 */
import type { ChatMessage } from '../ports.ts';

export type FeedbackPartKind = 'task' | 'code' | 'error' | 'failing-test' | 'review' | 'other';

export interface FeedbackPart {
  heading: string;
  kind: FeedbackPartKind;
  body: string;
}

export interface Briefing {
  /** The node's role prompt (the system message). */
  role: string;
  parts: FeedbackPart[];
  /** The last paragraph when it asks for something ("Write the corrected code…"). */
  instruction: string | null;
}

const HEADING = /^[A-Z][^\n`]{0,60}:$/;

export function readBriefing(messages: readonly ChatMessage[]): Briefing {
  const role = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const lines = user.replace(/\r\n?/g, '\n').split('\n');
  const parts: FeedbackPart[] = [];
  let current: { heading: string; lines: string[] } = { heading: '', lines: [] };
  let inFence = false;
  lines.forEach((line, i) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    // Headings start at the margin: an indented "Examples:" inside a docstring is not one. The
    // reviewer's notes are another model's reply, quoted to the end of the message (bar the closing
    // request): its own "Explanation:" or "Here is the corrected code:" stays in it, not a part of the brief.
    // The task, too, is quoted whole: MBPP's "Your code must pass these tests:" is the task's, not a
    // part; the task ends at a heading over fenced code or over what happened.
    const inReview = kindOf(current.heading, '') === 'review';
    const heading = HEADING.test(line.trimEnd()) && (i === 0 || (lines[i - 1] ?? '').trim() === '');
    const endsTask = /^\s*```/.test(lines[i + 1] ?? '') || ['error', 'failing-test', 'review'].includes(kindOf(line.trimEnd().replace(/:$/, ''), ''));
    const inTask = kindOf(current.heading, '') === 'task' && !endsTask;
    const startsPart = !inFence && !inReview && !inTask && heading;
    if (startsPart) {
      if (current.heading !== '' || current.lines.some((l) => l.trim() !== '')) parts.push(toPart(current));
      current = { heading: line.trimEnd().replace(/:$/, ''), lines: [] };
    } else current.lines.push(line);
  });
  parts.push(toPart(current));

  // The closing instruction is the last paragraph of the last part, outside any code fence; in
  // a study-mode refiner's message the reviewer's part comes after it (the study's runner added
  // the analysis at the end), so it is looked for first in the part before that: a diagnosis
  // that happens to end with "Return …" is not the request.
  let instruction: string | null = null;
  const last = parts[parts.length - 1];
  if (last) {
    if (last.kind === 'review' && parts.length > 1) instruction = takeInstruction(parts[parts.length - 2]!);
    instruction ??= takeInstruction(last);
    if (instruction === null && last.heading === '' && parts.length > 1 && !last.body.includes('```')) {
      instruction = last.body.trim();
      parts.pop();
    }
  }
  return { role, parts: parts.filter((p) => p.heading !== '' || p.body.trim() !== ''), instruction };
}

/** Takes a part's last paragraph off as the instruction when it asks for something, outside any code fence. */
function takeInstruction(part: FeedbackPart): string | null {
  const paragraphs = part.body.split(/\n\s*\n/);
  const tail = paragraphs[paragraphs.length - 1]?.trim() ?? '';
  if (paragraphs.length < 2 || tail.includes('```') || !/^(Write|Reply|Explain|Review|Fix|Return|Give)\b/.test(tail)) return null;
  part.body = paragraphs.slice(0, -1).join('\n\n').trimEnd();
  return tail;
}

function toPart(part: { heading: string; lines: string[] }): FeedbackPart {
  const body = part.lines.join('\n').replace(/^\n+/, '').trimEnd();
  return { heading: part.heading, kind: kindOf(part.heading, body), body };
}

function kindOf(heading: string, body: string): FeedbackPartKind {
  const h = heading.toLowerCase();
  if (/^task\b/.test(h)) return 'task';
  if (/fail(ing|ed) test/.test(h)) return 'failing-test';
  if (/what happened|error|traceback|result/.test(h)) return 'error';
  if (/review|diagnos|notes/.test(h)) return 'review';
  if (/code/.test(h) || /^```/.test(body)) return 'code';
  return 'other';
}

/** A fenced block's content, for showing code parts as code. */
export function unfence(body: string): string {
  const match = /^```[\w+.-]*\n([\s\S]*?)\n?```\s*$/.exec(body.trim());
  return match ? (match[1] ?? '') : body;
}

/**
 * A prose part (the reviewer's notes) cut into its text and its fenced code, so code a reviewer
 * quotes or writes (a study-mode analyzer is asked for the corrected code) shows as code, not as
 * Markdown fences in running text. An unclosed fence runs to the end.
 */
export function proseAndCode(body: string): { kind: 'prose' | 'code'; text: string }[] {
  const pieces: { kind: 'prose' | 'code'; text: string }[] = [];
  const fence = /^[ \t]*```[\w+.-]*[ \t]*\n([\s\S]*?)(?:^[ \t]*```[ \t]*$|(?![\s\S]))/gm;
  let at = 0;
  for (const match of body.matchAll(fence)) {
    const before = body.slice(at, match.index).trim();
    if (before) pieces.push({ kind: 'prose', text: before });
    pieces.push({ kind: 'code', text: (match[1] ?? '').replace(/\n$/, '') });
    at = match.index + match[0].length;
  }
  const rest = body.slice(at).trim();
  if (rest) pieces.push({ kind: 'prose', text: rest });
  return pieces;
}
