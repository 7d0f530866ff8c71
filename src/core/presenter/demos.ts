/**
 * The curated demos: three real HumanEval problems, each showing one way the loop goes. The
 * study ran without the HumanEval prompt in front of the code (harness mode `study`), which is
 * where most of its NameErrors came from, so the demos run in that mode too.
 *
 * Their recordings are in shipped-recordings.ts: pages that only link to a demo (the Results
 * page's problem explorer) read this list without downloading them.
 */
import type { HarnessMode } from '../harness/outcome.ts';

export type DemoId = 'name-error' | 'syntax-error' | 'assertion-error';

export interface PresenterDemo {
  id: DemoId;
  title: string;
  /** One sentence for the picker: what the audience will see. */
  story: string;
  problemId: string;
  /** A preset id from core/pipeline/presets.ts. */
  presetId: string;
  mode: HarnessMode;
}

export const PRESENTER_DEMOS: readonly PresenterDemo[] = [
  {
    id: 'name-error',
    title: 'A NameError, fixed',
    story:
      'The model calls itertools.combinations without importing itertools; the traceback points at the line and names the module, and the refiner adds the import.',
    problemId: 'HumanEval/0',
    presetId: 'llama-self-refine',
    mode: 'study',
  },
  {
    id: 'syntax-error',
    title: 'A SyntaxError, fixed',
    story:
      'The model explains its answer after the code, without a code fence, so the explanation is run as Python; the refiner answers with the code alone.',
    problemId: 'HumanEval/16',
    presetId: 'llama-self-refine',
    mode: 'study',
  },
  {
    id: 'assertion-error',
    title: 'An AssertionError the loop cannot fix',
    story:
      'The model keeps one copy of each repeated number instead of dropping it; three refinements later, each reading the failing assert, the tests still fail.',
    problemId: 'HumanEval/26',
    presetId: 'llama-self-refine',
    mode: 'study',
  },
];

export function findDemo(id: string): PresenterDemo | undefined {
  return PRESENTER_DEMOS.find((demo) => demo.id === id);
}

/** The demo shipped for a problem, if any: a link naming only a problem can still replay offline. */
export function demoForProblem(problemId: string): PresenterDemo | undefined {
  return PRESENTER_DEMOS.find((demo) => demo.problemId === problemId);
}
