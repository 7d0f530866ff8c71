/**
 * People paste endpoint addresses in many shapes: `http://localhost:11434`, `…/v1`, `…/v1/`,
 * even the full `…/v1/chat/completions`. All of them name the same API root.
 */

/**
 * The API root (ending in its version segment, no trailing slash) for a base URL as typed.
 * `/v1` is appended unless the path already ends in a version segment (`v1`, `v1beta`, `v4`)
 * or in `openai` (Google's and some gateways' OpenAI-compatible roots).
 */
export function apiRoot(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new Error(
      `"${baseUrl}" is not a URL. Write the server's address with its scheme, e.g. http://localhost:11434/v1.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`"${baseUrl}" is not an http(s) address. Write it like http://localhost:11434/v1.`);
  }
  let path = url.pathname.replace(/\/+$/, '');
  path = path.replace(/\/(chat\/completions|models)$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (!/^v\d+[a-z0-9]*$/i.test(last) && last.toLowerCase() !== 'openai') path += '/v1';
  return `${url.origin}${path}`;
}

/** Whether two addresses as typed name the same API root (`…:11434` and `…:11434/v1/` do). */
export function sameEndpoint(a: string, b: string): boolean {
  try {
    return apiRoot(a) === apiRoot(b);
  } catch {
    return false;
  }
}

/**
 * Whether `key` is the key this browser remembers for another endpoint than `endpoint`: a key
 * belongs to the server it was saved for, and is not sent to one a link (or a hand) points at.
 */
export function isKeyOfAnotherEndpoint(key: string, endpoint: string, remembered: { key: string; endpoint: string } | null): boolean {
  return remembered !== null && key !== '' && key === remembered.key && !sameEndpoint(endpoint, remembered.endpoint);
}

/** The address a refusal of a typed endpoint gives as an example. */
export const EXAMPLE_ENDPOINT = 'http://localhost:11434/v1';

/**
 * Why a typed endpoint address with a space in it cannot be used, or null when it has none.
 * Chromium's URL parser takes "local host" as local%20host (Node's and other browsers' refuse it),
 * and the request then failed as a network error, far from the cause.
 */
export function spaceInAddress(typed: string): string | null {
  return /\s/.test(typed) ? `“${typed}” has a space in it, and an address has none. Give one like ${EXAMPLE_ENDPOINT}.` : null;
}
