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

  it('prints a line once the work has taken 5 s, then at most one every 5 s within a step, and a new step as it begins', () => {
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
      // Half a second after the last line, but a step of its own: parsing holds the thread, so now or never.
      'Reading big.json.gz: parsing 120 MB of JSON… (13s)\n',
    ]);
  });

  it('says a step begun in the quiet first 5 s that then held the thread, once it ends, with how long it took', () => {
    let clock = 0;
    const lines: string[] = [];
    const status = createStatusLine({ write: (text) => lines.push(text) }, () => clock);
    for (clock = 0; clock < 4_000; clock += 500) status.show(`Reading a.json: ${clock} bytes…`, 'read');
    status.clear();
    clock = 4_000;
    status.show('Analysing 17,000 units…', 'analysing');
    // The bootstrap holds the thread for 30 s: no call comes until it is done.
    clock = 34_000;
    status.clear();
    clock = 34_100;
    status.show('Writing merged.json…', 'writing');
    status.clear();
    expect(lines).toEqual(['Analysing 17,000 units… done in 30s (34s)\n', 'Writing merged.json… (34s)\n']);
  });

  it('takes calls without a step for one step, as score checks a file: past 5 s a line every 5 s, not one per call', () => {
    let clock = 0;
    const lines: string[] = [];
    const status = createStatusLine({ write: (text) => lines.push(text) }, () => clock);
    for (clock = 0; clock <= 11_000; clock += 1_000) status.show(`Checking s.jsonl (9 MB): ${clock} lines read…`);
    status.clear();
    expect(lines).toEqual(['Checking s.jsonl (9 MB): 5000 lines read… (5s)\n', 'Checking s.jsonl (9 MB): 10000 lines read… (10s)\n']);
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

  it('draws a bar in front for a step whose end is known, and draws it full at once however soon', () => {
    let clock = 0;
    const writes: string[] = [];
    const status = createStatusLine({ write: (text) => writes.push(text), isTTY: true, columns: 100 }, () => clock);
    status.show('Reading a.json: 0 bytes of 4 MB…', 'read', 0);
    clock = 10;
    status.show('Reading a.json: 2 MB of 4 MB…', 'read', 0.5);
    clock = 20;
    status.show('Reading a.json: 4 MB of 4 MB…', 'read', 1);
    clock = 30;
    status.show('Reading a.json: parsing 4 MB of JSON…', 'parsing');
    expect(writes).toEqual([
      `\r[${'.'.repeat(20)}] Reading a.json: 0 bytes of 4 MB… (0s)\x1b[K`,
      `\r[${'#'.repeat(20)}] Reading a.json: 4 MB of 4 MB… (0s)\x1b[K`,
      '\rReading a.json: parsing 4 MB of JSON… (0s)\x1b[K',
    ]);
  });

  it('redraws a call without a step at most every 100 ms, as one step', () => {
    let clock = 0;
    const writes: string[] = [];
    const status = createStatusLine({ write: (text) => writes.push(text), isTTY: true, columns: 80 }, () => clock);
    for (clock = 0; clock <= 150; clock += 50) status.show(`Checking s.jsonl: ${clock} lines read…`);
    expect(writes).toEqual(['\rChecking s.jsonl: 0 lines read… (0s)\x1b[K', '\rChecking s.jsonl: 100 lines read… (0s)\x1b[K']);
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
