import { describe, expect, it } from 'vitest';
import { tabEdit, type TextEdit } from '../../../src/ui/playground/tab-edits.ts';

/** The text after the edit, with the selection marked as [ and ]. */
function after(text: string, edit: TextEdit | null): string | null {
  if (!edit) return null;
  const next = text.slice(0, edit.from) + edit.insert + text.slice(edit.to);
  return `${next.slice(0, edit.selectionStart)}[${next.slice(edit.selectionStart, edit.selectionEnd)}]${next.slice(edit.selectionEnd)}`;
}

/** `text` with [ and ] for the selection, as the start and end offsets of the rest. */
function selected(marked: string): [text: string, start: number, end: number] {
  const start = marked.indexOf('[');
  const end = marked.indexOf(']') - 1;
  return [marked.replace('[', '').replace(']', ''), start, end];
}

const PROGRAM = 'def is_not_prime(n):\nfor i in range(2, n):\n    if n % i == 0:\n        return True\nreturn False\n';

describe('Tab and Shift+Tab in the code editor', () => {
  it('indents every selected line, keeping them selected, instead of replacing them with spaces', () => {
    // Lines 2 to 4 selected with Shift+Down from the start of line 2, as a keyboard user does.
    const start = PROGRAM.indexOf('for');
    const end = PROGRAM.indexOf('return False');
    expect(after(PROGRAM, tabEdit(PROGRAM, start, end, 'indent'))).toBe(
      'def is_not_prime(n):\n[    for i in range(2, n):\n        if n % i == 0:\n            return True\n]return False\n',
    );
  });

  it('dedents every selected line, not just the first', () => {
    const [text, start, end] = selected('def f():\n    a = [1\n        b = 2\n  c = 3]\n');
    expect(after(text, tabEdit(text, start, end, 'dedent'))).toBe('def f():\na = [1\n    b = 2\nc = 3]\n');
  });

  it('inserts four spaces at the caret when nothing is selected', () => {
    const [text, start, end] = selected('def f():\n[]return 1\n');
    expect(after(text, tabEdit(text, start, end, 'indent'))).toBe('def f():\n    []return 1\n');
  });

  it('indents the whole line for a selection inside it, rather than typing over the selection', () => {
    const [text, start, end] = selected('def f():\nreturn [numbr] % 1.0\n');
    expect(after(text, tabEdit(text, start, end, 'indent'))).toBe('def f():\n    return [numbr] % 1.0\n');
  });

  it('dedents the caret’s line by one indent, or what is left of one, or a tab', () => {
    expect(after(...withCaret('def f():\n        return [] 1\n'))).toBe('def f():\n    return [] 1\n');
    expect(after(...withCaret('def f():\n  return [] 1\n'))).toBe('def f():\nreturn [] 1\n');
    expect(after(...withCaret('def f():\n\treturn [] 1\n'))).toBe('def f():\nreturn [] 1\n');
    // The caret inside the indent that goes stays on its line.
    expect(after(...withCaret('def f():\n  [] return 1\n'))).toBe('def f():\n[]return 1\n');
  });

  it('changes nothing (and so adds nothing to undo) when there is nothing to dedent', () => {
    const [text, start, end] = selected('[def f():\nreturn 1]\n');
    expect(tabEdit(text, start, end, 'dedent')).toBeNull();
  });

  it('leaves empty lines empty when indenting a block', () => {
    const [text, start, end] = selected('[a = 1\n\nb = 2]');
    expect(after(text, tabEdit(text, start, end, 'indent'))).toBe('[    a = 1\n\n    b = 2]');
  });
});

function withCaret(marked: string): [string, TextEdit | null] {
  const [text, start, end] = selected(marked);
  return [text, tabEdit(text, start, end, 'dedent')];
}
