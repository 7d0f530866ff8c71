/**
 * Reading CPython tracebacks as the sandbox prints them, so that what the refiner and the reader
 * see is about the candidate, not about the harness that ran it.
 *
 * A traceback is one or more sections (chained exceptions), each a header, frames, and the
 * exception's own lines. A frame is `  File "<name>", line N, in fn` followed by indented lines
 * (source, `^^^^` markers) and possibly `  [Previous line repeated K more times]`. A SyntaxError
 * shows its location as a frame without `, in fn`.
 */

export interface TracebackFrame {
  file: string;
  line: number;
  /** Null for a SyntaxError's location line. */
  functionName: string | null;
  /** The frame's own line followed by its indented continuation lines. */
  lines: string[];
}

export type TracebackPart =
  | { kind: 'header'; text: string }
  | { kind: 'frame'; frame: TracebackFrame }
  /** Exception lines, chain separators, blank lines: everything that is not a frame or header. */
  | { kind: 'text'; text: string };

const HEADER = /^Traceback \(most recent call last\):\s*$/;
const FRAME = /^ {2}File "(.*)", line (\d+)(?:, in (.*))?\s*$/;
const CONTINUATION = /^ {4}|^ {2}\[Previous line repeated \d+ more times?\]\s*$/;

export function parseTraceback(traceback: string): TracebackPart[] {
  const parts: TracebackPart[] = [];
  let current: TracebackFrame | null = null;
  for (const line of traceback.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n')) {
    const frame = FRAME.exec(line);
    if (frame) {
      current = { file: frame[1] ?? '', line: Number(frame[2]), functionName: frame[3] ?? null, lines: [line] };
      parts.push({ kind: 'frame', frame: current });
    } else if (current && CONTINUATION.test(line)) {
      current.lines.push(line);
    } else {
      current = null;
      parts.push(HEADER.test(line) ? { kind: 'header', text: line } : { kind: 'text', text: line });
    }
  }
  return parts;
}

export interface ProgramRegions {
  /** The file name the sandbox compiles the program under. */
  filename: string;
  /** Program lines before this are the problem's own code and the candidate; from it on, the tests. */
  testFirstLine: number;
  /** The program's lines, to show source for frames printed without it (the program is not a file on disk). */
  programLines: readonly string[];
}

/**
 * The traceback cut down to the candidate's own story: headers, chain separators and exception
 * lines stay; of the frames, only the program's own stay, and of those in the test code only the
 * innermost of each section (the assert or call that failed). The sandbox's runner frames and
 * library internals go. Program frames printed without source get their source line back.
 */
export function trimTraceback(traceback: string, regions: ProgramRegions): string {
  const parts = parseTraceback(traceback);
  const keptTestFrames = new Set<TracebackFrame>();
  for (const section of sections(parts)) {
    const innermost = section.filter((f) => isProgramFrame(f, regions) && isTestFrame(f, regions)).pop();
    if (innermost) keptTestFrames.add(innermost);
  }
  const out: string[] = [];
  for (const part of parts) {
    if (part.kind !== 'frame') {
      out.push(part.text);
      continue;
    }
    const f = part.frame;
    if (!isProgramFrame(f, regions)) continue;
    if (isTestFrame(f, regions) && !keptTestFrames.has(f)) continue;
    out.push(...withSource(f, regions));
  }
  return out.join('\n');
}

/** The innermost program frame in the test code of the last section: the test line that failed. */
export function failingTestFrame(traceback: string, regions: ProgramRegions): TracebackFrame | null {
  const all = sections(parseTraceback(traceback));
  const last = all[all.length - 1] ?? [];
  return last.filter((f) => isProgramFrame(f, regions) && isTestFrame(f, regions)).pop() ?? null;
}

/** Frames grouped by traceback section (a header starts a new one). */
function sections(parts: readonly TracebackPart[]): TracebackFrame[][] {
  const out: TracebackFrame[][] = [[]];
  for (const part of parts) {
    if (part.kind === 'header') out.push([]);
    else if (part.kind === 'frame') out[out.length - 1]?.push(part.frame);
  }
  return out.filter((s) => s.length > 0);
}

function isProgramFrame(frame: TracebackFrame, regions: ProgramRegions): boolean {
  return frame.file === regions.filename;
}

/** A SyntaxError location is never a test frame: it says where compiling stopped, wherever that is. */
function isTestFrame(frame: TracebackFrame, regions: ProgramRegions): boolean {
  return frame.functionName !== null && frame.line >= regions.testFirstLine;
}

function withSource(frame: TracebackFrame, regions: ProgramRegions): string[] {
  const [first = '', ...rest] = frame.lines;
  if (frame.functionName === null || rest.some((l) => l.startsWith('    '))) return frame.lines;
  const source = regions.programLines[frame.line - 1]?.trim();
  return source ? [first, `    ${source}`, ...rest] : frame.lines;
}
