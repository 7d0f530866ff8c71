/**
 * The Study page's Copy study link compresses the link before it can be copied. Safari refuses a
 * clipboard write made after that await (audit R205): the write must start inside the click.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyWhenReady } from '../../../src/ui/shared/clipboard.ts';

class FakeClipboardItem {
  constructor(readonly items: Record<string, Promise<Blob>>) {}
}

function install(clipboard: Partial<Clipboard>, withItem = true) {
  vi.stubGlobal('navigator', { clipboard });
  if (withItem) vi.stubGlobal('ClipboardItem', FakeClipboardItem);
  else vi.stubGlobal('ClipboardItem', undefined);
}

afterEach(() => vi.unstubAllGlobals());

describe('copying a link that is still being made', () => {
  it('starts the clipboard write before the text is ready, and copies the text once it is', async () => {
    let finish!: (text: string) => void;
    const text = new Promise<string>((resolve) => (finish = resolve));
    const written: string[] = [];
    const write = vi.fn(async (items: FakeClipboardItem[]) => {
      written.push(await (await items[0]!.items['text/plain']!).text());
    });
    install({ write: write as unknown as Clipboard['write'], writeText: vi.fn() });
    const copied = copyWhenReady(text);
    // Synchronously, in the click: what Safari needs.
    expect(write).toHaveBeenCalledTimes(1);
    finish('https://example.org/#/study?study=2');
    expect(await copied).toBe(true);
    expect(written).toEqual(['https://example.org/#/study?study=2']);
  });

  it('falls back to writeText when the browser refuses the item, and says false when that is refused too', async () => {
    const writeText = vi.fn(async () => undefined);
    install({ write: vi.fn(async () => Promise.reject(new DOMException('no', 'NotAllowedError'))), writeText });
    expect(await copyWhenReady(Promise.resolve('a link'))).toBe(true);
    expect(writeText).toHaveBeenCalledWith('a link');

    install({ write: vi.fn(async () => Promise.reject(new Error('no'))), writeText: vi.fn(async () => Promise.reject(new Error('no'))) });
    expect(await copyWhenReady(Promise.resolve('a link'))).toBe(false);
  });

  it('uses writeText where there is no ClipboardItem, and never rejects when the text could not be made', async () => {
    const writeText = vi.fn(async () => undefined);
    install({ writeText }, false);
    expect(await copyWhenReady(Promise.resolve('x'))).toBe(true);
    expect(await copyWhenReady(Promise.reject(new Error('too long')))).toBe(false);
    install({ write: vi.fn(async () => Promise.reject(new Error('blob failed'))), writeText }, true);
    expect(await copyWhenReady(Promise.reject(new Error('too long')))).toBe(false);
  });
});
