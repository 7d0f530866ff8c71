/**
 * Why a result file could not be kept in this browser, in words its holders can show. Its own
 * module, without idb, so that the pages can tell a full browser from a refusing one without
 * loading the store (they load it lazily, on the first file opened).
 */
export class KeepFileError extends Error {
  override readonly name = 'KeepFileError';
  /** True when the browser had no room for it, even after the older kept files the rules let go of were gone. */
  readonly full: boolean;

  constructor(fileName: string, cause: unknown) {
    const full = isQuotaError(cause);
    super(
      full
        ? `${fileName} could not be kept in this browser: there is no room left for it, even after letting go of the older kept files.`
        : `${fileName} could not be kept in this browser: it refused to store it (${cause instanceof Error ? cause.message || cause.name : String(cause)}).`,
      { cause },
    );
    this.full = full;
  }
}

/** The browser's "storage full": a DOMException named QuotaExceededError, on the request or on the transaction that aborted. */
export function isQuotaError(error: unknown): boolean {
  // Not `instanceof Error`: a DOMException from another realm (a worker, an older engine) is not one.
  if (typeof error !== 'object' || error === null) return false;
  const { name, cause } = error as { name?: unknown; cause?: unknown };
  return name === 'QuotaExceededError' || (cause !== undefined && isQuotaError(cause));
}
