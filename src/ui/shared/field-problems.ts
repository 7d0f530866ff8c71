/**
 * Which of a form's problems belongs to which field. A form lists every problem in one block
 * above its start button (FormProblemList), each sentence starting with the label of the field
 * it is about ("N: 500 is out of range. …"); this finds a field's own sentence, so the field can
 * say it where it is (`aria-invalid`, `aria-describedby`, the message under it) instead of a
 * screen below. A sentence that starts with no single field's label ("Population × generations:
 * …", "Arms: none chosen …") belongs to no field and stays in the list alone.
 */

/** A field's label in the sentences, and the hint a field under Advanced adds to it. */
const ADVANCED = ' (under Advanced)';

/** The head that makes `problem` a sentence about the field labelled `label` ("N: ", "Elites (under Advanced): "), or null. */
function headAbout(problem: string, label: string): string | null {
  return [`${label}: `, `${label}${ADVANCED}: `].find((head) => problem.startsWith(head)) ?? null;
}

/** Whether a problem sentence is about the field whose sentences start with `label`. */
export function problemIsAbout(problem: string, label: string): boolean {
  return headAbout(problem, label) !== null;
}

/**
 * The problem about the field whose sentences start with `label`, without that label (the field
 * shows its label already): null when the field has none.
 */
export function fieldProblem(problems: readonly string[], label: string): string | null {
  for (const problem of problems) {
    const head = headAbout(problem, label);
    if (head === null) continue;
    const rest = problem.slice(head.length);
    return rest.charAt(0).toUpperCase() + rest.slice(1);
  }
  return null;
}

/** What an input spreads to point at its own problem: invalid and described by it, or by `describedBy` alone. */
export interface FieldProblemAttributes {
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/**
 * The attributes of an input whose problem (if any) is shown in the element `messageId`;
 * `describedBy` is the id of a note that describes the field whether or not it is at fault.
 */
export function fieldProblemAttributes(problem: string | null, messageId: string, describedBy?: string): FieldProblemAttributes {
  const ids = [describedBy, problem === null ? undefined : messageId].filter((id) => id !== undefined);
  return {
    'aria-invalid': problem === null ? undefined : 'true',
    'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
  };
}

/**
 * The fields under Advanced that have a problem, by the names their sentences give them: what
 * the Advanced section's summary names while it is closed, so a problem there is not unseen.
 */
export function advancedFieldsAtFault(problems: readonly string[]): string[] {
  const fields: string[] = [];
  for (const problem of problems) {
    const at = problem.indexOf(`${ADVANCED}: `);
    if (at > 0) fields.push(problem.slice(0, at));
  }
  return fields;
}
