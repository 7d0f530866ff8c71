import { describe, expect, it } from 'vitest';
import { unitRetryNote } from '../../../cli/run/unit-retry-note.ts';
import { firstTokenTimeoutError, statusError } from '../../../src/llm/endpoint-errors.ts';

const UNIT = 'llama-solo/0/HumanEval/2';
const FIRST_RETRY = { attempt: 1, maxAttempts: 3, delayMs: 2000 };

describe("run's note when a unit is tried again", () => {
  it('says the server failed and that the unit is being tried again, not to run again itself', () => {
    const error = statusError(500, 'Internal Server Error', 'boom', { endpointUrl: 'http://127.0.0.1:11434/v1', attempts: 4 });
    expect(unitRetryNote(UNIT, FIRST_RETRY, error.message, 120_000)).toBe(
      `${UNIT}: The server at http://127.0.0.1:11434 failed (500 Internal Server Error) after 4 attempts. The server said: "boom". ` +
        "Check the server's log (it may be out of memory or still loading the model). Trying the unit again in 2s (the unit's attempt 2 of 3).",
    );
  });

  it('gives a slow server the option that waits longer, and keeps the advice to look at its log', () => {
    const note = unitRetryNote(UNIT, { attempt: 2, maxAttempts: 3, delayMs: 4000 }, firstTokenTimeoutError(500, true).message, 500);
    expect(note).toMatch(/^llama-solo\/0\/HumanEval\/2: The server sent no text within 0\.5 s of the request, .*that it answers other requests\. /);
    expect(note).toMatch(/ If the server is only slow, give it longer with --first-token-timeout S \(it was 0\.5 s\)\. Trying the unit again in 4s \(the unit's attempt 3 of 3\)\.$/);
    expect(note).not.toMatch(/run again/);
  });

  it('does not repeat an error already shown', () => {
    expect(unitRetryNote(UNIT, FIRST_RETRY, null, 120_000)).toBe(`${UNIT}: the same error as above. Trying the unit again in 2s (the unit's attempt 2 of 3).`);
  });

  it('after a rate limit, says the wait is the one the server asked for', () => {
    const error = statusError(429, 'Too Many Requests', '{"error":{"message":"Rate limit reached"}}', { endpointUrl: 'http://127.0.0.1:11434/v1', attempts: 4 });
    expect(unitRetryNote(UNIT, { attempt: 1, maxAttempts: 3, delayMs: 120_000, rateLimit: 'server-asked' }, error.message, 120_000)).toMatch(
      /^llama-solo\/0\/HumanEval\/2: The server at http:\/\/127\.0\.0\.1:11434 .*429.* Waiting 2m 00s, as the server asked, then trying the unit again \(the unit's attempt 2 of 3\)\.$/,
    );
  });

  it('after a failure whose server said how long to wait (a 503 while a model loads), says the wait is the server\'s', () => {
    expect(unitRetryNote(UNIT, { attempt: 1, maxAttempts: 3, delayMs: 120_000, serverAsked: true }, null, 120_000)).toBe(
      `${UNIT}: the same error as above. Waiting 2m 00s, as the server asked, then trying the unit again (the unit's attempt 2 of 3).`,
    );
  });

  it('after a rate limit without a wait from the server, says so and how long the app waits', () => {
    expect(unitRetryNote(UNIT, { attempt: 1, maxAttempts: 3, delayMs: 30_000, rateLimit: 'backoff' }, null, 120_000)).toBe(
      `${UNIT}: the same error as above. The server did not say how long to wait: trying the unit again in 30s (the unit's attempt 2 of 3).`,
    );
  });
});
