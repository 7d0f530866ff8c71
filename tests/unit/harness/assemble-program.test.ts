import { describe, expect, it } from 'vitest';
import { canonicalCompletion, canonicalStudyCode } from '../../../src/core/benchmarks/canonical.ts';
import { assembleProgram } from '../../../src/core/harness/assemble-program.ts';
import { loadTestProblem, loadTestProblems } from '../../support/datasets.ts';

const he0 = await loadTestProblem('humaneval', 'HumanEval/0');
const mbpp2 = await loadTestProblem('mbpp', 'Mbpp/2');
const mbpp82 = await loadTestProblem('mbpp', 'Mbpp/82');

const HE0_TESTS = [
  'METADATA = {',
  "    'author': 'jt',",
  "    'dataset': 'test'",
  '}',
  '',
  '',
  'def check(candidate):',
  '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True',
  '    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False',
  '    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.95) == True',
  '    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.8) == False',
  '    assert candidate([1.0, 2.0, 3.0, 4.0, 5.0, 2.0], 0.1) == True',
  '    assert candidate([1.1, 2.2, 3.1, 4.1, 5.1], 1.0) == True',
  '    assert candidate([1.1, 2.2, 3.1, 4.1, 5.1], 0.5) == False',
  '',
  '',
];

const MBPP2_CODE = 'def similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & set(test_tup2))\n  return (res) ';
const MBPP2_ASSERTS = [
  'assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))',
  'assert set(similar_elements((1, 2, 3, 4),(5, 4, 3, 7))) == set((3, 4))',
  'assert set(similar_elements((11, 12, 14, 13),(17, 15, 14, 13))) == set((13, 14))',
];

describe('assembleProgram, standard mode (openai/human-eval layout)', () => {
  it('puts no prompt before a whole program (EvalPlus\'s "solution"), as EvalPlus runs it, and changes nothing else', () => {
    const solution = he0.prompt + canonicalCompletion(he0);
    const program = assembleProgram(he0, solution, 'standard', { wholeProgram: true });
    expect(program.text).toBe(`${solution}\n${he0.test}\ncheck(${he0.entryPoint})`);
    expect(program.candidateFirstLine).toBe(1);
    expect(assembleProgram(he0, solution, 'study', { wholeProgram: true }).text).toBe(assembleProgram(he0, solution, 'study').text);
    expect(assembleProgram(mbpp2, MBPP2_CODE, 'standard', { wholeProgram: true }).text).toBe(assembleProgram(mbpp2, MBPP2_CODE, 'standard').text);
  });

  it('builds HumanEval/0 as prompt + completion + "\\n" + test + "\\n" + check(entry_point)', () => {
    const program = assembleProgram(he0, canonicalCompletion(he0), 'standard');
    expect(program.text).toBe(
      [
        'from typing import List',
        '',
        '',
        'def has_close_elements(numbers: List[float], threshold: float) -> bool:',
        '    """ Check if in given list of numbers, are any two numbers closer to each other than',
        '    given threshold.',
        '    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)',
        '    False',
        '    >>> has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3)',
        '    True',
        '    """',
        '    for idx, elem in enumerate(numbers):',
        '        for idx2, elem2 in enumerate(numbers):',
        '            if idx != idx2:',
        '                distance = abs(elem - elem2)',
        '                if distance < threshold:',
        '                    return True',
        '',
        '    return False',
        '',
        '',
        '',
        ...HE0_TESTS,
        'check(has_close_elements)',
      ].join('\n'),
    );
    expect(program).toMatchObject({ mode: 'standard', candidateFirstLine: 12, candidateLastLine: 19, testFirstLine: 21 });
  });

  it('builds Mbpp/2 as code + "\\n" + imports + "\\n" + asserts', () => {
    const program = assembleProgram(mbpp2, canonicalCompletion(mbpp2), 'standard');
    expect(program.text).toBe(`${MBPP2_CODE}\n\n${MBPP2_ASSERTS.join('\n')}`);
    expect(program).toMatchObject({ candidateFirstLine: 1, candidateLastLine: 3, testFirstLine: 4 });
  });

  it('puts MBPP test imports between the code and the asserts', () => {
    const program = assembleProgram(mbpp82, 'def volume_sphere(r):\n  return 0', 'standard');
    expect(program.text).toBe(`def volume_sphere(r):\n  return 0\nimport math\n${mbpp82.testList.join('\n')}`);
    expect(program.testFirstLine).toBe(3);
  });
});

describe('assembleProgram, study mode (the paper\'s runner: code + "\\n\\n" + tests + "\\n", no prompt)', () => {
  it('builds HumanEval/0 without the prompt, so a missing typing import fails as in the study', () => {
    const code = 'def has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return False';
    const program = assembleProgram(he0, code, 'study');
    expect(program.text).toBe([code, '', '', '', ...HE0_TESTS, 'check(has_close_elements)', '', ''].join('\n'));
    expect(program).toMatchObject({ mode: 'study', candidateFirstLine: 1, candidateLastLine: 2, testFirstLine: 4 });
  });

  it('builds Mbpp/2 as code, a blank line, the asserts and a blank line', () => {
    const program = assembleProgram(mbpp2, MBPP2_CODE, 'study');
    expect(program.text).toBe(`${MBPP2_CODE}\n\n${MBPP2_ASSERTS.join('\n')}\n\n`);
    expect(program).toMatchObject({ candidateLastLine: 3, testFirstLine: 5 });
  });

  it('separates MBPP test imports from the asserts with a blank line', () => {
    const program = assembleProgram(mbpp82, 'def volume_sphere(r):\n  return 0', 'study');
    expect(program.text).toBe(`def volume_sphere(r):\n  return 0\n\nimport math\n\n${mbpp82.testList.join('\n')}\n\n`);
  });

  it('marks an empty candidate as an empty range', () => {
    const program = assembleProgram(mbpp2, '', 'study');
    expect(program.candidateLastLine).toBeLessThan(program.candidateFirstLine);
    expect(program.testFirstLine).toBe(3);
  });
});

describe('canonical solutions', () => {
  it('are the upstream completion (HumanEval body, MBPP whole program)', () => {
    expect(canonicalCompletion(he0)).toBe(he0.canonicalSolution);
    expect(canonicalCompletion(mbpp2)).toBe(MBPP2_CODE);
  });

  it('as study-mode code, keep the prompt\'s imports and the requested function, without helpers', async () => {
    expect(canonicalStudyCode(he0)).toBe(
      `from typing import List\n\n\n${he0.prompt.slice(he0.prompt.indexOf('def has_close_elements'))}${he0.canonicalSolution}`,
    );
    const he38 = await loadTestProblem('humaneval', 'HumanEval/38');
    expect(canonicalStudyCode(he38)).not.toContain('def encode_cyclic');
    expect(canonicalStudyCode(he38)).toMatch(/^def decode_cyclic\(s: str\):/);
    for (const p of await loadTestProblems('humaneval')) expect(canonicalStudyCode(p)).toContain(`def ${p.entryPoint}(`);
  });
});
