/**
 * `feedback-lab report` on result files built by the project's own builders: the tables it prints
 * hold the numbers the Results page shows for the same files (the page's core functions, its
 * bootstrap seed), shards report as the whole study, different studies stand side by side, and
 * every file it cannot use is refused in one line that names it.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appVersion } from '../../../cli/run/node-environment.ts';
import { paperComparison } from '../../../src/core/analysis/paper-comparison.ts';
import { studiesFromResultFiles } from '../../../src/core/analysis/result-file-study.ts';
import { tableToCsv } from '../../../src/core/analysis/table-csv.ts';
import type { Table } from '../../../src/core/analysis/table.ts';
import { gzip } from '../../../src/core/results/bounded-compression.ts';
import { RESULT_FILE_VERSION } from '../../../src/core/results/result-file.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { bigResultFile } from '../../support/big-result-file.ts';
import { loadTestProblems } from '../../support/datasets.ts';
import { TRUTH } from '../../unit/study/study-fixtures.ts';
import { cellTexts, feedbackLab, forcedStudyConfig, markdownTable, pageTables, studyFile, tempDir, writeResultFile } from './report-fixtures.ts';
import { CLI_ELSEWHERE_PATTERN } from '../../support/cli-process.ts';

let dir: string;
let whole: ResultFile;
let forced: ResultFile;
beforeAll(async () => {
  dir = tempDir();
  whole = await studyFile();
  forced = await studyFile({}, forcedStudyConfig());
  await writeResultFile(dir, 'whole.json.gz', whole);
  await writeResultFile(dir, 'forced.json', forced);
  // Shards: the units of even plan positions in one file, odd in the other, as two browsers would.
  await writeResultFile(dir, 'shard-a.json.gz', await studyFile({ only: (order) => order % 2 === 0 }));
  await writeResultFile(dir, 'shard-b.json', await studyFile({ only: (order) => order % 2 === 1 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every page table must be in the Markdown with the same header, cells and notes. */
function expectPageTables(markdown: string, tables: readonly Table[]): void {
  for (const table of tables) {
    const printed = markdownTable(markdown, table.caption);
    expect(printed, `the table "${table.caption}"`).not.toBeNull();
    expect(printed!.header).toEqual(table.columns.map((c) => c.label));
    expect(printed!.rows).toEqual(cellTexts(table));
    expect(printed!.notes).toEqual(table.notes ?? []);
  }
}

describe('feedback-lab report', () => {
  it('prints the numbers the Results page shows for the same file', async () => {
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz']);
    expect(ran.code).toBe(0);
    expect(ran.err).toBe('');
    expect(ran.out).toMatch(/^# Results: Feedback against no feedback\n/);
    expectPageTables(ran.out, pageTables(studiesFromResultFiles([{ fileName: 'whole.json.gz', doc: whole }])));
    // And the scripted truth itself: passes per repeat of each arm.
    const summary = markdownTable(ran.out, 'Problems solved per arm over repeats (of 5): mean ± sample SD (n − 1), as the study\'s Table 1')!;
    expect(summary.rows.map((r) => r[2])).toEqual(Object.values(TRUTH).map((passes) => passes.join(', ')));
    // Beside the paper: its arms are recognised, and said to be over too few problems to compare, as on the page.
    for (const note of paperComparison(studiesFromResultFiles([{ fileName: 'whole.json.gz', doc: whole }])).notes) expect(ran.out).toContain(`\n${note}\n`);
    expect(ran.out).toContain("## Beside the paper\n\nllama solo is the paper's");
  });

  it('on a terminal, says on stderr which file it is reading and how far, erases that line, and prints the same report on stdout', async () => {
    const plain = await feedbackLab(dir, ['report', 'shard-a.json.gz', 'shard-b.json']);
    const terminal = await feedbackLab(dir, ['report', 'shard-a.json.gz', 'shard-b.json'], true);
    expect(terminal.code).toBe(0);
    expect(terminal.out).toBe(plain.out);
    const drawn = terminal.err.split('\r').filter((piece) => piece !== '');
    // Reading and decompressing have a known end, so a bar in front.
    expect(drawn[0]).toMatch(/^\[\.{20}\] Reading shard-a\.json\.gz \(file 1 of 2\): 0 bytes of \d+ (KB|bytes)… \(0s\)\x1b\[K$/);
    expect(drawn).toContainEqual(expect.stringMatching(/^\[[#.]{20}\] Reading shard-a\.json\.gz \(file 1 of 2\): decompressing, /));
    expect(drawn).toContainEqual(expect.stringMatching(/^Reading shard-b\.json \(file 2 of 2\): parsing \d+ (KB|bytes) of JSON…/));
    expect(drawn).toContainEqual(expect.stringMatching(/^Reading shard-b\.json \(file 2 of 2\): checking 15 units \(\d+ steps\)…/));
    expect(drawn).toContainEqual(expect.stringMatching(/^Analysing 30 units…/));
    // Every drawing is erased before the note on the merge and before the report.
    expect(terminal.err).toContain('\r\x1b[Kshard-a.json.gz + shard-b.json: Merged 2 files');
    expect(terminal.err.endsWith('\r\x1b[K')).toBe(true);
    expect(plain.err).not.toMatch(/Reading|Analysing/);
  });

  it('prints the iteration tables and Fig. 3 of a forced-iteration arm', async () => {
    const ran = await feedbackLab(dir, ['report', 'forced.json']);
    expect(ran.code).toBe(0);
    const tables = pageTables(studiesFromResultFiles([{ fileName: 'forced.json', doc: forced }]));
    expect(tables.map((t) => t.id)).toContain('break-rate');
    expectPageTables(ran.out, tables);
    expect(ran.out).toContain('**Net per iteration without early stopping (figure data)');
  });

  it('merges shards of one study first, says so on stderr, and reports exactly what the whole file reports', async () => {
    const [merged, single] = await Promise.all([feedbackLab(dir, ['report', 'shard-a.json.gz', 'shard-b.json']), feedbackLab(dir, ['report', 'whole.json.gz'])]);
    expect(merged.code).toBe(0);
    expect(merged.err).toBe('shard-a.json.gz + shard-b.json: Merged 2 files into 30 units (15 + 15 from each); no unit was in more than one file.\n');
    const body = (out: string) => out.slice(out.indexOf('\n## '));
    expect(body(merged.out)).toBe(body(single.out));
  });

  it('shows different studies side by side, each arm labelled with its study, as the page does', async () => {
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz', 'forced.json']);
    expect(ran.code).toBe(0);
    expect(ran.err).toBe("2 different studies: reported side by side, each arm labelled with its study's name.\n");
    const loaded = studiesFromResultFiles([
      { fileName: 'whole.json.gz', doc: whole },
      { fileName: 'forced.json', doc: forced },
    ]);
    expect(loaded.study.arms.map((a) => a.label)).toContain('llama self-refine (Forced iterations)');
    expectPageTables(ran.out, pageTables(loaded));

    // As --help says: side by side, the first study's arms carry "1:" as the second's carry "2:".
    const paired = await feedbackLab(dir, ['report', 'whole.json.gz', 'forced.json', '--pair', '1:refine,2:refine']);
    expect(paired.code, paired.err).toBe(0);
    const pairs = markdownTable(paired.out, pageTables(loaded).find((t) => t.id === 'pair-comparisons')!.caption)!;
    expect(pairs.rows.map((r) => r[0])).toEqual(['llama self-refine (Forced iterations) vs llama self-refine (Feedback against no feedback)']);
    const bare = await feedbackLab(dir, ['report', 'whole.json.gz', 'forced.json', '--pair', 'refine,2:refine']);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^feedback-lab report: --pair refine,2:refine: there is no arm "refine"\. The arms are: 1:solo \(/m);
  });

  it('compares the pairs asked for, and uses the study\'s error labels when asked', async () => {
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz', '--pair', 'text-only,refine', '--errors', 'study']);
    expect(ran.code).toBe(0);
    const loaded = studiesFromResultFiles([{ fileName: 'whole.json.gz', doc: whole }]);
    expectPageTables(ran.out, pageTables(loaded, 'study', [{ baselineId: 'text-only', treatmentId: 'refine' }]));
    const pairs = markdownTable(ran.out, pageTables(loaded).find((t) => t.id === 'pair-comparisons')!.caption)!;
    expect(pairs.rows.map((r) => r[0])).toEqual(['llama self-refine vs llama text-only']);
  });

  it('writes one CSV per table with --format csv, and lists each with its caption', async () => {
    const ran = await feedbackLab(dir, ['report', 'forced.json', '--format', 'csv', '--out', 'tables']);
    expect(ran.code).toBe(0);
    const written = readdirSync(join(dir, 'tables')).sort();
    const tables = pageTables(studiesFromResultFiles([{ fileName: 'forced.json', doc: forced }]));
    const summary = tables[0]!;
    expect(readFileSync(join(dir, 'tables', 'arm-summary.csv'), 'utf8')).toBe(tableToCsv(summary));
    // Every table the Markdown prints has its file: the page's, and the figures' numbers.
    const markdown = await feedbackLab(dir, ['report', 'forced.json']);
    expect(written).toHaveLength(markdown.out.split('\n').filter((line) => line.startsWith('**')).length);
    for (const name of written) expect(ran.out).toContain(`${join('tables', name)}: `);
    expect(ran.out).toContain(`tables/arm-summary.csv: ${summary.caption}`);
    expect(ran.err).not.toContain('did not write');
  });

  it('names CSV files already in the folder that the report did not write, and leaves them alone (audit R209-3)', async () => {
    mkdirSync(join(dir, 'shared-tables'), { recursive: true });
    writeFileSync(join(dir, 'shared-tables', 'transitions-other-arm-1.csv'), 'from another study\n');
    writeFileSync(join(dir, 'shared-tables', 'notes.txt'), 'mine\n');
    const ran = await feedbackLab(dir, ['report', 'forced.json', '--format', 'csv', '--out', 'shared-tables']);
    expect(ran.code).toBe(0);
    expect(ran.err).toContain(
      'shared-tables also holds a CSV file this report did not write (transitions-other-arm-1.csv), from an earlier report or yours: it is not part of this one. Give --out an empty folder to keep reports apart.',
    );
    expect(readFileSync(join(dir, 'shared-tables', 'transitions-other-arm-1.csv'), 'utf8')).toBe('from another study\n');
  });

  it('writes --out FILE.gz as gzip, as merge does, and FILE as the text it would print', async () => {
    const printed = await feedbackLab(dir, ['report', 'whole.json.gz']);
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz', '--out', 'report.md.gz']);
    expect(ran.code).toBe(0);
    expect(gunzipSync(readFileSync(join(dir, 'report.md.gz'))).toString('utf8')).toBe(printed.out);
    expect((await feedbackLab(dir, ['report', 'whole.json.gz', '--out', 'report.md'])).code).toBe(0);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(printed.out);
  });

  it('prints the tables as data with --format json', async () => {
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz', '--format', 'json']);
    expect(ran.code).toBe(0);
    const report = JSON.parse(ran.out) as { bootstrap: unknown; sections: { id: string; tables: Table[] }[] };
    expect(report.bootstrap).toEqual({ seed: 20_260_421, replicates: 10_000 });
    expect(report.sections.map((s) => s.id)).toEqual(['summary', 'paper', 'pairs', 'consistency', 'errors', 'iterations', 'single-vs-mean']);
    expect(report.sections[0]!.tables[0]).toEqual(pageTables(studiesFromResultFiles([{ fileName: 'whole.json.gz', doc: whole }]))[0]);
  });
});

describe('feedback-lab report refuses what it cannot use, naming the file', () => {
  const refusals: [string, (path: string) => Promise<void> | void, RegExp][] = [
    ['a missing file', () => undefined, /^missing\.json: no such file \(looked at .*missing\.json\)\.$/],
    ['a file that is not JSON', (p) => writeFileSync(p, 'hello, world'), /^bad\.json: The file is not valid JSON: the error is at line 1, column 1\./],
    ['a JSON file cut short', (p) => writeFileSync(p, '{"format": "feedback-lab/results", "units": ['), /^cut\.json: The file is truncated: its JSON stops in the middle/],
    [
      'a samples file',
      (p) => writeFileSync(p, '{"task_id": "HumanEval/0", "completion": "    return 1"}\n{"task_id": "HumanEval/1", "completion": "    return 2"}\n'),
      /^samples\.jsonl: This is not a Feedback Lab result file\. It looks like a samples file .* Score a samples file with: feedback-lab score/,
    ],
    [
      "one of the study's released files",
      (p) => writeFileSync(p, JSON.stringify({ n_runs: 5, configs: [] })),
      /^main_results\.json: This is not a Feedback Lab result file\. It is one of the study's own released files \(main_results\.json\)\./,
    ],
    [
      'a file of a newer format',
      (p) => writeFileSync(p, JSON.stringify({ format: 'feedback-lab/results', version: 99 })),
      new RegExp(`^newer\\.json: This result file was written by a newer Feedback Lab \\(format 99\\)\\. This feedback-lab reads formats up to ${RESULT_FILE_VERSION}: update it`),
    ],
    [
      'a gzip file cut short',
      async (p) => writeFileSync(p, (await gzip(new TextEncoder().encode(JSON.stringify({ format: 'feedback-lab/results', pad: 'x'.repeat(5000) })))).slice(0, 20)),
      /^cut\.json\.gz: The file is truncated or not gzip: it starts like a \.gz file but does not decompress\./,
    ],
    ['a folder', (p) => mkdirSync(p), /^folder\.json is a directory, not a result file\.$/],
    [
      'a prompt set',
      (p) => writeFileSync(p, JSON.stringify({ format: 'feedback-lab/prompt-set', prompts: [] })),
      /^prompts\.json: This is not a Feedback Lab result file\. It is a prompt set\. Run a study with it: feedback-lab run --study LINK_OR_DRAFT --prompts FILE \(in the app, load it on the Study or Search page\)\.$/,
    ],
  ];
  const names = ['missing.json', 'bad.json', 'cut.json', 'samples.jsonl', 'main_results.json', 'newer.json', 'cut.json.gz', 'folder.json', 'prompts.json'];

  it.each(refusals.map((r, i) => [r[0], names[i]!, r[1], r[2]] as const))('%s', async (_, name, make, message) => {
    await make(join(dir, name));
    const ran = await feedbackLab(dir, ['report', 'whole.json.gz', name]);
    expect(ran.code).toBe(1);
    expect(ran.out).toBe('');
    const [first] = ran.err.split('\n');
    expect(first!.replace(/^feedback-lab report: /, '')).toMatch(message);
  });

  it('lists the fields that are wrong under the line naming the file', async () => {
    const edited = JSON.parse(readFileSync(join(dir, 'forced.json'), 'utf8')) as { units: { repeat: unknown }[] };
    edited.units[0]!.repeat = 'first';
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
    const ran = await feedbackLab(dir, ['report', 'edited.json']);
    expect(ran.code).toBe(1);
    expect(ran.err.split('\n').slice(0, 2)).toEqual([
      'feedback-lab report: edited.json: This result file has a field with a wrong type or value. Was it edited by hand or written by another program? Export it again from Feedback Lab, or fix the fields listed.',
      '  units[0].repeat: Invalid input: expected number, received string',
    ]);
  });

  it('says a file of this format that a newer feedback-lab wrote, with a field this one does not know, needs an update', async () => {
    const newer = JSON.parse(readFileSync(join(dir, 'forced.json'), 'utf8')) as { appVersion: string; config: { sampling: Record<string, unknown> } };
    newer.appVersion = '99.0.0';
    newer.config.sampling.minP = 0.05;
    writeFileSync(join(dir, 'newer-app.json'), JSON.stringify(newer));
    const ran = await feedbackLab(dir, ['report', 'newer-app.json']);
    expect(ran.code).toBe(1);
    expect(ran.err.split('\n').slice(0, 2)).toEqual([
      `feedback-lab report: newer-app.json: This result file was written by a newer Feedback Lab (99.0.0; this is ${appVersion()}), and one field in it is not what this version reads. ` +
        'Update feedback-lab (git pull, npm install), then run the command again.',
      '  config.sampling: Unrecognized key: "minP"',
    ]);
  });

  it('says there is nothing to analyse in a file without any verdict', async () => {
    await writeResultFile(dir, 'started.json', await studyFile({ only: () => false }));
    const ran = await feedbackLab(dir, ['report', 'started.json']);
    expect(ran.code).toBe(1);
    // The command to continue it, as run prints it: runnable where the report was (audit R209-8).
    expect(ran.err).toMatch(new RegExp(String.raw`^feedback-lab report: No unit in this file has a verdict yet .* Continue it with: ${CLI_ELSEWHERE_PATTERN} run --resume started\.json\.\n$`));
  });

  it('refuses a command line it cannot act on, with exit code 2', async () => {
    const cases: [string[], string][] = [
      [['report'], 'Name one or more result files to report on.'],
      [['report', 'whole.json.gz', '--format', 'csv'], '--format csv writes one file per table: name the folder with --out DIR.'],
      [['report', 'whole.json.gz', '--format', 'html'], '--format must be markdown, csv or json, not "html".'],
      [['report', 'whole.json.gz', '--pair', 'solo,nope'], '--pair solo,nope: there is no arm "nope". The arms are: solo (llama solo), refine (llama self-refine), text-only (llama text-only).'],
      [['report', 'whole.json.gz', '--replicates', '0'], '--replicates must be a whole number from 100 to 1000000, not "0".'],
      // One resample gave a "95 % CI" of a single point, beside an estimate outside it.
      [['report', 'whole.json.gz', '--replicates', '1'], '--replicates must be a whole number from 100 to 1000000, not "1".'],
      [['report', 'whole.json.gz', '--format', 'json', '--out', 'whole.json.gz'], '--out whole.json.gz is one of the files read: it would be overwritten. Give the output another name.'],
    ];
    for (const [args, message] of cases) {
      const ran = await feedbackLab(dir, args);
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.err).toBe(`feedback-lab report: ${message}\nRun "feedback-lab report --help" for usage.\n`);
    }
  });

  it('says why an --out cannot be written in words about the name given, not the temporary file beside it', async () => {
    writeFileSync(join(dir, 'a-file.txt'), 'not a folder\n');
    const cases: [string[], string][] = [
      [['report', 'whole.json.gz', '--out', 'no-such-folder/report.md'], `Cannot write no-such-folder/report.md: the folder ${join(dir, 'no-such-folder')} does not exist.`],
      [['report', 'whole.json.gz', '--format', 'csv', '--out', 'a-file.txt'], `Cannot write a-file.txt: ${join(dir, 'a-file.txt')} is a file, not a folder.`],
    ];
    for (const [args, message] of cases) {
      const ran = await feedbackLab(dir, args);
      expect(ran.code, args.join(' ')).toBe(1);
      expect(ran.err.trimEnd().split('\n').at(-1)).toBe(`feedback-lab report: ${message}`);
    }
  });

  it('has help in the style of the other commands, and is listed by feedback-lab --help', async () => {
    const help = await feedbackLab(dir, ['report', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: feedback-lab report \[options\] FILE\.\.\.\n/);
    expect(help.out).toContain('--seed N          seed of the bootstrap CIs (default 20260421');
    const main = await feedbackLab(dir, ['--help']);
    expect(main.out).toMatch(/\n {2}report {2}print the Results page's analysis/);
    expect(main.out).toMatch(/\n {2}merge {3}merge the shards of one study/);
  });
});

describe('feedback-lab report and merge on a big file', () => {
  let bigDir: string;
  let units: number;
  beforeAll(async () => {
    bigDir = tempDir();
    // Generated here, never copied in: 8 arms × 2 repeats × 40 MBPP problems, several MB of JSON.
    const doc = await bigResultFile({ problems: (await loadTestProblems('mbpp')).slice(0, 40), repeats: 2 });
    units = doc.units.length;
    writeFileSync(join(bigDir, 'big.json'), await exportResultFile(doc, { gzip: false }));
    writeFileSync(join(bigDir, 'big.json.gz'), await exportResultFile(doc, { gzip: true }));
  }, 120_000);
  afterAll(() => rmSync(bigDir, { recursive: true, force: true }));

  /** The bars drawn on stderr, as fractions of their width, in the order drawn. */
  function bars(err: string, phase: RegExp): number[] {
    return err
      .split('\r')
      .map((piece) => /^\[([#.]+)\] (.*)$/.exec(piece))
      .filter((match): match is RegExpExecArray => match !== null && phase.test(match[2] as string))
      .map((match) => (match[1] as string).replace(/\./g, '').length / (match[1] as string).length);
  }

  it('on a terminal, draws a bar that fills as the file is read and as it is decompressed, then erases it', async () => {
    const plain = await feedbackLab(bigDir, ['report', 'big.json']);
    expect(statSync(join(bigDir, 'big.json')).size).toBeGreaterThan(3 * 1024 * 1024);
    const read = bars(plain.err, /./);
    expect(read).toEqual([]);

    const terminal = await feedbackLab(bigDir, ['report', 'big.json', 'big.json.gz'], true);
    expect(terminal.code, terminal.err).toBe(0);
    const reading = bars(terminal.err, /^Reading big\.json \(file 1 of 2\): [\d.]+ \w+ of [\d.]+ MB…/);
    // The first drawing empty, the last full (however fast the read), never going back.
    expect(reading[0]).toBe(0);
    expect(reading.at(-1)).toBe(1);
    expect(reading).toEqual([...reading].sort((a, b) => a - b));
    // Decompressing reports every 16 MB of output: a file of a few MB shows the bar's first, empty
    // drawing only. Whether it fills against the right size is gzip-size.test.ts's to check.
    const unzipping = bars(terminal.err, /^Reading big\.json\.gz \(file 2 of 2\): decompressing, /);
    expect(unzipping.length).toBeGreaterThan(0);
    expect(unzipping).toEqual([...unzipping].sort((a, b) => a - b));
    expect(Math.max(...unzipping)).toBeLessThanOrEqual(1);
    // Steps without a known end (parsing, checking, analysing) say so in words, without a bar.
    expect(terminal.err).toMatch(new RegExp(`\\r(Analysing ${(units * 2).toLocaleString('en')} units…)`));
    expect(terminal.err.endsWith('\r\x1b[K')).toBe(true);
  });

  it('merge shows the same bar while it reads, and erases it before its own lines', async () => {
    const terminal = await feedbackLab(bigDir, ['merge', 'big.json', 'big.json.gz', '--out', 'merged.json'], true);
    expect(terminal.code, terminal.err).toBe(0);
    expect(bars(terminal.err, /^Reading big\.json \(file 1 of 2\)/).at(-1)).toBe(1);
    expect(terminal.err).toMatch(/\r\x1b\[K[^\r]*Wrote \S*merged\.json\.\n$/);
  });
});
