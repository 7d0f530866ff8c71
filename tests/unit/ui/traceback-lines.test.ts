import { describe, expect, it } from 'vitest';
import { assembleProgram } from '../../../src/core/harness/assemble-program.ts';
import { Playground, startingCode } from '../../../src/ui/playground/playground.svelte.ts';
import { tracebackForEditor } from '../../../src/ui/playground/traceback-lines.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { loadTestProblem } from '../../support/datasets.ts';

/** What Pyodide printed for HumanEval/2 in standard mode with `return numbr % 1.0` on the editor's line 10. */
const HUMANEVAL_2_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "program.py", line 32, in check',
  '    assert candidate(3.5) == 0.5',
  '  File "program.py", line 21, in truncate_number',
  '    return numbr % 1.0',
  "NameError: name 'numbr' is not defined",
].join('\n');

describe('Playground tracebacks in the editor’s terms', () => {
  it('says which line of the editor a HumanEval standard-mode frame is, after the prompt put before it', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const code = `${startingCode(problem)}    return numbr % 1.0\n`;
    expect(code.split('\n')[9]).toBe('    return numbr % 1.0');
    const program = assembleProgram(problem, code, 'standard');
    const shown = tracebackForEditor(HUMANEVAL_2_TRACEBACK, {
      codeFirstLine: program.candidateFirstLine,
      codeLastLine: program.candidateLastLine,
      testFirstLine: program.testFirstLine,
    });
    expect(shown.split('\n')).toEqual([
      'Traceback (most recent call last):',
      '  File "program.py", line 32, in check  (in the tests)',
      '    assert candidate(3.5) == 0.5',
      '  File "program.py", line 21, in truncate_number  (your line 10)',
      '    return numbr % 1.0',
      "NameError: name 'numbr' is not defined",
    ]);
  });

  it('leaves a traceback alone when the code starts the program (MBPP, study mode)', async () => {
    const problem = await loadTestProblem('mbpp', 'Mbpp/2');
    const program = assembleProgram(problem, 'def similar_elements(a, b):\n    return 1 / 0\n', 'standard');
    expect(program.candidateFirstLine).toBe(1);
    const traceback = '  File "program.py", line 2, in similar_elements\nZeroDivisionError: division by zero';
    expect(tracebackForEditor(traceback, { codeFirstLine: 1, codeLastLine: 2, testFirstLine: 4 })).toBe(traceback);
  });

  it('keeps where the run’s code sat, so the page can map its traceback', async () => {
    const problem = await loadTestProblem('humaneval', 'HumanEval/2');
    const playground = new Playground(
      new SandboxHolder(async () => ({
        run: async () => ({ status: 'error', durationMs: 1, stdout: '', errorType: 'NameError', message: "name 'numbr' is not defined", traceback: HUMANEVAL_2_TRACEBACK }),
        close: async () => {},
      })),
    );
    playground.select(problem);
    playground.code = `${startingCode(problem)}    return numbr % 1.0\n`;
    await playground.execute();
    const program = assembleProgram(problem, playground.code, 'standard');
    expect(playground.run?.lines).toEqual({ codeFirstLine: program.candidateFirstLine, codeLastLine: program.candidateLastLine, testFirstLine: program.testFirstLine });
    expect(program.candidateFirstLine).toBe(12);
  });
});
