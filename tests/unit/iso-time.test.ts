import { describe, expect, it } from 'vitest';
import { isIsoTime, newestFirst } from '../../src/core/iso-time.ts';

describe('times in files', () => {
  it('are ISO 8601 times, not whatever the JavaScript engine can read as a date (audit R220-3)', () => {
    expect(isIsoTime('2026-11-25T23:30:00.000Z')).toBe(true);
    expect(isIsoTime('2026-11-25T23:30:00+13:45')).toBe(true);
    expect(isIsoTime('2026-11-25T23:30Z')).toBe(true);
    // V8 reads "ID 7" as 1 July 2001.
    expect(Number.isNaN(Date.parse('ID 7'))).toBe(false);
    expect(isIsoTime('ID 7')).toBe(false);
    expect(isIsoTime('Tuesday')).toBe(false);
    expect(isIsoTime('2026-13-45T99:99:00Z')).toBe(false);
  });

  it('still take the forms earlier versions imported, so a study stored from such a file resumes and exports as it was (audit R224-2)', () => {
    for (const time of ['2026-04-03T10:05:00', '2026-04-03', '2026-04-03 10:05:00Z', '2026-04-03T10:05:00+0200']) {
      expect(isIsoTime(time), time).toBe(true);
    }
  });

  it('sort newest first by the instant they name, whatever their offsets', () => {
    const listed = [
      { id: 'earlier', created: '2026-11-25T23:00:00Z' },
      // 23:30 in Chatham is 09:45 UTC: the earliest of the three, though its text sorts last.
      { id: 'chatham', created: '2026-11-25T23:30:00+13:45' },
      { id: 'later', created: '2026-11-25T23:10:00Z' },
    ];
    expect(listed.sort(newestFirst).map((s) => s.id)).toEqual(['later', 'earlier', 'chatham']);
  });
});
