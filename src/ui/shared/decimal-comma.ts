/**
 * A decimal comma typed into a number field that takes fractions. Chromium's number inputs take
 * only "." as the decimal point whatever the user's language (a `lang` attribute on the field did
 * not change that), and drop a typed "," without a word: "1,5" minutes of budget became 15. On
 * these fields a typed comma is written as the point it means. (Whole-number fields keep
 * Chromium's way: there "1,000" is a thousands separator, and dropping it gives 1000.)
 */
export function decimalComma(input: HTMLInputElement): { destroy(): void } {
  // The text about to be inserted, not the key pressed: a hardware keyboard's "," and an on-screen
  // keyboard's (Android's reports its keys as "Unidentified" and sends the comma as text, so a
  // rule on keydown never saw it and "2,5" became 25 on a tablet) both arrive here before the
  // field filters them. A shortcut with the comma key inserts nothing and never gets here.
  const onBeforeInput = (event: InputEvent) => {
    const text = event.data ?? '';
    if (event.inputType !== 'insertText' || input.readOnly || input.disabled || !/^[-+]?\d*,\d*$/.test(text)) return;
    event.preventDefault();
    // execCommand is the one way to type into a number field at its caret (it has no
    // selectionStart or setRangeText); it fires the same input event typing does, and joins undo.
    document.execCommand('insertText', false, text.replace(',', '.'));
  };
  // Pasted "1,5" (from a spreadsheet in German, say) was dropped the same way: a number with one
  // decimal comma is pasted with a point; anything else is left to the field.
  const onPaste = (event: ClipboardEvent) => {
    const text = event.clipboardData?.getData('text/plain').trim() ?? '';
    if (input.readOnly || input.disabled || !/^[-+]?\d*,\d+$/.test(text)) return;
    event.preventDefault();
    document.execCommand('insertText', false, text.replace(',', '.'));
  };
  input.addEventListener('beforeinput', onBeforeInput);
  input.addEventListener('paste', onPaste);
  return {
    destroy: () => {
      input.removeEventListener('beforeinput', onBeforeInput);
      input.removeEventListener('paste', onPaste);
    },
  };
}
