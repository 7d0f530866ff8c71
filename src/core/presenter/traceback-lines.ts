/**
 * A traceback as lines to show on a projector: which line is the one that failed, and where in
 * the candidate's own code the error happened, so both can be highlighted.
 */
import type { Problem } from '../benchmarks/problem.ts';
import { assembleProgram } from '../harness/assemble-program.ts';
import type { HarnessMode } from '../harness/outcome.ts';
import { PROGRAM_FILENAME } from '../harness/to-outcome.ts';
import { parseTraceback, type TracebackFrame } from '../harness/traceback.ts';

export type TracebackLineRole = 'header' | 'location' | 'source' | 'marker' | 'exception' | 'other';

export interface TracebackLine {
  text: string;
  role: TracebackLineRole;
  /** The failing line: the innermost frame's source, its markers, and the exception line. */
  highlight: boolean;
}

const MARKER = /^\s*[~^]+\s*$/;
const EXCEPTION = /^[A-Za-z_][\w.]*(Error|Exception|Warning|Exit|Interrupt|Iteration)\b/;

export function tracebackLines(traceback: string): TracebackLine[] {
  const parts = parseTraceback(traceback);
  const frames = parts.flatMap((p) => (p.kind === 'frame' ? [p.frame] : []));
  const innermost = frames[frames.length - 1];
  const lastText = [...parts].reverse().find((p) => p.kind === 'text' && p.text.trim() !== '');
  const out: TracebackLine[] = [];
  for (const part of parts) {
    if (part.kind === 'header') out.push({ text: part.text, role: 'header', highlight: false });
    else if (part.kind === 'text') {
      const role: TracebackLineRole = EXCEPTION.test(part.text) ? 'exception' : 'other';
      out.push({ text: part.text, role, highlight: part === lastText && role === 'exception' });
    } else {
      const [location = '', ...rest] = part.frame.lines;
      const isInnermost = part.frame === innermost;
      out.push({ text: location, role: 'location', highlight: false });
      for (const line of rest) {
        out.push({ text: line, role: MARKER.test(line) ? 'marker' : 'source', highlight: isInnermost });
      }
    }
  }
  return out;
}

/**
 * The 0-based line of the candidate's code where the error happened (the innermost program
 * frame inside the candidate), or null when it happened elsewhere (in the tests, or the code
 * never ran).
 */
export function failingCodeLine(traceback: string, problem: Problem, code: string, mode: HarnessMode): number | null {
  if (traceback === '') return null;
  const program = assembleProgram(problem, code, mode);
  const frames: TracebackFrame[] = parseTraceback(traceback).flatMap((p) => (p.kind === 'frame' ? [p.frame] : []));
  for (const frame of frames.reverse()) {
    if (frame.file !== PROGRAM_FILENAME) continue;
    if (frame.line >= program.candidateFirstLine && frame.line <= program.candidateLastLine) {
      return frame.line - program.candidateFirstLine;
    }
  }
  return null;
}
