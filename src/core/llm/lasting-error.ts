/**
 * Errors that the same request meets again however often it is sent: a refused API key, a model
 * the server does not serve, a malformed request, a prompt longer than the model's context, a
 * WebLLM build this browser cannot run. Core cannot see the ports' error classes (they live with
 * the endpoint and engine code), so those classes say it themselves with `lasting: true`.
 *
 * The study runner and the search evaluator retry a failed unit after 2 s and 4 s because an
 * endpoint that went away may come back. For a lasting error that only delays the same failure,
 * re-sends the unit's earlier calls, and holds a study on "trying it again" for every unit.
 */
export interface LastingMark {
  readonly lasting: boolean;
}

/** Whether sending the same request again is certain to fail the same way. */
export function isLasting(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Partial<LastingMark>).lasting === true;
}
