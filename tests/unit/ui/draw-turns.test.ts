/**
 * A big report is drawn a piece at a time: each piece waits for its turn, turns come in the order
 * asked, a task draws pieces only while its budget lasts (and always at least one), and the next
 * task waits for the browser (a frame, in the page). A piece that goes away first never draws.
 */
import { describe, expect, it } from 'vitest';
import { DrawTurns } from '../../../src/ui/shared/draw-turns.svelte.ts';

/** A queue over a fake clock: each piece drawn costs `cost` ms, and tasks run when the test says. */
function harness(budgetMs = 30) {
  let clock = 0;
  const tasks: (() => void)[] = [];
  const drawn: string[] = [];
  const taskOf: number[] = [];
  let task = 0;
  const turns = new DrawTurns({ now: () => clock, later: (next) => tasks.push(next), flush: () => undefined }, budgetMs);
  const piece = (name: string, cost: number) =>
    turns.request(() => {
      drawn.push(name);
      taskOf.push(task);
      clock += cost;
    });
  /** Runs the browser's next task; false when none is waiting. */
  const nextTask = (): boolean => {
    const next = tasks.shift();
    if (!next) return false;
    task++;
    next();
    return true;
  };
  return { turns, piece, nextTask, drawn, taskOf, waitingTasks: () => tasks.length };
}

describe('drawing a big report in turns', () => {
  it('draws nothing at once, then every piece in the order asked, as many per task as the budget allows', () => {
    const h = harness(30);
    for (const [name, cost] of [['summary', 12], ['pairs', 12], ['errors', 12], ['figure', 50], ['explorer', 5]] as const) h.piece(name, cost);
    expect(h.drawn).toEqual([]);
    expect(h.turns.pending).toBe(5);
    expect(h.waitingTasks()).toBe(1);
    while (h.nextTask());
    expect(h.drawn).toEqual(['summary', 'pairs', 'errors', 'figure', 'explorer']);
    // 12 + 12 + 12 ms went over 30 with the third piece: the figure waits for the next task, and
    // being over budget by itself, leaves the explorer to the one after.
    expect(h.taskOf).toEqual([1, 1, 1, 2, 3]);
    expect(h.turns.pending).toBe(0);
  });

  it('never draws a piece that went away before its turn', () => {
    const h = harness();
    h.piece('kept', 1);
    const withdraw = h.piece('closed', 1);
    withdraw();
    expect(h.turns.pending).toBe(1);
    while (h.nextTask());
    expect(h.drawn).toEqual(['kept']);
    withdraw(); // twice, or after the turn: nothing happens
    expect(h.turns.pending).toBe(0);
  });

  it('draws a piece asked for while others are drawn after them, and everything at once before printing', () => {
    const h = harness(1000);
    h.piece('section', 1);
    h.nextTask();
    // The section, drawn, asks for its figures' turns.
    h.piece('figure 1', 1);
    h.piece('figure 2', 1);
    expect(h.drawn).toEqual(['section']);
    h.turns.drawAll();
    expect(h.drawn).toEqual(['section', 'figure 1', 'figure 2']);
    expect(h.turns.pending).toBe(0);
    // The task already asked for finds nothing left to draw.
    while (h.nextTask());
    expect(h.drawn).toHaveLength(3);
  });
});
