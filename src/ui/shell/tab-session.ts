/** This tab's sessionStorage, or null where the browser refuses it (a sandboxed frame, storage blocked). */
export function readSession(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}
