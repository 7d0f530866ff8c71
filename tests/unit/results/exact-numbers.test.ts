import { describe, expect, it } from 'vitest';
import { numbersWouldChange, withExactNumbers } from '../../../src/core/results/exact-numbers.ts';

const changes = (text: string) => numbersWouldChange(text, JSON.parse(text));

describe('numbers a results file must copy as written', () => {
  it('finds a number JSON.parse and JSON.stringify would write otherwise: a 64-bit seed, 0.0, an exponent, -0', () => {
    expect(changes('{"task_id": "HumanEval/0", "seed": 12345678901234567890}')).toBe(true);
    expect(changes('{"temperature": 0.0}')).toBe(true);
    expect(changes('{"top_p": 1.0}')).toBe(true);
    expect(changes('{"n": [1, {"k": 1e5}]}')).toBe(true);
    expect(changes('{"x": -0}')).toBe(true);
  });

  it('passes lines whose numbers come back as written, and lines of strings only, whatever digits their strings hold', () => {
    expect(changes('{"task_id": 11, "completion": "return 0.0 + 1e5", "temperature": 0.8, "seed": 42}')).toBe(false);
    expect(changes('{"task_id": "HumanEval/0", "completion": "x = 1.0\\n\\"2.50\\""}')).toBe(false);
  });

  it('writes the fields back with every number as written and the verdict after them', () => {
    const text = '{"task_id": "HumanEval/0", "completion": "x\\u0000", "seed": 12345678901234567890, "temperature": 0.0, "n": [1e5, 2.50]}';
    expect(withExactNumbers(text, { result: 'passed', passed: true })).toBe(
      '{"task_id":"HumanEval/0","completion":"x\\u0000","seed":12345678901234567890,"temperature":0.0,"n":[1e5,2.50],"result":"passed","passed":true}',
    );
    // Fields the sample had are replaced where they stand, as JSON.stringify of the spread object does.
    expect(withExactNumbers('{"result": 1.0, "task_id": "HumanEval/0"}', { result: 'failed: x', passed: false })).toBe('{"result":"failed: x","task_id":"HumanEval/0","passed":false}');
  });

  it('gives null for a key given twice, which only JSON.parse reads (the last wins)', () => {
    expect(withExactNumbers('{"a": 1.0, "a": 2.0}', { passed: true })).toBeNull();
  });
});
