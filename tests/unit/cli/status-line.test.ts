import { describe, expect, it } from 'vitest';
import { createStatusLine, formatBytes } from '../../../cli/status-line.ts';

describe('the status line of report and merge, in a log (not a terminal)', () => {
  it('prints nothing for work shorter than 5 s', () => {
    let clock = 0;
    const lines: string[] = [];
    const status = createStatusLine({ write: (text) => lines.push(text) }, () => clock);
    for (clock = 0; clock < 4_900; clock += 100) status.show(`Reading a.json: ${clock} bytes…`, 'read');
    status.show('Reading a.json: parsing 1 MB of JSON…', 'parsing');
    status.clear();
    expect(lines).toEqual([]);
  });

  it('prints a line once the work has taken 5 s, then at most one every 5 s, new steps included', () => {
    let clock = 0;
    const lines: string[] = [];
    const status = createStatusLine({ write: (text) => lines.push(text) }, () => clock);
    for (clock = 0; clock <= 12_000; clock += 500) status.show(`Reading big.json.gz: decompressing, ${clock / 100} MB so far…`, 'decompressing');
    clock = 12_500;
    status.show('Reading big.json.gz: parsing 120 MB of JSON…', 'parsing');
    status.clear();
    expect(lines).toEqual([
      'Reading big.json.gz: decompressing, 50 MB so far… (5s)\n',
      'Reading big.json.gz: decompressing, 100 MB so far… (10s)\n',
    ]);
  });
});

describe('the status line on a terminal', () => {
  it('redraws in place at most every 100 ms, draws a new step at once, and erases itself when done', () => {
    let clock = 0;
    const writes: string[] = [];
    const status = createStatusLine({ write: (text) => writes.push(text), isTTY: true, columns: 80 }, () => clock);
    status.show('Reading a.json.gz: 0 bytes of 4 MB…', 'read');
    clock = 50;
    status.show('Reading a.json.gz: 2 MB of 4 MB…', 'read');
    clock = 60;
    status.show('Reading a.json.gz: decompressing, 1 MB so far…', 'decompressing');
    clock = 2_000;
    status.clear();
    expect(writes).toEqual([
      '\rReading a.json.gz: 0 bytes of 4 MB… (0s)\x1b[K',
      '\rReading a.json.gz: decompressing, 1 MB so far… (0s)\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('cuts a line longer than the terminal, which could not be redrawn once wrapped', () => {
    const writes: string[] = [];
    const status = createStatusLine({ write: (text) => writes.push(text), isTTY: true, columns: 30 }, () => 0);
    status.show(`Reading ${'very-long-name-'.repeat(5)}.json: parsing…`);
    expect(writes[0]).toBe(`\r${`Reading ${'very-long-name-'.repeat(5)}`.slice(0, 28)}…\x1b[K`);
  });

  it('takes 80 columns for a terminal that says it has 0 (script, some CI consoles)', () => {
    const writes: string[] = [];
    const status = createStatusLine({ write: (text) => writes.push(text), isTTY: true, columns: 0 }, () => 0);
    status.show('Reading big-a.json.gz (file 1 of 2): decompressing, 48 MB so far…');
    expect(writes).toEqual(['\rReading big-a.json.gz (file 1 of 2): decompressing, 48 MB so far… (0s)\x1b[K']);
  });

  it('erases nothing when it drew nothing', () => {
    const writes: string[] = [];
    createStatusLine({ write: (text) => writes.push(text), isTTY: true }, () => 0).clear();
    expect(writes).toEqual([]);
  });
});

describe('sizes for people', () => {
  it('says bytes, KB, MB or GB', () => {
    expect([formatBytes(0), formatBytes(900_000), formatBytes(48 * 1024 ** 2), formatBytes(1.25 * 1024 ** 3)]).toEqual(['0 bytes', '879 KB', '48 MB', '1.3 GB']);
  });
});
