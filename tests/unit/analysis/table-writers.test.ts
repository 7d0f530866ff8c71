import { describe, expect, it } from 'vitest';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import { markdownCell, tableToMarkdown } from '../../../src/core/analysis/table-markdown.ts';
import { formatNumber, meanSdCell, meanSdCsvLabels, numberCell, tableId, textCell, type Table } from '../../../src/core/analysis/table.ts';

const hostile: Table = {
  id: 'hostile',
  caption: 'Arms | from *someone else*',
  columns: [{ label: 'Arm' }, { label: 'Passes', numeric: true }, { label: 'Note' }],
  rows: [
    [textCell('=HYPERLINK("http://evil.example","click")'), numberCell(76.6, 1), textCell('a, "quoted"\nsecond line')],
    [textCell('-2+3+cmd|\' /C calc\'!A0'), numberCell(-0.4, 1), textCell('<img src=x onerror=alert(1)> | [link](javascript:x) `code` *b* _i_ &amp;')],
    [textCell('@SUM(A1)'), numberCell(1 / 3, 2, ' %'), textCell('\tTabbed')],
  ],
  notes: ['Note with | pipe'],
};

describe('CSV download', () => {
  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    const lines = tableToCsv(hostile).split('\r\n');
    expect(lines[0]).toBe('Arm,Passes,Note');
    expect(lines[1]?.endsWith(',76.6,"a, ""quoted""\nsecond line"')).toBe(true);
  });

  it('keeps the header line of a table with no rows: a valid CSV that reads as no data', () => {
    expect(tableToCsv({ ...hostile, rows: [] })).toBe('Arm,Passes,Note\r\n');
  });

  it('defuses spreadsheet formulas in text, but writes numbers as numbers, unrounded', () => {
    const csv = tableToCsv(hostile);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csv).toContain(`'-2+3+cmd|' /C calc'!A0,-0.4,`);
    expect(csv).toContain(`'@SUM(A1),0.333333333333,'\tTabbed`);
  });

  it('writes a plain negative number held as text (a ledger\'s printed value) as a number, not as defused text', () => {
    const table: Table = {
      id: 'ledger',
      caption: 'Ledger',
      columns: [{ label: 'Printed' }, { label: 'Computed' }, { label: 'Note' }],
      rows: [[textCell('-0.4'), textCell('-6'), textCell('-1+2')], [textCell('+3.5'), textCell('-1e-3'), textCell('-0.4 pp')]],
    };
    expect(tableToCsv(table).split('\r\n')).toEqual(['Printed,Computed,Note', "-0.4,-6,'-1+2", "+3.5,-1e-3,'-0.4 pp", '']);
  });

  it('splits a mean ± SD column into two numeric columns and leaves a missing number empty', () => {
    const table: Table = {
      id: 'runs',
      caption: 'Runs',
      columns: [{ label: 'Arm' }, { label: 'Passes: mean ± SD', csvLabels: meanSdCsvLabels('Passes: mean ± SD') }, { label: 'σ', numeric: true }],
      rows: [
        [textCell('a'), meanSdCell(76.6, 3.65), numberCell(-1.25, 2, 'σ')],
        [textCell('b'), meanSdCell(70, null), textCell('–')],
      ],
    };
    expect(tableToCsv(table).split('\r\n')).toEqual(['Arm,Passes: mean,Passes: SD,σ', 'a,76.6,3.65,-1.25', 'b,70,,', '']);

    // The page and Markdown keep the one cell.
    expect(tableToMarkdown(table)).toContain('| a | 76.6 ± 3.7 | -1.25σ |');
  });

  it('writes numbers to 12 significant digits: no binary noise a spreadsheet would show, a tiny p kept whole', () => {
    const table: Table = {
      id: tableId('noise'),
      caption: 'noise',
      columns: [{ label: 'Δ', numeric: true }, { label: 'p', numeric: true }],
      rows: [[numberCell(94 - 76.6, 1), numberCell(5.519584789226428e-12, 4)], [numberCell(-0.4000000000000057, 1), numberCell(0.25000000000000006, 3)]],
    };
    expect(tableToCsv(table).split('\r\n')).toEqual(['Δ,p', '17.4,5.51958478923e-12', '-0.4,0.25', '']);
  });

  it('names in the header the unit its numbers show on the page and lose in the file, unless the label says it or the units differ', () => {
    const table: Table = {
      id: 'units',
      caption: 'Units',
      columns: [
        { label: 'Arm' },
        { label: 'Fix rate', numeric: true },
        { label: 'Δ pass rate', numeric: true },
        { label: '95 % CI low', numeric: true },
        { label: 'Mean %', numeric: true },
        { label: 'Mixed', numeric: true },
        { label: 'Count', numeric: true },
      ],
      rows: [
        [textCell('a'), numberCell(64, 0, ' %'), numberCell(-1.2, 1, ' pp'), numberCell(70.1, 1, ' %'), numberCell(76.6, 1, ' %'), numberCell(1, 0, ' %'), numberCell(3)],
        [textCell('b'), { text: '–' }, numberCell(3.4, 1, ' pp'), numberCell(60.2, 1, ' %'), numberCell(70, 1, ' %'), numberCell(2), numberCell(4)],
      ],
    };
    expect(tableToCsv(table).split('\r\n')[0]).toBe('Arm,Fix rate (%),Δ pass rate (pp),95 % CI low (%),Mean %,Mixed,Count');
    // A column's declared unit heads it even when no row has a number (audit R220-8: every arm "–"
    // wrote "Run 1 inflation" in one report and "Run 1 inflation (%)" in another).
    const empty: Table = { id: 'single', caption: 'Single runs', columns: [{ label: 'Arm' }, { label: 'Run 1 inflation', numeric: true, unit: '%' }], rows: [[textCell('a'), { text: '–' }]] };
    expect(tableToCsv(empty).split('\r\n')[0]).toBe('Arm,Run 1 inflation (%)');
  });

  it('ends every line with CRLF', () => {
    expect(tableToCsv(hostile).endsWith('\r\n')).toBe(true);
    expect(tableToCsv(hostile).split('\r\n')).toHaveLength(5);
  });
});

describe('Markdown download', () => {
  it('escapes everything Markdown or inline HTML would act on', () => {
    expect(markdownCell('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)\\>');
    expect(markdownCell('[link](javascript:x)')).toBe('\\[link\\](javascript:x)');
    expect(markdownCell('a | b')).toBe('a \\| b');
    expect(markdownCell('`code` *b* _i_ &amp; \\')).toBe('\\`code\\` \\*b\\* \\_i\\_ \\&amp; \\\\');
  });

  it('spells out control characters, so a report.md printed with cat shows them instead of obeying them', () => {
    // \u001b spelled out, then its backslash escaped: the Markdown reads back as the text "\u001b".
    expect(markdownCell('a\x1b]0;T\x07b')).toBe('a\\\\u001b\\]0;T\\\\u0007b');
    expect(markdownCell('\u202eEvil')).toBe('\\\\u202eEvil');
    expect(markdownCell('تحسين 3/3')).toBe('تحسين 3/3');
  });

  it('keeps one table row per row: line breaks in a cell become spaces', () => {
    const md = tableToMarkdown(hostile);
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    expect(tableLines).toHaveLength(2 + hostile.rows.length);
    expect(tableLines[2]).toContain('a, "quoted" second line');
  });

  it('says "No rows." under the caption of a table with no rows, as the Results page does, not an empty table', () => {
    const md = tableToMarkdown({ ...hostile, rows: [] });
    expect(md).toBe('**Arms \\| from \\*someone else\\***\n\nNo rows.\n\nNote with \\| pipe\n');
    expect(md.split('\n').some((l) => l.startsWith('|'))).toBe(false);
  });

  it('right-aligns numeric columns and shows numbers as displayed', () => {
    const md = tableToMarkdown(hostile);
    expect(md).toContain('| --- | ---: | --- |');
    expect(md).toContain('| 76.6 |');
    expect(md).toContain('| 0.33 % |');
    expect(md.startsWith('**Arms \\| from \\*someone else\\***')).toBe(true);
    expect(md).toContain('Note with \\| pipe');
  });
});

describe('numbers in tables', () => {
  it('rounds half away from zero, as printed tables do', () => {
    expect(formatNumber(2.5, 0)).toBe('3');
    expect(formatNumber(-2.5, 0)).toBe('-3');
    expect(formatNumber(3.65, 1)).toBe('3.7');
    expect(formatNumber(-0.04, 1)).toBe('0.0');
    expect(formatNumber(Number.POSITIVE_INFINITY, 1)).toBe('∞');
  });

  it('makes ids that are safe in file names', () => {
    expect(tableId('Table 2', 'llama→exec→llama / ../x')).toBe('table-2-llama-exec-llama-x');
    expect(tableId('→')).toBe('table');
  });
});
