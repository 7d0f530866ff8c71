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
    if (match) return clip([match[1] ?? '', ...lines.slice(i + 1)].join('\n'), MAX_MESSAGE_CHARS);
  }
  return '';
}

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
