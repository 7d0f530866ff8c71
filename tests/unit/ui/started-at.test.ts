import { describe, expect, it } from 'vitest';
import { startedAt } from '../../../src/ui/shared/started-at.ts';

describe('when a stored run started', () => {
  it('is written in English with the month named, whatever the browser locale, in local time (audit R220-6)', () => {
    const said = startedAt('2026-04-03T10:05:00.000Z');
    expect(said).toMatch(/^Apr \d{1,2}, 2026, \d{1,2}:\d{2}\s?[AP]M$/);
    expect(startedAt(Date.parse('2026-04-03T10:05:00.000Z'))).toBe(said);
    // Nothing readable: shown as stored rather than "Invalid Date".
    expect(startedAt('not a date')).toBe('not a date');
  });
});
