/**
 * Text from other people's result files reaches the terminal as text: its control characters
 * are spelled out, never obeyed, while the command line's own redraw of a progress line stays.
 */
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeText } from '../../../cli/terminal-safe.ts';

describe('terminalSafeText', () => {
  it('spells out ESC, BEL, a carriage return inside a line, DEL and C1 controls, as JSON writes them', () => {
    expect(terminalSafeText('# Results: a\x1b]0;PWNED\x07\x1b[31mred\r\x1b[2Kfake\x7f\x9b\n')).toBe(
      '# Results: a\\u001b]0;PWNED\\u0007\\u001b[31mred\\u000d\\u001b[2Kfake\\u007f\\u009b\n',
    );
  });

  it('keeps tab, line feed and ordinary text, accents and arrows included', () => {
    const text = '| qwen → llama\t| Étude |\n\n';
    expect(terminalSafeText(text)).toBe(text);
  });

  it('keeps the redraw a progress line is written with, and only at its ends', () => {
    expect(terminalSafeText('\rReading a.json (1 s)\x1b[K')).toBe('\rReading a.json (1 s)\x1b[K');
    expect(terminalSafeText('\r\x1b[KDone.\n')).toBe('\r\x1b[KDone.\n');
    expect(terminalSafeText('\r\x1b[K')).toBe('\r\x1b[K');
    expect(terminalSafeText('\r3/9 done\x1b[K\n')).toBe('\r3/9 done\x1b[K\n');
    expect(terminalSafeText('\rarm \x1b]52;c;ZXZpbA==\x07 done\x1b[K')).toBe('\rarm \\u001b]52;c;ZXZpbA==\\u0007 done\x1b[K');
  });

  it('leaves JSON output meaning the same: a C1 control inside a string becomes its escape', () => {
    const json = JSON.stringify({ name: 'a\u0085b\x1b' });
    expect(JSON.parse(terminalSafeText(json))).toEqual({ name: 'a\u0085b\x1b' });
  });
});

describe('terminalSafe', () => {
  it('writes through and reads the stream’s isTTY and columns as they are now', () => {
    const stream = { written: '', isTTY: true, columns: 80, write(text: string) { this.written += text; } };
    const safe = terminalSafe(stream);
    safe.write('x\x1by');
    stream.columns = 120;
    expect(stream.written).toBe('x\\u001by');
    expect(safe.isTTY).toBe(true);
    expect(safe.columns).toBe(120);
  });
});

describe('bidirectional controls', () => {
  it('spells out the overrides, embeddings and isolates that would reorder the rest of a line, and keeps the marks and right-to-left text', () => {
    expect(terminalSafeText('\u202eEvil arm: 3/5 passed\n')).toBe('\\u202eEvil arm: 3/5 passed\n');
    expect(terminalSafeText('a\u2066b\u2069c\u202ad\u202ce')).toBe('a\\u2066b\\u2069c\\u202ad\\u202ce');
    const rtl = 'تحسين\u200f: 3/3 passed\n';
    expect(terminalSafeText(rtl)).toBe(rtl);
  });
});
