import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import type { Sandbox } from '../../../src/core/ports.ts';
import { Playground } from '../../../src/ui/playground/playground.svelte.ts';
import { NOTHING_PRINTED, PRINTED_OUTPUT_HEADING, runAnnouncement, runningLine, type RunState } from '../../../src/ui/playground/run-words.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { loadTestProblem } from '../../support/datasets.ts';

/** The state the page reads, as it reads it. */
function stateOf(playground: Playground): RunState {
  return {
    running: playground.running,
    runningProblemId: playground.runningProblemId,
    stopped: playground.stopped,
    run: playground.run,
    problemId: playground.problem?.id ?? null,
    finishedElsewhere: playground.finishedElsewhere,
  };
}

async function playgroundAnswering(answer: RunResult | (() => Promise<RunResult>)) {
  const sandbox: Sandbox = { run: typeof answer === 'function' ? answer : async () => answer, close: async () => {} };
  return new Playground(new SandboxHolder(async () => sandbox));
}

describe('what the Playground says about a run', () => {
  it('ends the announced sentence once, also after a message that ends one itself', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/8');
    const cases: [RunResult, string][] = [
      [
        { status: 'error', durationMs: 1, stdout: '', errorType: 'OutputLimit', message: 'The program wrote more than 1000000 characters to stdout and stderr.', traceback: '' },
        'Mbpp/8: failed. OutputLimit: The program wrote more than 1000000 characters to stdout and stderr.',
      ],
      [
        {
          status: 'error',
          durationMs: 1,
          stdout: '',
          errorType: 'SyntaxError',
          message: "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
          traceback: '  File "program.py", line 2\n    if x = 1:\n       ^^^^^\nSyntaxError: invalid syntax. Maybe you meant \'==\' or \':=\' instead of \'=\'?\n',
        },
        "Mbpp/8: failed. SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
      ],
      [
        { status: 'error', durationMs: 1, stdout: '', errorType: 'ZeroDivisionError', message: 'division by zero', traceback: '' },
        'Mbpp/8: failed. ZeroDivisionError: division by zero.',
      ],
      [{ status: 'error', durationMs: 1, stdout: '', errorType: 'AssertionError', message: '', traceback: '' }, 'Mbpp/8: failed. AssertionError.'],
      [{ status: 'passed', durationMs: 1, stdout: '' }, 'Mbpp/8: passed.'],
    ];
    for (const [result, sentence] of cases) {
      const playground = await playgroundAnswering(result);
      playground.select(problem);
      await playground.execute();
      expect(runAnnouncement(stateOf(playground))).toBe(sentence);
    }
  });

  it('keeps a result that came in while another problem was open, and says whose tests are running meanwhile', async () => {
    const [looping, other] = await Promise.all([loadTestProblem('mbpp', 'Mbpp/2'), loadTestProblem('mbpp', 'Mbpp/3')]);
    let finish: (result: RunResult) => void = () => {};
    const playground = await playgroundAnswering(() => new Promise<RunResult>((resolve) => (finish = resolve)));
    playground.select(looping);
    playground.mode = 'study';
    playground.code = 'def similar_elements(a, b):\n    while True:\n        pass\n';
    const run = playground.execute();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runAnnouncement(stateOf(playground))).toBe('Running the tests…');

    // A look at another problem while it runs: that problem's tests are not the ones running.
    playground.select(other);
    expect(runningLine(stateOf(playground))).toBe('Running the tests of Mbpp/2, the problem open when Run was pressed…');
    expect(runAnnouncement(stateOf(playground))).toContain('Mbpp/2');

    finish({ status: 'timeout', durationMs: 10_000, limitMs: 10_000, stdout: '' });
    await run;
    // Said where the user is, rather than the line going blank with no word of how it ended.
    expect(runAnnouncement(stateOf(playground))).toBe('The tests of Mbpp/2 finished: timed out. Open Mbpp/2 to see the result.');

    // Back on the problem that ran: its verdict is there, not lost.
    playground.select(looping);
    expect(playground.run?.problemId).toBe('Mbpp/2');
    expect(playground.runIsStale).toBe(false);
    expect(runAnnouncement(stateOf(playground))).toBe('Mbpp/2: timed out.');
  });

  it('does not say "nothing was printed" of a program that wrote to stderr, which is not kept', () => {
    expect(PRINTED_OUTPUT_HEADING).toContain('stdout');
    expect(NOTHING_PRINTED).toMatch(/^Nothing was printed to stdout\./);
    expect(NOTHING_PRINTED).toContain('stderr');
  });
});

describe('a run that ended while another problem was open', () => {
  it('is said once there, and no more once a problem is opened or another run starts', async () => {
    const [first, second, third] = await Promise.all([loadTestProblem('mbpp', 'Mbpp/2'), loadTestProblem('mbpp', 'Mbpp/3'), loadTestProblem('mbpp', 'Mbpp/4')]);
    let finish: (result: RunResult) => void = () => {};
    const playground = await playgroundAnswering(() => new Promise<RunResult>((resolve) => (finish = resolve)));
    playground.select(first);
    const run = playground.execute();
    await new Promise((resolve) => setTimeout(resolve, 0));
    playground.select(second);
    finish({ status: 'passed', durationMs: 5, stdout: '' });
    await run;
    expect(playground.finishedElsewhere).toBe('Mbpp/2');
    // The next problem opened is not where it ended: the sentence does not follow the user around.
    playground.select(third);
    expect(runAnnouncement(stateOf(playground))).toBe('');
  });
});
