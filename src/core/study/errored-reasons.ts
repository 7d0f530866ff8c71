/**
 * Why a study's units errored, as its panel and its card say it: each error message with the
 * units that got it. An endpoint that serves no model under the study's name fails every unit
 * with one message, and a study too short to stop for its errors ended "2 errored" without it.
 */

/** One error message and how many units ended with it. */
export interface ErroredReason {
  message: string;
  units: number;
}

/** Messages said in full; the rest are counted. */
const SHOWN_REASONS = 2;
/**
 * An endpoint's message can be a page of HTML: enough of it to tell what it is. Our own messages
 * run to about 450 characters (the advice for a server that stopped answering ends with the
 * Ollama setting to restore) and are said whole.
 */
const MAX_MESSAGE_CHARS = 600;

/** `message` cut to MAX_MESSAGE_CHARS at a space where there is one near the end, never inside a word. */
function clipped(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  const cut = message.slice(0, MAX_MESSAGE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_MESSAGE_CHARS * 0.8 ? cut.slice(0, space) : cut}…`;
}

/** Errored units' messages grouped, the message most units got first (the first seen first among equals). */
export function erroredReasons(messages: Iterable<string>): ErroredReason[] {
  const units = new Map<string, number>();
  for (const message of messages) countMessage(units, message);
  return reasonsOf(units);
}

/** Adds one unit's message to running counts (a running study keeps these, not every message). */
export function countMessage(units: Map<string, number>, message: string): void {
  units.set(message, (units.get(message) ?? 0) + 1);
}

/** Counts by message as reasons, the message most units got first (the first seen first among equals). */
export function reasonsOf(units: ReadonlyMap<string, number>): ErroredReason[] {
  return [...units].map(([message, count]) => ({ message, units: count })).sort((a, b) => b.units - a.units);
}

/**
 * The messages in a phrase: one message alone when every unit got it; otherwise the commonest
 * with their units, and a count of the others. Empty for none.
 */
export function describeErroredReasons(reasons: readonly ErroredReason[]): string {
  const unitCount = (n: number) => `${n.toLocaleString('en')} unit${n === 1 ? '' : 's'}`;
  const quoted = (message: string) => `“${clipped(message)}”`;
  const [only] = reasons;
  if (reasons.length === 1 && only) return quoted(only.message);
  const shown = reasons.slice(0, SHOWN_REASONS).map((reason) => `${quoted(reason.message)} (${unitCount(reason.units)})`);
  const rest = reasons.slice(SHOWN_REASONS);
  if (rest.length > 0) {
    shown.push(`${rest.length} other error${rest.length === 1 ? '' : 's'} (${unitCount(rest.reduce((n, reason) => n + reason.units, 0))})`);
  }
  return shown.join('; ');
}
