/**
 * The Playground's standard mode runs a program as openai/human-eval does, where a main guard's
 * block never runs: the result says so, or a user who printed under the guard sees "nothing was
 * printed" and takes it for a fault.
 */
import { describe, expect, it } from 'vitest';
import { mainGuardNote } from '../../../src/ui/playground/run-words.ts';

const GUARDED = 'def add(x, y):\n    return x + y\n\nif __name__ == "__main__":\n    print(add(1, 2))\n';

describe("the Playground's note on a main guard", () => {
  it('is said for a standard-mode run whose code has one, either way round and with either quote', () => {
    expect(mainGuardNote({ mode: 'standard', code: GUARDED })).toMatch(/^Standard mode runs the program as openai\/human-eval does/);
    expect(mainGuardNote({ mode: 'standard', code: "if '__main__' == __name__:\n    pass\n" })).not.toBeNull();
  });

  it('is not said in study mode, where the block runs, nor for code without a guard', () => {
    expect(mainGuardNote({ mode: 'study', code: GUARDED })).toBeNull();
    expect(mainGuardNote({ mode: 'standard', code: 'def add(x, y):\n    return x + y\n' })).toBeNull();
  });
});
