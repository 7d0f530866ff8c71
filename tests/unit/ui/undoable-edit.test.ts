import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyUndoably, MAX_UNDOABLE_LINE_BREAKS } from '../../../src/ui/playground/undoable-edit.ts';

/** A textarea as applyUndoably uses it, and a document whose editing commands are recorded. */
function editor(value: string) {
  const area = {
    value,
    selectionStart: 0,
    selectionEnd: 0,
    focus: vi.fn(),
    setSelectionRange(start: number, end: number) {
      area.selectionStart = start;
      area.selectionEnd = end;
    },
    setRangeText(text: string, start: number, end: number) {
      area.value = area.value.slice(0, start) + text + area.value.slice(end);
    },
  };
  const execCommand = vi.fn((command: string, _ui: boolean, text: string) => {
    area.setRangeText(command === 'delete' ? '' : text, area.selectionStart, area.selectionEnd);
    return true;
  });
  vi.stubGlobal('document', { activeElement: area, execCommand });
  return { area: area as unknown as HTMLTextAreaElement, execCommand };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('editing the Playground editor undoably', () => {
  it('puts an ordinary edit in through the browser, so Ctrl+Z takes it back', () => {
    const { area, execCommand } = editor('def f():\nreturn 1\n');
    applyUndoably(area, { from: 9, to: 17, insert: '    return 1', selectionStart: 21, selectionEnd: 21 });
    expect(execCommand).toHaveBeenCalledWith('insertText', false, '    return 1');
    expect(area.value).toBe('def f():\n    return 1\n');
  });

  it('makes an edit of thousands of lines at once: the browser took over a minute for 5,000', () => {
    // Select all and Tab over a pasted file: Chromium inserted it line by line, each slower than the last.
    const lines = Array.from({ length: 5000 }, (_, i) => `x${i} = ${i}`);
    const { area, execCommand } = editor(`${lines.join('\n')}\n`);
    const indented = `${lines.map((line) => `    ${line}`).join('\n')}\n`;
    applyUndoably(area, { from: 0, to: area.value.length, insert: indented, selectionStart: 0, selectionEnd: indented.length });
    expect(execCommand).not.toHaveBeenCalled();
    expect(area.value).toBe(indented);
    expect([area.selectionStart, area.selectionEnd]).toEqual([0, indented.length]);
  });

  it('keeps edits up to the limit undoable', () => {
    const { area, execCommand } = editor('');
    applyUndoably(area, { from: 0, to: 0, insert: 'x\n'.repeat(MAX_UNDOABLE_LINE_BREAKS), selectionStart: 0, selectionEnd: 0 });
    expect(execCommand).toHaveBeenCalledTimes(1);
    applyUndoably(area, { from: 0, to: 0, insert: 'x\n'.repeat(MAX_UNDOABLE_LINE_BREAKS + 1), selectionStart: 0, selectionEnd: 0 });
    expect(execCommand).toHaveBeenCalledTimes(1);
    expect(area.value).toBe('x\n'.repeat(2 * MAX_UNDOABLE_LINE_BREAKS + 1));
  });
});
