/**
 * A decimal comma typed into a number field that takes fractions. Chromium's number inputs take
 * only "." as the decimal point whatever the user's language (a `lang` attribute on the field did
 * not change that), and drop a typed "," without a word: "1,5" minutes of budget became 15. On
 * these fields a typed comma is written as the point it means. (Whole-number fields keep
 * Chromium's way: there "1,000" is a thousands separator, and dropping it gives 1000.)
 */
export function decimalComma(input: HTMLInputElement): { destroy(): void } {
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== ',' || event.ctrlKey || event.metaKey || event.altKey || input.readOnly || input.disabled) return;
    event.preventDefault();
    // execCommand is the one way to type into a number field at its caret (it has no
    // selectionStart or setRangeText); it fires the same input event typing does, and joins undo.
    document.execCommand('insertText', false, '.');
  };
  // Pasted "1,5" (from a spreadsheet in German, say) was dropped the same way: a number with one
  // decimal comma is pasted with a point; anything else is left to the field.
  const onPaste = (event: ClipboardEvent) => {
    const text = event.clipboardData?.getData('text/plain').trim() ?? '';
    if (input.readOnly || input.disabled || !/^[-+]?\d*,\d+$/.test(text)) return;
    event.preventDefault();
    document.execCommand('insertText', false, text.replace(',', '.'));
  };
  // An on-screen keyboard (Android's) reports its keys as "Unidentified" and sends the comma as
  // text: keydown never saw it, and the field dropped it as it does a typed one ("2,5" became 25).
  // The text it inserts is seen before the field filters it; a key handled above never gets here.
  const onBeforeInput = (event: InputEvent) => {
    const text = event.data ?? '';
    if (event.inputType !== 'insertText' || input.readOnly || input.disabled || !/^[-+]?\d*,\d*$/.test(text)) return;
    event.preventDefault();
    document.execCommand('insertText', false, text.replace(',', '.'));
  };
  input.addEventListener('keydown', onKeydown);
  input.addEventListener('paste', onPaste);
  input.addEventListener('beforeinput', onBeforeInput);
  return {
    destroy: () => {
      input.removeEventListener('keydown', onKeydown);
      input.removeEventListener('paste', onPaste);
      input.removeEventListener('beforeinput', onBeforeInput);
    },
  };
}
