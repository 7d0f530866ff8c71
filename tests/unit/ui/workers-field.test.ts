import { describe, expect, it } from 'vitest';
import { fieldProblem } from '../../../src/ui/shared/field-problems.ts';
import { WorkersField } from '../../../src/ui/shared/workers-field.svelte.ts';

describe('the Python workers field', () => {
  it('names what is wrong with a count this machine cannot run, as the other number fields do, instead of changing it', () => {
    const field = new WorkersField(2, 2);
    const said = (typed: number | null) => {
      field.typed = typed;
      return fieldProblem(field.problem ? [field.problem] : [], 'Python workers');
    };
    expect(said(0)).toBe('0 is out of range. Give a whole number from 1 to 2.');
    expect(said(-2)).toBe('-2 is out of range. Give a whole number from 1 to 2.');
    expect(said(null)).toBe('Empty. Give a whole number from 1 to 2.');
    expect(said(9)).toBe('9 is out of range. Give a whole number from 1 to 2.');
    expect(said(1.5)).toBe('1.5 is not a whole number. Give a whole number from 1 to 2.');
    // The field keeps what was typed, so what it shows is what it says is wrong.
    expect(field.typed).toBe(1.5);
    expect(said(2)).toBeNull();
    expect(field.count).toBe(2);
  });

  it('takes a kept count as many as this machine runs, and a card’s Resume runs the nearest count while the field is wrong', () => {
    const field = new WorkersField(4, 2);
    expect(field.typed).toBe(2);
    field.typed = 9;
    expect(field.count).toBe(2);
    field.typed = null;
    expect(field.count).toBe(1);
  });
});
