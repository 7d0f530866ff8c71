/**
 * Taking the user to a field at fault: after a refused start, the first one; from the form's
 * list of problems, the one a line is about.
 */
import { problemIsAbout } from './field-problems.ts';

/**
 * What marks the element holding a field (its label, input and message) with the label its
 * problem sentences start with, e.g. `data-problem-field="Seed"` (field-problems.ts).
 */
export const PROBLEM_FIELD = 'data-problem-field';

/**
 * Focuses a field, opening first each closed <details> around it (the Search form's Advanced):
 * inside one it could not take focus and would stay unseen.
 */
export function focusField(field: HTMLElement): void {
  for (let section = field.closest('details'); section; section = section.parentElement?.closest('details') ?? null) section.open = true;
  field.focus();
}

/**
 * After a form refuses to start, keyboard focus goes to the first field at fault, so the user
 * can put it right at once, hearing its problem as the field's description (the alert above the
 * start button only says the start was refused; the list above it says every problem).
 */
export function focusFirstFieldAtFault(form: ParentNode): HTMLElement | null {
  const field = form.querySelector<HTMLElement>('[aria-invalid="true"]:not(:disabled)');
  if (!field) return null;
  focusField(field);
  return field;
}

/**
 * The field a problem sentence is about, in `form`: the first control in the element marked as
 * the field its sentence names. Null for a sentence about no single field ("Population ×
 * generations: …") or about one the form does not show.
 */
export function fieldOfProblem(form: ParentNode, problem: string): HTMLElement | null {
  for (const holder of form.querySelectorAll<HTMLElement>(`[${PROBLEM_FIELD}]`)) {
    if (!problemIsAbout(problem, holder.getAttribute(PROBLEM_FIELD) ?? '')) continue;
    const control = holder.querySelector<HTMLElement>('input, select, textarea');
    if (control) return control;
  }
  return null;
}
