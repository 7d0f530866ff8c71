/**
 * Draws a big report a piece at a time. The Results page's report of a big study (tables, bar
 * charts, a transition matrix per arm and iteration, the explorer) was mounted in one go when it
 * arrived from the worker: one task of 0.18 s on an idle machine and 0.8 s at load 20 (a CPU
 * profile: Svelte building its DOM, half of it the figures; docs/performance.md), during which a
 * click or a key waited. Each piece now asks for a turn; turns are given in the order asked, as
 * many per task as fit in a small budget, and the next task waits for a frame, so the browser
 * lays out and paints what is there, and handles input, between pieces.
 *
 * A piece drawn on its turn counts against that task's budget (its DOM is built at once, not at
 * the next microtask), so one big piece still gets a task of its own but never shares it.
 */
import { flushSync } from 'svelte';

/** What one task may spend on drawing before it lets the browser paint and take input. */
export const DRAW_BUDGET_MS = 30;

export interface DrawTurnsPorts {
  now: () => number;
  /** Runs `next` in a later task, after the browser has had a chance to draw a frame. */
  later: (next: () => void) => void;
  /** Builds the DOM of what was just allowed to draw, now. */
  flush: () => void;
}

/** The browser's: after the next frame (or 100 ms, in a tab that draws no frames while hidden). */
function browserLater(next: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    next();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 100);
}

export class DrawTurns {
  /** Pieces waiting for their turn: while there are some, the report says it is busy. */
  pending = $state(0);
  readonly #queue: (() => void)[] = [];
  readonly #ports: DrawTurnsPorts;
  readonly #budgetMs: number;
  #scheduled = false;

  constructor(ports: Partial<DrawTurnsPorts> = {}, budgetMs = DRAW_BUDGET_MS) {
    this.#ports = { now: () => performance.now(), later: browserLater, flush: () => flushSync(), ...ports };
    this.#budgetMs = budgetMs;
  }

  /** Asks for a turn to call `draw`; returns a function that withdraws the request (the piece went away first). */
  request(draw: () => void): () => void {
    let waiting = true;
    const turn = () => {
      waiting = false;
      draw();
    };
    this.#queue.push(turn);
    this.pending++;
    this.#schedule();
    return () => {
      if (!waiting) return;
      waiting = false;
      const at = this.#queue.indexOf(turn);
      if (at >= 0) {
        this.#queue.splice(at, 1);
        this.pending--;
      }
    };
  }

  /** Gives every waiting piece its turn now (before printing: the printout must hold the whole report). */
  drawAll(): void {
    while (this.#queue.length > 0) this.#next();
    this.#ports.flush();
  }

  #next(): void {
    const turn = this.#queue.shift()!;
    this.pending--;
    turn();
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0) return;
    this.#scheduled = true;
    this.#ports.later(() => this.#run());
  }

  #run(): void {
    this.#scheduled = false;
    const started = this.#ports.now();
    // At least one piece a task, then more while the budget lasts.
    do {
      if (this.#queue.length === 0) break;
      this.#next();
      this.#ports.flush();
    } while (this.#ports.now() - started < this.#budgetMs);
    this.#schedule();
  }
}

/** The pages' one queue, so pieces of one page are drawn in the order they appear. */
export const drawTurns = new DrawTurns();

if (typeof addEventListener === 'function') addEventListener('beforeprint', () => drawTurns.drawAll());
