/**
 * The study's own code extraction (feedback-over-form `code_pipeline.py`, `_extract_code`),
 * reproduced rule for rule for study mode, quirks included, because what it drops decides
 * verdicts: a reply cut off inside its code block has no closing fence, so no block is found and
 * the code is taken from the first `def`, without the imports above it; the program then fails
 * with a NameError, the very failure the paper is about.
 *
 * In order, on the reply after its thinking blocks were removed and its ends stripped:
 *   1. the first match of ```` ```(?:python)?\s*\n(.*?)``` ```` (any text between the first
 *      ```` ``` ```` or ```` ```python ```` that ends its line and the next ```` ``` ````), stripped.
 *      So ```` ```py ```` and ```` ```python3 ```` do not open a block there; a later fence,
 *      even a closing one, can;
 *   2. else the whole reply, if it starts with `def `, `class `, `import ` or `from `;
 *   3. else everything from the first `def ` followed by a word character, wherever it is
 *      (even inside a word: "undef x"), stripped;
 *   4. else the whole reply.
 * Nothing is dedented and line ends are left as they are.
 */
import type { ExtractedCode } from './extract-code.ts';
import { PY_WHITESPACE, pyStrip } from './python-text.ts';

export type StudyExtractionRule = 'study-fenced-block' | 'study-whole-reply' | 'study-from-first-def' | 'study-fallback';

// Python's `\s` and `\w` on str patterns are Unicode-wide; JavaScript's need spelling out.
const STUDY_BLOCK = new RegExp('```(?:python)?' + PY_WHITESPACE + '*\\n([\\s\\S]*?)```');
const STUDY_DEF = /def [\p{L}\p{N}_]/u;
const CODE_STARTS = ['def ', 'class ', 'import ', 'from '];

/** `text` is the reply with its thinking already removed (see thinking.ts). */
export function locateCodeAsStudy(text: string): ExtractedCode {
  const stripped = pyStrip(text);

  const block = STUDY_BLOCK.exec(stripped);
  if (block) return { code: pyStrip(block[1] ?? ''), rule: 'study-fenced-block' };

  if (CODE_STARTS.some((start) => stripped.startsWith(start))) return { code: stripped, rule: 'study-whole-reply' };

  const def = STUDY_DEF.exec(stripped);
  if (def) return { code: pyStrip(stripped.slice(def.index)), rule: 'study-from-first-def' };

  return { code: stripped, rule: 'study-fallback' };
}
