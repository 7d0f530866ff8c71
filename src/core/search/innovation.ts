/**
 * Innovation numbers: the historical marking NEAT puts on each new structure so crossover can
 * tell which parts of two parents descend from the same event. Here the structures are refine
 * stages. As in NEAT, the same structural mutation made twice in one generation (a stage appended
 * after the same stage) gets the same number, so the two offspring can be aligned later.
 *
 * The tracker's state is plain JSON, so a saved search resumes with the same numbering.
 */

/**
 * Every genome of the first generation starts with the same stages (one in the study), numbered
 * from here, so they share their numbers.
 */
export const INITIAL_STAGE_INNOVATION = 1;

export interface InnovationState {
  /** The next number to hand out. */
  next: number;
  /** Numbers handed out this generation, by the mutation that asked (`append-after:3`). */
  thisGeneration: Record<string, number>;
}

/** The numbering after a first generation whose genomes start with `initialStages` stages (1 in the study). */
export function initialInnovationState(initialStages = 1): InnovationState {
  return { next: INITIAL_STAGE_INNOVATION + Math.max(1, initialStages), thisGeneration: {} };
}

export class InnovationTracker {
  #next: number;
  #thisGeneration: Map<string, number>;

  constructor(state: InnovationState = initialInnovationState()) {
    if (!Number.isInteger(state.next) || state.next < 0) {
      throw new Error(`An innovation counter must be a whole number ≥ 0, found ${state.next}.`);
    }
    this.#next = state.next;
    this.#thisGeneration = new Map(Object.entries(state.thisGeneration));
  }

  /**
   * The number for a structural event: the one already given to the same event this generation,
   * else a fresh one. `avoid` holds numbers the genome already carries; a clash gets a fresh number.
   */
  innovationFor(event: string, avoid: ReadonlySet<number> = new Set()): number {
    const known = this.#thisGeneration.get(event);
    if (known !== undefined && !avoid.has(known)) return known;
    const fresh = this.#next++;
    if (known === undefined) this.#thisGeneration.set(event, fresh);
    return fresh;
  }

  /** Events of different generations are different innovations, as in NEAT. */
  startGeneration(): void {
    this.#thisGeneration.clear();
  }

  toJSON(): InnovationState {
    return { next: this.#next, thisGeneration: Object.fromEntries(this.#thisGeneration) };
  }
}

/** The event name of appending a stage after the stage with this innovation (null: after the generator). */
export function appendStageEvent(lastInnovation: number | null): string {
  return `append-after:${lastInnovation ?? 'generator'}`;
}
