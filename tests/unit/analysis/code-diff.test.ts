import { describe, expect, it } from 'vitest';
import { codeDiff } from '../../../src/core/analysis/code-diff.ts';

const summary = (before: string, after: string) => {
  const diff = codeDiff(before, after);
  return { lines: diff.lines.map((l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '}${l.text}`), added: diff.added, removed: diff.removed };
};

// Extracted code has its trailing newline trimmed, so versions usually end without one.
describe('a code diff between two versions', () => {
  it('shows lines appended after the old last line as added only', () => {
    expect(summary('a\nb', 'a\nb\nc')).toEqual({ lines: [' a', ' b', '+c'], added: 1, removed: 0 });
  });

  it('shows lines put in front as added only', () => {
    expect(summary('def f():\n    return 1', 'import math\ndef f():\n    return 1')).toEqual({
      lines: ['+import math', ' def f():', '     return 1'],
      added: 1,
      removed: 0,
    });
  });

  it('shows a changed middle line as one removed and one added', () => {
    expect(summary('a\nb\nc', 'a\nB\nc')).toEqual({ lines: [' a', '-b', '+B', ' c'], added: 1, removed: 1 });
  });

  it('shows a changed last line as one removed and one added', () => {
    expect(summary('def f():\n    return 1', 'def f():\n    return 2\n')).toEqual({
      lines: [' def f():', '-    return 1', '+    return 2'],
      added: 1,
      removed: 1,
    });
  });

  it('shows no change when only the final newline differs', () => {
    expect(summary('def f():\n    return 1', 'def f():\n    return 1\n')).toEqual({ lines: [' def f():', '     return 1'], added: 0, removed: 0 });
  });

  it('reads CRLF line endings as plain newlines', () => {
    expect(summary('a\r\nb\r\n', 'a\nb\nc')).toEqual({ lines: [' a', ' b', '+c'], added: 1, removed: 0 });
  });

  it('shows every line of code that came from nothing as added', () => {
    expect(summary('', 'x = 1\ny = 2')).toEqual({ lines: ['+x = 1', '+y = 2'], added: 2, removed: 0 });
  });
});
