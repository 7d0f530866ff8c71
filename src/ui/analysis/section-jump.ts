/**
 * The Reproduce page's contents list: a press scrolls to a section and puts focus on its heading,
 * so Tab and a screen reader go on from there, not from the list. The report is drawn a section at
 * a time (draw-turns.svelte.ts), and the list is there before the last section is: a section not
 * drawn yet is drawn at once, with every one still waiting before it, so the press is never lost
 * and the page does not grow above the section after the scroll.
 */
import { drawTurns as pageDrawTurns, type DrawTurns } from '../shared/draw-turns.svelte.ts';

export function jumpToSection(
  id: string,
  root: Pick<Document, 'getElementById'> = document,
  turns: Pick<DrawTurns, 'drawAll'> = pageDrawTurns,
): boolean {
  if (!root.getElementById(`section-${id}`)) turns.drawAll();
  const section = root.getElementById(`section-${id}`);
  if (!section) return false;
  section.scrollIntoView({ block: 'start' });
  root.getElementById(`heading-${id}`)?.focus({ preventScroll: true });
  return true;
}
