/**
 * The problem explorer's state in the Results page's address
 * (`#/results?show=fixed&problem=HumanEval/3&arm=llama-refine&run=2`): Back from the presenter,
 * Back and Forward between problems and a link sent to someone with the same file all land on
 * the same problem, run and filters. Only what differs from the defaults is written.
 */
import type { FateFilter } from '../../core/analysis/problem-explorer.ts';

export interface ExplorerAddress {
  fate: FateFilter;
  /** '' for any. */
  errorType: string;
  search: string;
  problemId: string | null;
  armId: string | null;
  /** 0-based repeat; null: the first with a verdict. */
  repeat: number | null;
}

const FATES: readonly FateFilter[] = ['all', 'fixed', 'broken', 'never-solved'];
/** The parameters this module owns; any other parameter of the page's address is left as it is. */
const KEYS = ['show', 'error', 'q', 'problem', 'arm', 'run'] as const;

export function readExplorerAddress(query: URLSearchParams | undefined): ExplorerAddress {
  const q = query ?? new URLSearchParams();
  const fate = q.get('show') ?? 'all';
  const run = q.get('run') ?? '';
  const problemId = q.get('problem') || null;
  return {
    fate: (FATES as readonly string[]).includes(fate) ? (fate as FateFilter) : 'all',
    errorType: q.get('error') ?? '',
    search: q.get('q') ?? '',
    problemId,
    // An arm and a run are those of the problem shown: without one they mean nothing.
    armId: (problemId && q.get('arm')) || null,
    repeat: problemId && /^[1-9]\d{0,4}$/.test(run) ? Number(run) - 1 : null,
  };
}

/** The page's query with the explorer's part replaced by `state`. */
export function explorerQuery(query: URLSearchParams | undefined, state: ExplorerAddress): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const key of KEYS) next.delete(key);
  if (state.fate !== 'all') next.set('show', state.fate);
  if (state.errorType) next.set('error', state.errorType);
  if (state.search) next.set('q', state.search);
  if (state.problemId) {
    next.set('problem', state.problemId);
    if (state.armId) next.set('arm', state.armId);
    if (state.repeat !== null) next.set('run', String(state.repeat + 1));
  }
  return next;
}

export function sameExplorerAddress(a: ExplorerAddress, b: ExplorerAddress): boolean {
  return a.fate === b.fate && a.errorType === b.errorType && a.search === b.search && a.problemId === b.problemId && a.armId === b.armId && a.repeat === b.repeat;
}
