/** The Models page's saved endpoint as localStorage holds it, for tests of the desks that read it. */

/**
 * Saves `baseUrl` and `model` as the Models page would (replacing localStorage with a map), with
 * `served` (the models the server listed at its connection test) and `apiKey` (a key the user
 * asked it to remember) when given.
 */
export function saveEndpoint(baseUrl: string, model: string, extra: { served?: string[]; apiKey?: string } = {}): void {
  const items = new Map<string, string>([['feedback-lab.endpoint', JSON.stringify({ baseUrl, model, ...extra })]]);
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => items.set(key, value) },
  });
}

/** Takes the stand-in localStorage away again (for afterEach). */
export function forgetSavedEndpoint(): void {
  Reflect.deleteProperty(globalThis, 'localStorage');
}
