/** A failed attempt at a chat request and whether sending the same request again could help. */
export class AttemptFailure extends Error {
  readonly error: Error;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(error: Error, retryable: boolean, retryAfterMs?: number) {
    super(error.message);
    this.error = error;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}
