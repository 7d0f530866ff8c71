/**
 * Everything the Scoring page holds, once per tab: the form's choices, the run with its verdicts,
 * and how the table is filtered. It outlives the page component, so following a task link from
 * the verdict table to the Playground and coming Back finds the verdicts where they were, and a
 * run still in progress goes on meanwhile.
 */
import type { BenchmarkId } from '../../core/benchmarks/problem.ts';
import type { HarnessMode } from '../../core/harness/outcome.ts';
import { browserSandboxFactory } from '../sandbox/browser-sandbox-factory.ts';
import { SandboxHolder, type SandboxFactory } from '../sandbox/sandbox-holder.ts';
import { ScoreSession } from './score-session.svelte.ts';
import { VerdictView } from './verdict-view.svelte.ts';

export const MAX_SCORE_WORKERS = Math.max(1, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 2));

export class ScoreDesk {
  benchmark = $state<BenchmarkId>('humaneval');
  mode = $state<HarnessMode>('standard');
  workers = $state(Math.min(2, MAX_SCORE_WORKERS));
  readonly session: ScoreSession;
  readonly view = new VerdictView();

  constructor(factory: SandboxFactory = browserSandboxFactory) {
    this.session = new ScoreSession(new SandboxHolder(factory));
  }

  /** The page is shown: keep the Python workers for the next run. */
  visit(): void {
    this.session.retain();
  }

  /** The page went away: free the Python workers now, or once the run in flight has ended. The verdicts stay. */
  leave(): void {
    this.session.release();
  }
}

/**
 * Made when this module loads, outside any component: deriveds made during a component's set-up
 * belong to it and go stale once it is destroyed.
 */
const desk = new ScoreDesk();

export function scoreDesk(): ScoreDesk {
  return desk;
}
