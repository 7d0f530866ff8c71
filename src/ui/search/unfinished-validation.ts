/**
 * A champion re-validation left unfinished — the page reloaded or closed, Stop validation, an
 * error — as the re-validation panel offers it. Its runs are stored as they finish, and pressed
 * again with the same repeats and champions the button runs only those without a stored verdict
 * (run-validation.ts): it goes on, never over. After a reload the panel said only "Validated 3 of
 * 16 runs" beside "Validate champions", which read as starting afresh.
 */
import { countOf, countText } from '../../core/count-text.ts';
import type { ValidationRequest } from '../../core/search/search-record.ts';
import type { ValidationStatus } from '../../core/search/stored-search.ts';

export const VALIDATE = 'Validate champions';
export const CONTINUE_VALIDATION = 'Continue validation';

/** What the fields of the panel ask for now; `repeats` is null while the field is empty. */
export type AskedValidation = Pick<ValidationRequest, 'scope'> & { repeats: number | null };

export interface ValidationOffer {
  /** The name of the panel's button. */
  label: typeof VALIDATE | typeof CONTINUE_VALIDATION;
  /** What the panel says of the stored validation, when it is unfinished and not running here; null otherwise. */
  line: string | null;
}

const SCOPES: Record<ValidationRequest['scope'], string> = {
  champion: 'the search’s champion',
  'per-generation': 'each generation’s champion',
};

/**
 * The button and the line for the stored validation (`status`, of the stored `request`) as the
 * fields now ask (`asked`). `heldElsewhere`: another tab holds the search, so nothing goes on here.
 */
export function validationOffer(
  status: Pick<ValidationStatus, 'done' | 'plan'> | null,
  request: Pick<ValidationRequest, 'scope' | 'repeats'> | null,
  asked: AskedValidation,
  heldElsewhere = false,
): ValidationOffer {
  const total = status?.plan.length ?? 0;
  if (!status || !request || status.done >= total) return { label: VALIDATE, line: null };
  const { done } = status;
  const validated = `${countText(done)} of ${countOf(total, 'run')}`;
  if (heldElsewhere) {
    return { label: VALIDATE, line: `Validated ${validated} so far. Another tab holds this search now (see its panel above): validation can go on here once that tab is done.` };
  }
  const cutShort = `Validation was cut short after ${validated} (the page was reloaded or closed, or it was stopped).`;
  const kept = done === 0 ? '' : done === 1 ? ' The run done is kept, not run again.' : ` The ${countText(done)} done are kept, not run again.`;
  if (asked.scope === request.scope && asked.repeats === request.repeats) {
    const left = total - done;
    const rest = left === 1 ? 'the last run' : `the other ${countText(left)}`;
    return { label: CONTINUE_VALIDATION, line: `${cutShort} “${CONTINUE_VALIDATION}” goes on with ${rest}.${kept}` };
  }
  return {
    label: VALIDATE,
    line: `${cutShort} The fields above now ask for another validation; to go on with that one, set ${countOf(request.repeats, 'repeat')} of ${SCOPES[request.scope]} again.${kept}`,
  };
}
