/**
 * After a form refuses to start, keyboard focus goes to the first field at fault, so the user
 * can put it right at once, hearing its problem as the field's description (the alert above the
 * start button only says the start was refused; the list above it says every problem). A field
 * inside a closed <details> (the Search form's Advanced) could not take focus and would stay
 * unseen: each closed section around it is opened first.
 */
export function focusFirstFieldAtFault(form: ParentNode): HTMLElement | null {
  const field = form.querySelector<HTMLElement>('[aria-invalid="true"]:not(:disabled)');
  if (!field) return null;
  for (let section = field.closest('details'); section; section = section.parentElement?.closest('details') ?? null) section.open = true;
  field.focus();
  return field;
}
