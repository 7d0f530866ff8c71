/**
 * When a run's pace says something about the time left. The first programs say little of the rest:
 * one that passes in 75 ms promised "about 2 s left" of a run that took 9 s, its time going to
 * programs that ran into their limit. A finished run has its pace however short it was.
 */
const FEWEST_FOR_A_PACE = 3;
const SHORTEST_FOR_A_PACE_MS = 1000;

export function paceIsKnown(done: number, total: number, elapsedMs: number): boolean {
  if (done === 0 || elapsedMs <= 0) return false;
  return done >= total || (done >= FEWEST_FOR_A_PACE && elapsedMs >= SHORTEST_FOR_A_PACE_MS);
}
