/**
 * Finds the Python program in a chat model's reply. Both modes first remove the reply's complete
 * thinking blocks, as the study's client did (thinking.ts); then:
 *
 * `study` mode follows the study's own rules exactly, quirks included (study-extract-code.ts).
 *
 * `standard` mode follows the same order with a better reading of fences:
 *   1. the first fenced block tagged python (or py, python3) or untagged;
 *   2. else the whole reply, if it starts with def, class, import or from;
 *   3. else everything from the first line that starts a `def`;
 *   4. else the whole reply.
 * Beyond the study's regex, which only knew ```python and bare fences, this also handles an
 * unterminated fence (the reply was cut off at the token limit: keep everything after the
 * opening fence, imports included, where the study's rule finds no block and starts at the first
 * `def`), CRLF line ends, `py`/`python3` tags, and fences indented inside a list (the block is
 * dedented rather than left with a stray first-line indent). Blocks in other languages
 * (```bash, ```text) are skipped. The result is stripped of leading blank lines and trailing
 * whitespace, as the study stripped it.
 * Two smaller departures: tags are read case-blind (```Python), and rule 3 wants `def` at the
 * start of a line, where the study's `def \w+` also matched mid-line. So prose that names a
 * function ("the `def f` helper:") is not taken for code, but neither is a one-line reply such as
 * "Sure! def f(x): return x", which the study would have run.
 */
import type { HarnessMode } from './outcome.ts';
import { locateCodeAsStudy, type StudyExtractionRule } from './study-extract-code.ts';
import { removeThinking } from './thinking.ts';

/** Standard mode's rules, then study mode's: the name says which extractor ran. */
export type ExtractionRule = 'fenced-block' | 'unterminated-fence' | 'whole-reply' | 'from-first-def' | 'fallback' | StudyExtractionRule;

export interface ExtractedCode {
  code: string;
  /** Which rule found it: shown next to the code so a reader can tell a truncated reply. */
  rule: ExtractionRule;
  /** Present (true) when complete thinking blocks were removed from the reply before extraction. */
  thinkingRemoved?: true;
}

const PYTHON_TAGS = new Set(['', 'python', 'py', 'python3', 'py3']);
// An opening fence: backticks, an optional language tag, then the end of that line. Like the
// study's regex it may follow prose on the same line; its indentation counts only at a line start.
const OPENING_FENCE = /(^[ \t]*)?```[ \t]*([\w+.-]*)[^\n`]*\n/gm;
const CODE_START = /^[ \t]*(?:def|class|import|from)\s/;
const FIRST_DEF = /^[ \t]*def\s+\w+/m;

export function extractCode(reply: string, mode: HarnessMode = 'standard'): string {
  return locateCode(reply, mode).code;
}

export function locateCode(reply: string, mode: HarnessMode = 'standard'): ExtractedCode {
  const answer = removeThinking(reply);
  const found = mode === 'study' ? locateCodeAsStudy(answer.text) : locateCodeAsStandard(answer.text);
  return answer.removed ? { ...found, thinkingRemoved: true } : found;
}

function locateCodeAsStandard(reply: string): ExtractedCode {
  const text = reply.replace(/\r\n?/g, '\n');

  const block = firstPythonBlock(text);
  if (block) return block;

  if (CODE_START.test(text.trimStart())) return { code: tidy(text), rule: 'whole-reply' };

  const def = FIRST_DEF.exec(text);
  if (def) return { code: tidy(text.slice(def.index)), rule: 'from-first-def' };

  return { code: tidy(text), rule: 'fallback' };
}

function firstPythonBlock(text: string): ExtractedCode | null {
  OPENING_FENCE.lastIndex = 0;
  for (;;) {
    const opening = OPENING_FENCE.exec(text);
    if (!opening) return null;
    const indent = opening[1] ?? '';
    const tag = (opening[2] ?? '').toLowerCase();
    const bodyStart = opening.index + opening[0].length;
    const closing = text.indexOf('```', bodyStart);
    if (closing === -1) {
      // Cut off mid-block: the rest of the reply is the code.
      return PYTHON_TAGS.has(tag) ? { code: tidy(dedentBy(text.slice(bodyStart), indent)), rule: 'unterminated-fence' } : null;
    }
    if (PYTHON_TAGS.has(tag)) return { code: tidy(dedentBy(text.slice(bodyStart, closing), indent)), rule: 'fenced-block' };
    // Another language: look for the next opening fence after this block's close.
    OPENING_FENCE.lastIndex = closing + 3;
  }
}

/** Removes the fence's own indentation (a block inside a markdown list) from each line. */
function dedentBy(code: string, indent: string): string {
  if (indent === '') return code;
  return code
    .split('\n')
    .map((line) => {
      let cut = 0;
      while (cut < indent.length && (line[cut] === ' ' || line[cut] === '\t')) cut++;
      return line.slice(cut);
    })
    .join('\n');
}

/** Drops leading blank lines and trailing whitespace, then any indentation common to all lines. */
function tidy(code: string): string {
  const lines = code.replace(/^(?:[ \t]*\n)+/, '').trimEnd().split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(common, /^[ \t]*/.exec(l)?.[0].length ?? 0))).join('\n');
}
