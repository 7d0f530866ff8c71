/**
 * Copies text that is still being made (a study link is compressed first). Safari lets a page
 * write the clipboard only while the click that asked is being handled: `writeText` after an
 * awaited compression was refused there, and the Study page said "the browser refused the
 * clipboard" to every Safari user (audit R205). A ClipboardItem takes its contents as a promise,
 * so the write starts within the click and completes when the text is ready. Where that is
 * missing or refused, `writeText` once the text is ready (Chromium and Firefox allow it to a
 * focused page).
 *
 * Call it synchronously from the click handler, before any await. Resolves true when the text was
 * copied, false when the browser refused or `text` failed (the caller says why from `text`); it
 * never rejects, so leaving it unawaited on that path is safe.
 */
export function copyWhenReady(text: Promise<string>): Promise<boolean> {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  const byWriteText = () =>
    text.then(
      (ready) => (clipboard ? clipboard.writeText(ready).then(() => true, () => false) : false),
      () => false,
    );
  if (!clipboard) return byWriteText();
  if (typeof ClipboardItem === 'function' && typeof clipboard.write === 'function') {
    const blob = text.then((ready) => new Blob([ready], { type: 'text/plain' }));
    // A browser that refuses the write may never read the item: its failure is not news then.
    blob.catch(() => undefined);
    let item: ClipboardItem;
    try {
      item = new ClipboardItem({ 'text/plain': blob });
    } catch {
      return byWriteText();
    }
    return clipboard.write([item]).then(
      () => true,
      () => byWriteText(),
    );
  }
  return byWriteText();
}
