/**
 * The Reproduce page's contents list works while the report is still being drawn: pressing the
 * entry of a section that has not had its turn yet draws it (and every section still waiting)
 * at once, scrolls to it and puts focus on its heading.
 */
import { describe, expect, it } from 'vitest';
import { jumpToSection } from '../../../src/ui/analysis/section-jump.ts';
import { DrawTurns } from '../../../src/ui/shared/draw-turns.svelte.ts';

/** A page whose sections appear as the queue gives them their turn; records scrolls and focus. */
function page(ids: string[]) {
  const present = new Set<string>();
  const events: string[] = [];
  const turns = new DrawTurns({ now: () => 0, later: () => undefined, flush: () => undefined });
  for (const id of ids) turns.request(() => present.add(id));
  const element = (kind: string, id: string) =>
    ({
      scrollIntoView: () => events.push(`scroll ${kind} ${id}`),
      focus: () => events.push(`focus ${kind} ${id}`),
    }) as unknown as HTMLElement;
  const root = {
    getElementById(elementId: string): HTMLElement | null {
      const [, kind, id] = /^(section|heading)-(.*)$/.exec(elementId) ?? [];
      return kind && id && present.has(id) ? element(kind, id) : null;
    },
  };
  return { root, turns, present, events };
}

describe('the contents list of a report drawn a section at a time', () => {
  it('goes to a section not drawn yet: it and every section waiting are drawn first', () => {
    const { root, turns, present, events } = page(['table-1', 'table-2', 'figure-3']);
    expect(present.size, 'nothing drawn yet').toBe(0);
    expect(jumpToSection('table-2', root, turns)).toBe(true);
    expect([...present]).toEqual(['table-1', 'table-2', 'figure-3']);
    expect(turns.pending).toBe(0);
    expect(events).toEqual(['scroll section table-2', 'focus heading table-2']);
  });

  it('goes to a drawn section without drawing the rest ahead of its turn', () => {
    const { root, turns, present, events } = page(['table-1', 'table-2']);
    present.add('table-1');
    let drewAll = false;
    expect(jumpToSection('table-1', root, { drawAll: () => (drewAll = true) })).toBe(true);
    expect(drewAll).toBe(false);
    expect(turns.pending).toBe(2);
    expect(events).toEqual(['scroll section table-1', 'focus heading table-1']);
  });

  it('says so when the section is not in the report at all', () => {
    const { root, turns, events } = page(['table-1']);
    expect(jumpToSection('no-such-section', root, turns)).toBe(false);
    expect(events).toEqual([]);
  });
});
