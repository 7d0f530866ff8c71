/**
 * Which tab scores or shows which kept scoring. A tab scoring a run holds its Web Lock, so no
 * other tab continues it meanwhile and the list can tell a run scored somewhere from one a tab
 * lost (the store says "scoring" in both cases). A tab showing a run holds a shared lock on it,
 * so that starting a new run elsewhere never lets go of the run a tab has open (a reload of that
 * tab would find nothing).
 */
import { browserLocks, runLocks, type LockManagerLike, type RunLocks } from '../shared/run-locks.ts';

export interface ScoringLocks {
  /** Takes the run's scoring lock, or null when another tab scores it (see RunLocks.claim). */
  claim(id: string): Promise<(() => Promise<void>) | null>;
  /** Holds the run's shared "shown" lock until the returned function is called. */
  show(id: string): () => void;
  /** Runs some tab scores now. */
  scoringAnywhere(): Promise<Set<string>>;
  /** Runs some tab scores or shows now: starting a new run does not let go of them. */
  heldAnywhere(): Promise<Set<string>>;
}

const SCORING = 'feedback-lab:scoring:';
const SHOWN = 'feedback-lab:scoring-shown:';

/** Locks through `locks` (the browser's own unless a test gives others); where there are none, every claim succeeds. */
export function scoringLocks(locks: () => LockManagerLike | undefined = browserLocks): ScoringLocks {
  const scoring: RunLocks = runLocks(SCORING, locks, 'samples being scored');
  const shown: RunLocks = runLocks(SHOWN, locks);
  return {
    claim: (id) => scoring.claim(id),
    show(id) {
      const manager = locks();
      if (!manager) return () => undefined;
      let free: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (free = resolve));
      // Shared: two tabs may show one run; nothing takes this name exclusively, so it is granted at once.
      manager.request(`${SHOWN}${id}`, { mode: 'shared' }, () => held).catch(() => undefined);
      return free;
    },
    scoringAnywhere: () => scoring.heldAnywhere(),
    async heldAnywhere() {
      const [scored, shownIds] = await Promise.all([scoring.heldAnywhere(), shown.heldAnywhere()]);
      return new Set([...scored, ...shownIds]);
    },
  };
}

export const appScoringLocks = scoringLocks();
