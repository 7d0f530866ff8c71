/**
 * The playground: one problem, the user's code, and what happened when it ran. The code is the
 * whole answer, as a model would write it; the harness mode decides what is put around it.
 */
import { canonicalStudyCode } from '../../core/benchmarks/canonical.ts';
import type { BenchmarkId, Problem } from '../../core/benchmarks/problem.ts';
import { readTaskId } from '../../core/benchmarks/task-id.ts';
import { assembleProgram } from '../../core/harness/assemble-program.ts';
import { limitsFor } from '../../core/harness/limits.ts';
import type { HarnessMode, Outcome } from '../../core/harness/outcome.ts';
import { runAsFor } from '../../core/harness/run-as.ts';
import { toOutcome } from '../../core/harness/to-outcome.ts';
import type { SandboxLimits } from '../../core/ports.ts';
import { browserSandboxFactory } from '../sandbox/browser-sandbox-factory.ts';
import { SandboxHolder } from '../sandbox/sandbox-holder.ts';
import { FormDraftKeeper } from '../shared/form-draft-keeper.svelte.ts';
import { PlaygroundDraftStore, type PlaygroundDrafts } from './playground-drafts.ts';
import type { CodeLines } from './traceback-lines.ts';

export interface PlaygroundRun {
  problemId: string;
  mode: HarnessMode;
  outcome: Outcome;
  /** What the program printed before it ended (empty for crashes): its start, when the sandbox kept only that. */
  stdout: string;
  /** The sandbox says it kept only the start of the output, so the page must not show it as the whole. */
  stdoutCut: boolean;
  limits: SandboxLimits;
  /** The code as it was run, to tell a result about the code in the editor from one about older code. */
  code: string;
  /** Where that code sat in the program, to tell traceback lines in the editor's terms. */
  lines: CodeLines;
}

/**
 * Start over or Load the reference solution, remembered with the code it replaced so the page can
 * offer that back: one press must not lose an afternoon's edits.
 */
export interface CodeReplacement {
  problemId: string;
  /** What went in, as the page says it: "the starting code", "the reference solution". */
  what: string;
  before: string;
  after: string;
}

/** How new code gets into the editor: the page passes the editor's own undoable replace, so Ctrl+Z there works too. */
export type PutCode = (code: string) => void;

/** What the editor holds before the user types: the prompt's stub for HumanEval (without its leading blank lines), nothing for MBPP. */
export function startingCode(problem: Problem): string {
  return problem.benchmark === 'humaneval' ? problem.prompt.replace(/^\n+/, '') : '';
}

/** The reference solution as a whole answer (imports, the function and its body). */
export function referenceCode(problem: Problem): string {
  return canonicalStudyCode(problem);
}

/** Problems whose id or function name contains the query (case-insensitive); an exact id or number comes first. */
export function searchProblems(problems: readonly Problem[], query: string): Problem[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return problems.slice();
  const exact = (p: Problem) => p.id.toLowerCase() === needle || String(p.number) === needle || p.entryPoint.toLowerCase() === needle;
  const found = problems.filter((p) => exact(p) || p.id.toLowerCase().includes(needle) || p.entryPoint.toLowerCase().includes(needle));
  return [...found.filter(exact), ...found.filter((p) => !exact(p))];
}

/**
 * The problem a link asks for, read as a samples file's task id is (`Mbpp/2`, `MBPP/2` and `2`
 * all name MBPP task 2); `missing` when the link names something this benchmark does not have.
 */
export function requestedProblem(problems: readonly Problem[], benchmark: BenchmarkId, raw: string | null): Problem | 'missing' | null {
  if (raw === null || raw.trim() === '') return null;
  const reading = readTaskId(benchmark, raw);
  const id = reading.kind === 'ok' ? reading.id : raw;
  return problems.find((p) => p.id === id) ?? 'missing';
}

export class Playground {
  benchmark = $state<BenchmarkId>('humaneval');
  mode = $state<HarnessMode>('standard');
  problem = $state.raw<Problem | null>(null);
  code = $state('');
  running = $state(false);
  /** The problem the run in flight is for (null when none is): the user may open another one meanwhile. */
  runningProblemId = $state<string | null>(null);
  /**
   * The problem whose run ended while another one was open, until a problem is opened or a run
   * starts: the page says there that it finished and how, rather than go quiet.
   */
  finishedElsewhere = $state<string | null>(null);
  run = $state.raw<PlaygroundRun | null>(null);
  /** The sandbox itself failed (Pyodide could not load): not a verdict. */
  sandboxError = $state<string | null>(null);
  /** A run waits for Python to start: the first run of a visit, or the first after a stop. */
  startingPython = $state(false);
  /** The last run was stopped by the user before it ended: there is no verdict for it. */
  stopped = $state(false);
  limits: SandboxLimits | null = $derived(this.problem ? limitsFor(this.problem, this.mode) : null);
  /** The last run's result no longer describes what the editor holds: the code or the harness mode changed since. */
  runIsStale = $derived(this.run !== null && (this.run.code !== this.code || this.run.mode !== this.mode));
  #replacement = $state.raw<CodeReplacement | null>(null);
  /** The last Start over or reference solution, while the editor still holds what it put there: Undo can give the code before back. */
  undoableReplacement: CodeReplacement | null = $derived(
    this.#replacement && this.#replacement.problemId === this.problem?.id && this.#replacement.after === this.code ? this.#replacement : null,
  );

  #sandboxes: SandboxHolder;
  /** Edits survive switching to another problem and back. */
  #drafts = new Map<string, string>();
  /** The problem last open in each benchmark, to come back to after a look at the other one. */
  #lastOpen: Partial<Record<BenchmarkId, string>> = {};
  /** The page went away during a run: free the sandbox when it ends. */
  #leaveWhenDone = false;
  /** Counts runs; Stop bumps it too, so what a stopped run's worker reports as it dies is dropped, not shown as a verdict. */
  #runNumber = 0;
  /** Without an editor (tests), new code is simply set. */
  #putCode: PutCode = (code) => (this.code = code);

  constructor(sandboxes: SandboxHolder) {
    this.#sandboxes = sandboxes;
  }

  select(problem: Problem): void {
    this.#keepEdits();
    this.benchmark = problem.benchmark;
    this.problem = problem;
    this.#lastOpen[problem.benchmark] = problem.id;
    this.code = this.#drafts.get(problem.id) ?? startingCode(problem);
    // The last run is kept: the page shows it only with its own problem, so a run that ended while
    // another problem was open is there on coming back (it was dropped, and its verdict never seen).
    this.stopped = false;
    this.#replacement = null;
    this.finishedElsewhere = null;
  }

  #keepEdits(): void {
    if (this.problem) keepEdit(this.#drafts, this.problem, this.code);
  }

  /** Every edit, the open problem's included, as this tab keeps them. */
  drafts(): PlaygroundDrafts {
    const code = new Map(this.#drafts);
    if (this.problem) keepEdit(code, this.problem, this.code);
    return { code: Object.fromEntries(code) };
  }

  /**
   * Gives back the edits this tab kept before a reload, and keeps every later one (saved as the
   * typing pauses, and at once when the tab is hidden or closed). Call before the first `select`.
   */
  keepDrafts(store: PlaygroundDraftStore): { save(): void; stop(): void } {
    const keeper = new FormDraftKeeper<PlaygroundDrafts>(store, {
      snapshot: () => this.drafts(),
      apply: (kept) => {
        for (const [id, code] of Object.entries(kept.code)) this.#drafts.set(id, code);
      },
    });
    keeper.restore();
    return { save: () => keeper.save(), stop: keeper.watch() };
  }

  /** The id of the problem last open in `benchmark`, if any was. */
  lastOpen(benchmark: BenchmarkId): string | undefined {
    return this.#lastOpen[benchmark];
  }

  resetCode(put: PutCode = this.#putCode): void {
    if (this.problem) this.#replaceCode(this.problem, startingCode(this.problem), 'the starting code', put);
  }

  loadReference(put: PutCode = this.#putCode): void {
    if (this.problem) this.#replaceCode(this.problem, referenceCode(this.problem), 'the reference solution', put);
  }

  /** Puts back the code the last Start over or reference solution replaced, if the editor still holds what that put there. */
  undoReplacement(put: PutCode = this.#putCode): void {
    const replacement = this.undoableReplacement;
    if (!replacement) return;
    this.#replacement = null;
    put(replacement.before);
  }

  #replaceCode(problem: Problem, code: string, what: string, put: PutCode): void {
    const before = this.code;
    if (code === before) return;
    put(code);
    this.#replacement = { problemId: problem.id, what, before, after: this.code };
  }

  /** Starts Pyodide ahead of the first run, so the first press of Run is not the slow one. */
  warmUp(): void {
    this.#leaveWhenDone = false;
    this.sandboxError = null;
    this.#sandboxes.get(1).catch((error: unknown) => (this.sandboxError = messageOf(error)));
  }

  async execute(): Promise<void> {
    const problem = this.problem;
    if (!problem || this.running) return;
    const mode = this.mode;
    const code = this.code;
    const limits = limitsFor(problem, mode);
    const runNumber = ++this.#runNumber;
    const current = () => runNumber === this.#runNumber;
    this.running = true;
    this.runningProblemId = problem.id;
    this.finishedElsewhere = null;
    this.sandboxError = null;
    this.stopped = false;
    try {
      this.startingPython = !this.#sandboxes.started(1);
      const sandbox = await this.#sandboxes.get(1).finally(() => {
        if (current()) this.startingPython = false;
      });
      if (!current()) return;
      const program = assembleProgram(problem, code, mode);
      const result = await sandbox.run(program.text, limits, { runAs: runAsFor(mode) });
      if (!current()) return;
      const stdout = result.status === 'crashed' ? '' : result.stdout;
      this.run = {
        problemId: problem.id,
        mode,
        outcome: toOutcome(result, program),
        stdout,
        stdoutCut: result.status !== 'crashed' && result.stdoutTruncated === true,
        limits,
        code,
        lines: { codeFirstLine: program.candidateFirstLine, codeLastLine: program.candidateLastLine, testFirstLine: program.testFirstLine },
      };
      if (this.problem?.id !== problem.id) this.finishedElsewhere = problem.id;
    } catch (error) {
      // A stopped run's closed sandbox may refuse it: that is the stop, not a failure.
      if (current()) this.sandboxError = messageOf(error);
    } finally {
      if (current()) {
        this.running = false;
        this.runningProblemId = null;
        if (this.#leaveWhenDone) this.leave();
      }
    }
  }

  /**
   * Ends the run in flight now rather than at its time limit (10 s in study mode, 48 s for the
   * slowest task), even while Python is still starting: its worker is ended, and the next run
   * starts a fresh one.
   */
  stop(): void {
    if (!this.running) return;
    this.#runNumber++;
    this.running = false;
    this.runningProblemId = null;
    this.startingPython = false;
    this.run = null;
    this.stopped = true;
    void this.#sandboxes.close();
  }

  /** The page went away: free the Python worker (now, or after the run in flight), keep the drafts and the last result. */
  leave(): void {
    this.#leaveWhenDone = this.running;
    if (!this.running) void this.#sandboxes.close();
  }

  close(): Promise<void> {
    return this.#sandboxes.close();
  }
}

/** Code left as it started is not a draft: only edits are kept (and stored). */
function keepEdit(drafts: Map<string, string>, problem: Problem, code: string): void {
  if (code === startingCode(problem)) drafts.delete(problem.id);
  else drafts.set(problem.id, code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One playground per tab: the drafts, the harness mode and the last result outlive the page
 * component, so a visit to another page (or Back to the Scoring page's verdicts) loses no edits.
 * Made when this module loads, outside any component: deriveds made during a component's set-up
 * belong to it and go stale once it is destroyed.
 */
export const appPlayground = new Playground(new SandboxHolder(browserSandboxFactory));
appPlayground.keepDrafts(new PlaygroundDraftStore());
