/**
 * A decimal comma from an on-screen keyboard. Android's keyboards report every key as
 * "Unidentified" (keyCode 229) and send the character as inserted text, so the keydown rule never
 * saw the comma and Chromium's number field dropped it: "2,5" minutes of budget became 25 on a
 * tablet (audit R206). The inserted text is caught before the field filters it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decimalComma } from '../../../src/ui/shared/decimal-comma.ts';

type Listener = (event: unknown) => void;

/** A number field as far as decimalComma uses it: its listeners, by event type. */
function fakeField() {
  const listeners = new Map<string, Listener[]>();
  const field = {
    readOnly: false,
    disabled: false,
    addEventListener: (type: string, listener: Listener) => listeners.set(type, [...(listeners.get(type) ?? []), listener]),
    removeEventListener: (type: string, listener: Listener) => listeners.set(type, (listeners.get(type) ?? []).filter((l) => l !== listener)),
  };
  const fire = (type: string, init: Record<string, unknown>) => {
    const event = { ...init, defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    for (const listener of listeners.get(type) ?? []) listener(event);
    return event;
  };
  return { field, fire, listeners };
}

const execCommand = vi.fn();

afterEach(() => {
  execCommand.mockReset();
  vi.unstubAllGlobals();
});

describe('a decimal comma from an on-screen keyboard', () => {
  it('writes a comma inserted without its key ("Unidentified") as the point it means', () => {
    vi.stubGlobal('document', { execCommand });
    const { field, fire } = fakeField();
    decimalComma(field as unknown as HTMLInputElement);
    // What Chromium on Android sends for the comma key: a keydown it cannot name, then the text.
    expect(fire('keydown', { key: 'Unidentified' }).defaultPrevented).toBe(false);
    const inserted = fire('beforeinput', { inputType: 'insertText', data: ',' });
    expect(inserted.defaultPrevented).toBe(true);
    expect(execCommand).toHaveBeenCalledWith('insertText', false, '.');
  });

  it('leaves digits, other edits and a read-only field to the field', () => {
    vi.stubGlobal('document', { execCommand });
    const { field, fire } = fakeField();
    decimalComma(field as unknown as HTMLInputElement);
    expect(fire('beforeinput', { inputType: 'insertText', data: '5' }).defaultPrevented).toBe(false);
    expect(fire('beforeinput', { inputType: 'deleteContentBackward', data: null }).defaultPrevented).toBe(false);
    field.readOnly = true;
    expect(fire('beforeinput', { inputType: 'insertText', data: ',' }).defaultPrevented).toBe(false);
    expect(execCommand).not.toHaveBeenCalled();
  });

  it('stops listening once the field goes', () => {
    vi.stubGlobal('document', { execCommand });
    const { field, listeners } = fakeField();
    decimalComma(field as unknown as HTMLInputElement).destroy();
    expect([...listeners.values()].flat()).toEqual([]);
  });
});
