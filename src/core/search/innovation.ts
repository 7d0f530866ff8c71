/**
 * Innovation numbers: the historical marking NEAT puts on each new structure so crossover can
 * tell which parts of two parents descend from the same event. Here the structures are refine
 * stages. As in the study's released code (`next_innovation()` in code_neat_genome.py), every
 * appended stage gets a fresh number: two offspring that each append a stage in the same
 * generation carry different numbers, so crossover treats those stages as disjoint. (Classic NEAT
 * would give the same structural mutation of one generation the same number; the study did not,
 * and its numbers are what this search reproduces.)
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
  /**
   * Always empty now. Searches saved before fresh numbers replaced per-generation reuse listed
   * here the numbers given that generation; they still read, and resume with fresh numbers. Kept
   * in the state so that an earlier Feedback Lab can still read a search saved by this one.
   */
  thisGeneration: Record<string, number>;
}

/** The numbering after a first generation whose genomes start with `initialStages` stages (1 in the study). */
export function initialInnovationState(initialStages = 1): InnovationState {
  return { next: INITIAL_STAGE_INNOVATION + Math.max(1, initialStages), thisGeneration: {} };
}

export class InnovationTracker {
  #next: number;

  constructor(state: InnovationState = initialInnovationState()) {
    if (!Number.isInteger(state.next) || state.next < 0) {
      throw new Error(`An innovation counter must be a whole number ≥ 0, found ${state.next}.`);
    }
    this.#next = state.next;
  }

  /** A number no stage has had before in this search. */
  fresh(): number {
    return this.#next++;
  }

  toJSON(): InnovationState {
    return { next: this.#next, thisGeneration: {} };
  }
}
