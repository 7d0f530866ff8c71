/**
 * The table boxes of a report become tab stops when they overflow, measured without forcing a
 * layout per table: nothing is measured as a box is mounted, and when the boxes are laid out every
 * one is measured before any is changed (a write between two reads makes the browser lay the page
 * out again for the second read: with dozens of tables, a long task of forced layouts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** What the fake DOM saw, in order: `read <id>` for a layout read, `write <id>` for an attribute change. */
let log: string[] = [];
let observers: FakeResizeObserver[] = [];

class FakeResizeObserver {
  readonly observed = new Set<Element>();
  constructor(readonly callback: (entries: ResizeObserverEntry[]) => void) {
    observers.push(this);
  }
  observe(target: Element) {
    this.observed.add(target);
  }
  unobserve(target: Element) {
    this.observed.delete(target);
  }
  disconnect() {
    this.observed.clear();
  }
  /** The browser's delivery after a layout: one callback with an entry per observed element. */
  deliver(targets: readonly Element[]) {
    this.callback(targets.filter((t) => this.observed.has(t)).map((target) => ({ target }) as ResizeObserverEntry));
  }
}

function fakeBox(id: string, contentWidth: number, width = 800) {
  const attributes = new Map<string, string>();
  const table = { id: `${id}-table` } as unknown as Element;
  const box = {
    id,
    children: [table],
    get scrollWidth() {
      log.push(`read ${id}`);
      return contentWidth;
    },
    get clientWidth() {
      return width;
    },
    scrollHeight: 100,
    clientHeight: 100,
    set tabIndex(value: number) {
      log.push(`write ${id}`);
      attributes.set('tabindex', String(value));
    },
    setAttribute(name: string, value: string) {
      log.push(`write ${id}`);
      attributes.set(name, value);
    },
    removeAttribute(name: string) {
      if (attributes.delete(name)) log.push(`write ${id}`);
    },
    attributes,
    table,
  };
  return box;
}

beforeEach(() => {
  log = [];
  observers = [];
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  vi.resetModules();
});
afterEach(() => vi.unstubAllGlobals());

describe('table boxes that take focus when they overflow', () => {
  it('measures nothing as boxes are mounted, then every box before changing any', async () => {
    const { scrollableByKeyboard } = await import('../../../src/ui/shared/keyboard-scroll.ts');
    const wide = [fakeBox('a', 1200), fakeBox('b', 700), fakeBox('c', 1500)];
    for (const box of wide) scrollableByKeyboard(box as unknown as HTMLElement, `Table ${box.id}`);
    expect(log).toEqual([]);
    // One observer for all of them, so the browser reports them in one callback.
    expect(observers).toHaveLength(1);
    observers[0]!.deliver(wide.flatMap((box) => [box as unknown as Element, box.table]));
    const firstWrite = log.findIndex((entry) => entry.startsWith('write'));
    expect(log.slice(0, firstWrite)).toEqual(['read a', 'read b', 'read c']);
    expect(log.slice(firstWrite).every((entry) => entry.startsWith('write'))).toBe(true);
    expect(wide[0]!.attributes).toEqual(new Map([['tabindex', '0'], ['role', 'region'], ['aria-label', 'Table a']]));
    expect(wide[1]!.attributes.size).toBe(0);
    expect(wide[2]!.attributes.get('role')).toBe('region');
  });

  it('follows a box that stops overflowing, renames one that does, and forgets a destroyed one', async () => {
    const { scrollableByKeyboard } = await import('../../../src/ui/shared/keyboard-scroll.ts');
    const box = fakeBox('a', 1200);
    const action = scrollableByKeyboard(box as unknown as HTMLElement, 'Old caption');
    const element = box as unknown as Element;
    observers[0]!.deliver([element]);
    action.update('New caption');
    expect(box.attributes.get('aria-label')).toBe('New caption');
    // The window widened: the table fits now, and the box is no tab stop.
    Object.defineProperty(box, 'clientWidth', { get: () => 1600 });
    observers[0]!.deliver([element]);
    expect(box.attributes.size).toBe(0);
    action.destroy();
    expect(observers[0]!.observed.size).toBe(0);
  });
});
