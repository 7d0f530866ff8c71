/**
 * The stage's keyboard: its scrolling boxes are Tab stops only while they scroll (a box that fits
 * has nothing for the keyboard to do), and when the scene under a focused box changes, focus goes
 * to the box of the same name or kind in the new scene, if it scrolls. Closing the keyboard help
 * gives focus back to what had it, or somewhere sensible when that has gone, never to <body>.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { successor, type Candidate } from '../../../src/ui/presenter/stage-focus.ts';

class FakeElement {
  children: FakeElement[] = [];
  parentElement: FakeElement | null = null;
  private readonly attributes = new Map<string, string>();
  private readonly listeners = new Map<string, (event: { target: unknown }) => void>();
  constructor(
    readonly ownerDocument: { activeElement: unknown },
    public clientHeight = 100,
    public scrollHeight = 100,
  ) {}
  clientWidth = 300;
  scrollWidth = 300;
  set tabIndex(value: number) {
    this.attributes.set('tabindex', String(value));
  }
  get tabindex(): string | undefined {
    return this.attributes.get('tabindex');
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: (event: { target: unknown }) => void) {
    this.listeners.set(type, listener);
  }
  removeEventListener(type: string) {
    this.listeners.delete(type);
  }
  dispatch(type: string) {
    this.listeners.get(type)?.({ target: this });
  }
  append(child: FakeElement) {
    child.parentElement = this;
    this.children.push(child);
  }
}

let resizeObservers: FakeResizeObserver[] = [];
let mutationObservers: FakeMutationObserver[] = [];

class FakeResizeObserver {
  readonly observed = new Set<unknown>();
  constructor(readonly callback: (entries: { target: unknown }[]) => void) {
    resizeObservers.push(this);
  }
  observe(target: unknown) {
    this.observed.add(target);
  }
  unobserve(target: unknown) {
    this.observed.delete(target);
  }
  /** The browser's report after a layout: an entry for each observed element among `targets`. */
  deliver(targets: unknown[]) {
    this.callback(targets.filter((t) => this.observed.has(t)).map((target) => ({ target })));
  }
}

class FakeMutationObserver {
  constructor(readonly callback: (records: { addedNodes: unknown[]; removedNodes: unknown[] }[]) => void) {
    mutationObservers.push(this);
  }
  observe() {}
  disconnect() {}
}

beforeEach(() => {
  resizeObservers = [];
  mutationObservers = [];
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  vi.stubGlobal('MutationObserver', FakeMutationObserver);
  vi.stubGlobal('Element', FakeElement);
  vi.resetModules();
});
afterEach(() => vi.unstubAllGlobals());

async function stopFor(box: FakeElement) {
  const { scrollStop } = await import('../../../src/ui/presenter/scroll-stop.ts');
  const action = scrollStop(box as unknown as HTMLElement);
  return { action, resize: resizeObservers[0]!, children: mutationObservers.at(-1)! };
}

describe("the stage's scrolling boxes as Tab stops", () => {
  it('makes a box a Tab stop while its content overflows, and none while it fits', async () => {
    const doc = { activeElement: null };
    const box = new FakeElement(doc, 200, 150);
    const { resize } = await stopFor(box);
    resize.deliver([box]);
    expect(box.tabindex).toBeUndefined();
    // The type made larger, or the window shorter: the code no longer fits.
    box.clientHeight = 100;
    resize.deliver([box]);
    expect(box.tabindex).toBe('0');
    box.clientHeight = 400;
    resize.deliver([box]);
    expect(box.tabindex).toBeUndefined();
  });

  it('keeps focus on a focused box that comes to fit, out of the Tab order, until focus leaves it', async () => {
    const doc: { activeElement: unknown } = { activeElement: null };
    const box = new FakeElement(doc, 100, 300);
    const { resize } = await stopFor(box);
    resize.deliver([box]);
    doc.activeElement = box;
    box.clientHeight = 400;
    resize.deliver([box]);
    expect(box.tabindex).toBe('-1');
    doc.activeElement = null;
    box.dispatch('focusout');
    expect(box.tabindex).toBeUndefined();
  });

  it('hears lines added after the box stopped growing: each new child is watched for size', async () => {
    const doc = { activeElement: null };
    const box = new FakeElement(doc, 100, 100);
    const { resize, children } = await stopFor(box);
    resize.deliver([box]);
    expect(box.tabindex).toBeUndefined();
    // A streaming reply adds a line: the box keeps its size, the content outgrows it.
    const line = new FakeElement(doc);
    box.append(line);
    children.callback([{ addedNodes: [line], removedNodes: [] }]);
    box.scrollHeight = 140;
    resize.deliver([line]);
    expect(box.tabindex).toBe('0');
  });

  it('stops watching a box and its children once it is gone', async () => {
    const doc = { activeElement: null };
    const box = new FakeElement(doc);
    box.append(new FakeElement(doc));
    const { action, resize } = await stopFor(box);
    expect(resize.observed.size).toBe(2);
    action.destroy();
    expect(resize.observed.size).toBe(0);
  });
});

describe('where focus goes when the scene under a focused box changes', () => {
  const box = (kind: string, label: string, scrolls = true): Candidate<string> => ({ kind, label, scrolls, item: label });

  it('prefers the box of the same name: the tests stay the tests', () => {
    const next = [box('code', 'Code under test'), box('tests', 'Tests')];
    expect(successor({ kind: 'tests', label: 'Tests' }, next)).toBe('Tests');
  });

  it('else the first of the same kind: the code follows the code through the talk', () => {
    const briefing = [box('pane', 'The code'), box('code', 'The code that was run'), box('traceback', 'What happened when the tests ran')];
    expect(successor({ kind: 'code', label: 'Code under test' }, briefing)).toBe('The code that was run');
    const refinement = [box('code', 'Changes against the previous code')];
    expect(successor({ kind: 'code', label: 'The code that was run' }, refinement)).toBe('Changes against the previous code');
  });

  it('never a box that fits (no Tab stop), and none at all when nothing alike scrolls: the heading takes it', () => {
    expect(successor({ kind: 'code', label: 'Code under test' }, [box('code', 'Code under test', false), box('code', 'Final code')])).toBe('Final code');
    expect(successor({ kind: 'traceback', label: 'Traceback' }, [box('code', 'Final code')])).toBeNull();
    expect(successor({ kind: 'code', label: 'Final code' }, [box('code', 'Final code', false)])).toBeNull();
  });
});

describe('where focus goes when the keyboard help closes', () => {
  class FakeFocusable {
    isConnected = true;
    focusable = true;
    readonly attributes = new Set<string>();
    constructor(readonly ownerDocument: { activeElement: unknown; body: unknown; documentElement: unknown }) {}
    hasAttribute(name: string) {
      return this.attributes.has(name);
    }
    focus() {
      if (this.isConnected && this.focusable) this.ownerDocument.activeElement = this;
    }
  }

  function page() {
    const doc: { activeElement: unknown; body: unknown; documentElement: unknown } = { activeElement: null, body: null, documentElement: null };
    doc.body = new FakeFocusable(doc);
    doc.documentElement = new FakeFocusable(doc);
    // The help's Close button had focus; closing the help removed it.
    doc.activeElement = doc.body;
    return { doc, element: () => new FakeFocusable(doc) };
  }

  async function returnFocus(before: unknown, otherwise: FakeFocusable | null) {
    vi.stubGlobal('HTMLElement', FakeFocusable);
    const { returnFocus } = await import('../../../src/ui/presenter/stage-focus.ts');
    return returnFocus(before as Element, null, otherwise as unknown as HTMLElement);
  }

  it('goes back to the control that opened the help while it is there', async () => {
    const { doc, element } = page();
    const opener = element();
    expect(await returnFocus(opener, element())).toBe(opener);
    expect(doc.activeElement).toBe(opener);
  });

  it('with no stage (the setup), goes to the setup’s help button when that control went or takes focus no more', async () => {
    const { doc, element } = page();
    const gone = element();
    gone.isConnected = false;
    const helpButton = element();
    expect(await returnFocus(gone, helpButton)).toBe(helpButton);
    const disabled = element();
    disabled.focusable = false;
    doc.activeElement = doc.body;
    expect(await returnFocus(disabled, helpButton)).toBe(helpButton);
    expect(doc.activeElement).toBe(helpButton);
  });

  it('leaves focus nowhere when it was nowhere as the help opened', async () => {
    const { doc, element } = page();
    expect(await returnFocus(doc.body, element())).toBeNull();
    expect(await returnFocus(null, element())).toBeNull();
    expect(doc.activeElement).toBe(doc.body);
  });
});
