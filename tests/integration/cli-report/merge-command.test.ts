/**
 * `feedback-lab merge` on shards built by the project's own builders: the merged file is the
 * core merge's document (so it reports as the whole study does), gzip when asked, and files of
 * different studies are refused naming the first setting that differs.
 */
import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGzip } from '../../../src/core/results/bounded-compression.ts';
import { buildResultFile } from '../../../src/core/results/result-file-build.ts';
import { mergeResultFiles } from '../../../src/core/results/result-file-merge.ts';
import type { ResultFile } from '../../../src/core/results/result-file.ts';
import { importResultFile } from '../../../src/core/results/result-file-import.ts';
import { environment, takeOtherVerdict } from '../../unit/results/result-file-fixtures.ts';
import { feedbackLab, forcedStudyConfig, studyFile, tempDir, writeResultFile } from './report-fixtures.ts';
import { CLI_ELSEWHERE } from '../../support/cli-process.ts';
import { MERGE_USAGE } from '../../../cli/merge/merge-options.ts';

let dir: string;
let shardA: ResultFile;
let shardB: ResultFile;
beforeAll(async () => {
  dir = tempDir();
  shardA = await studyFile({ only: (order) => order % 2 === 0 });
  shardB = await studyFile({ only: (order) => order % 2 === 1 });
  await writeResultFile(dir, 'a.json.gz', shardA);
  await writeResultFile(dir, 'b.json', shardB);
  await writeResultFile(dir, 'whole.json', await studyFile());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readResult(name: string): Promise<ResultFile> {
  return importResultFile(new Uint8Array(readFileSync(join(dir, name))));
}

describe('feedback-lab merge', () => {
  it('writes the merged study, gzip when the name ends in .gz, and prints the merge summary', async () => {
    const ran = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', 'merged.json.gz']);
    expect(ran.code).toBe(0);
    expect(ran.out).toBe('Merged 2 files into 30 units (15 + 15 from each); no unit was in more than one file.\n');
    expect(ran.err).toBe(`Wrote ${join(dir, 'merged.json.gz')}.\n`);
    expect(isGzip(new Uint8Array(readFileSync(join(dir, 'merged.json.gz'))))).toBe(true);
    const merged = await readResult('merged.json.gz');
    const expected = mergeResultFiles([shardA, shardB], { names: ['a.json.gz', 'b.json'] }).doc;
    expect(merged.units).toEqual(expected.units);
    expect(merged.config).toEqual(expected.config);
    expect(merged.environments).toEqual(expected.environments);
  });

  it('on a terminal, shows on stderr what it reads, merges and writes, and erases that line before its own', async () => {
    const ran = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', 'merged-tty.json.gz'], true);
    expect(ran.code).toBe(0);
    expect(ran.out).toBe('Merged 2 files into 30 units (15 + 15 from each); no unit was in more than one file.\n');
    const drawn = ran.err.split('\r').filter((piece) => piece !== '');
    // Reading and decompressing have a known end, so a bar in front.
    expect(drawn).toContainEqual(expect.stringMatching(/^\[[#.]{20}\] Reading a\.json\.gz \(file 1 of 2\): decompressing, /));
    expect(drawn).toContainEqual(expect.stringMatching(/^Reading b\.json \(file 2 of 2\): checking 15 units /));
    expect(drawn).toContainEqual(expect.stringMatching(/^Merging 2 files… /));
    expect(drawn).toContainEqual(expect.stringMatching(/^Writing merged-tty\.json\.gz \(30 units, gzip\)… /));
    expect(ran.err.endsWith(`\r\x1b[KWrote ${join(dir, 'merged-tty.json.gz')}.\n`)).toBe(true);
  });

  it('gives a file whose report is the whole study\'s report', async () => {
    await feedbackLab(dir, ['merge', 'b.json', 'a.json.gz', '--out', 'merged.json']);
    const [merged, whole] = await Promise.all([feedbackLab(dir, ['report', 'merged.json']), feedbackLab(dir, ['report', 'whole.json'])]);
    expect(merged.code).toBe(0);
    const body = (out: string) => out.slice(out.indexOf('\n## '));
    expect(body(merged.out)).toBe(body(whole.out));
  });

  it('keeps one copy of a unit found in several files, and lists each on stderr', async () => {
    const ran = await feedbackLab(dir, ['merge', 'whole.json', 'a.json.gz', '--out', 'again.json']);
    expect(ran.code).toBe(0);
    expect(ran.out).toBe('Merged 2 files into 30 units (30 + 0 from each); 15 units were in more than one file, each kept from the earliest file unless a later one finished it or got further with it.\n');
    const lines = ran.err.trimEnd().split('\n');
    expect(lines[0]).toBe("solo, repeat 1, HumanEval/900: kept whole.json (finished in each, so the first file's), dropped a.json.gz.");
    expect(lines.at(-2)).toBe('…and 5 more units in more than one file, their copies agreeing on the verdict.');
  });

  it('says in --help what the merge keeps: of finished copies the first file\'s, not the one with more steps', () => {
    const help = MERGE_USAGE.replace(/\s+/g, ' ');
    expect(help).toContain("of finished copies, the earlier file's (whatever their steps)");
    expect(help).not.toContain('unfinished or errored one, then the copy with more steps');
  });

  it('lists first, and says so, the units two files finished with different verdicts', async () => {
    // A copy of the whole study whose one unit is its other repeat's run (same arm and problem, the other verdict).
    const whole = await readResult('whole.json');
    const other = structuredClone(whole);
    const unit = other.units.find((u) => takeOtherVerdict(other, u));
    if (!unit) throw new Error('the fixture has no disagreeing repeats');
    await writeResultFile(dir, 'other-laptop.json', other);
    const ran = await feedbackLab(dir, ['merge', 'whole.json', 'other-laptop.json', '--out', 'disagreeing.json']);
    expect(ran.code).toBe(0);
    expect(ran.out).toContain(
      `1 of them was finished in more than one file with different verdicts (passed in one, failed in another), and the copy kept decides it (${unit.problemId} in arm ${unit.armId}, repeat ${unit.repeat + 1}: kept whole.json).`,
    );
    expect(ran.err.split('\n')[0]).toBe(
      // Not "the same status and steps in each": of finished copies the first file's is kept whatever their steps.
      `${unit.armId}, repeat ${unit.repeat + 1}, ${unit.problemId}: kept whole.json (finished in each, so the first file's), dropped other-laptop.json. ` +
        'The copies finished with different verdicts (passed in one, failed in another).',
    );
  });

  it('names every unit whose copies finished with different verdicts, however many (audit R225-2)', async () => {
    const whole = await readResult('whole.json');
    const other = structuredClone(whole);
    const flipped = other.units.filter((u) => takeOtherVerdict(structuredClone(whole), u) && takeOtherVerdict(other, u));
    expect(flipped.length).toBeGreaterThan(0);
    await writeResultFile(dir, 'many-disagreeing.json', other);
    const ran = await feedbackLab(dir, ['merge', 'whole.json', 'many-disagreeing.json', '--out', 'many.json']);
    expect(ran.code).toBe(0);
    const named = ran.err.split('\n').filter((line) => line.endsWith('The copies finished with different verdicts (passed in one, failed in another).'));
    expect(named).toHaveLength(flipped.length);
  });

  it('refuses shards of one study run with different settings, naming the first that differs', async () => {
    const relabelled = await buildResultFile(
      { ...shardB.config, arms: shardB.config.arms.map((a, i) => (i === 1 ? { ...a, label: 'refine, relabelled' } : a)) },
      shardB.units,
      environment(),
    );
    await writeResultFile(dir, 'relabelled.json', relabelled);
    const ran = await feedbackLab(dir, ['merge', 'a.json.gz', 'relabelled.json', '--out', 'never.json']);
    expect(ran.code).toBe(1);
    expect(ran.err).toBe(
      'feedback-lab merge: a.json.gz and relabelled.json ran the study "study-test" with different settings: ' +
        'config.arms[1].label is "llama self-refine" in a.json.gz and "refine, relabelled" in relabelled.json. ' +
        `Only shards of one study merge; "${CLI_ELSEWHERE} report a.json.gz relabelled.json" shows different studies side by side.\n`,
    );
    expect(() => readFileSync(join(dir, 'never.json'))).toThrow();
  });

  it('refuses files of different studies', async () => {
    await writeResultFile(dir, 'forced.json', await studyFile({}, forcedStudyConfig()));
    const ran = await feedbackLab(dir, ['merge', 'whole.json', 'forced.json', '--out', 'never.json']);
    expect(ran.code).toBe(1);
    expect(ran.err).toMatch(
      /^feedback-lab merge: These files are from different studies: whole\.json holds "study-test" \(Feedback against no feedback\) and forced\.json holds "forced-study" \(Forced iterations\)\./,
    );
  });

  it('never writes over a shard it reads, however it is named, and leaves no partial file', async () => {
    const before = readFileSync(join(dir, 'b.json'));
    symlinkSync(join(dir, 'b.json'), join(dir, 'b-link.json'));
    for (const out of ['b.json', './b.json', 'b-link.json']) {
      const ran = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', out]);
      expect(ran.code, out).toBe(2);
      expect(ran.err.split('\n')[0], out).toMatch(new RegExp(`^feedback-lab merge: --out ${out.replace('.', '\\.')} is .*read.*: it would be overwritten\\. Give the output another name\\.$`));
    }
    expect(readFileSync(join(dir, 'b.json'))).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('says in --help which file already at --out it replaces, and that it refuses any other', () => {
    const help = MERGE_USAGE.replace(/\s+/g, ' ');
    expect(help).toContain('A file already there is replaced only when it is an earlier merge of the same study whose every unit the new file holds');
    expect(help).toContain('anything else there (another file, another study, a shard not named) is refused, and left as it is');
  });

  it('writes over nothing but a result file of the same study whose every unit the merge holds, and says when it did', async () => {
    // It wrote over anything there (someone's notes, a samples file, a shard not named) without a word.
    const only = 'and merge writes over nothing but an earlier merge of the same study. Give --out a name not taken (or delete the file first, if it is not wanted).';
    writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
    writeFileSync(join(dir, 'samples.jsonl'), '{"task_id": "HumanEval/0", "completion": "    return 1\\n"}\n');
    for (const out of ['notes.txt', 'samples.jsonl']) {
      const before = readFileSync(join(dir, out));
      const ran = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', out]);
      expect(ran.code, out).toBe(2);
      expect(ran.err, out).toBe(`feedback-lab merge: --out ${out} is already there and is not a result file, ${only}\nRun "feedback-lab merge --help" for usage.\n`);
      expect(ran.out, out).toBe('');
      expect(readFileSync(join(dir, out)), out).toEqual(before);
    }

    await writeResultFile(dir, 'other-study.json', await studyFile({}, forcedStudyConfig()));
    const other = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', 'other-study.json']);
    expect(other.code).toBe(2);
    expect(other.err.split('\n')[0]).toBe(`feedback-lab merge: --out other-study.json already holds the results of another study ("Forced iterations"), ${only}`);

    // A shard of this study left off the command line: its units are not all in the merge.
    await writeResultFile(dir, 'thirds.json', await studyFile({ only: (order) => order % 3 === 0 }));
    await writeResultFile(dir, 'left-off.json', await studyFile({ only: (order) => order % 2 === 1 }));
    const before = readFileSync(join(dir, 'left-off.json'));
    const lost = await feedbackLab(dir, ['merge', 'a.json.gz', 'thirds.json', '--out', 'left-off.json']);
    expect(lost.code).toBe(2);
    expect(lost.err.split('\n')[0]).toMatch(
      /^feedback-lab merge: --out left-off\.json already holds 10 units of this study that the merged file would lose \(the first: .+, repeat \d, HumanEval\/\d+, finished\): it may be a shard not named\. Name it among the files to merge, or give --out a name not taken\.$/,
    );
    expect(readFileSync(join(dir, 'left-off.json'))).toEqual(before);

    // The same shards merged again into the same name: replaced, and said.
    const first = await feedbackLab(dir, ['merge', 'a.json.gz', 'thirds.json', '--out', 'again-merged.json']);
    expect(first.err.split('\n').at(-2)).toBe(`Wrote ${join(dir, 'again-merged.json')}.`);
    const again = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json', '--out', 'again-merged.json']);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toBe(`Wrote ${join(dir, 'again-merged.json')}, replacing the result file of this study that was there (the new file holds every unit it held).\n`);
    expect((await readResult('again-merged.json')).units).toHaveLength(30);
    expect(readdirSync(dir).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('refuses a file it cannot read, naming it, and a command line without two files or --out', async () => {
    const missing = await feedbackLab(dir, ['merge', 'a.json.gz', 'gone.json', '--out', 'never.json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe(`feedback-lab merge: gone.json: no such file (looked at ${join(dir, 'gone.json')}).\n`);

    const one = await feedbackLab(dir, ['merge', 'a.json.gz', '--out', 'never.json']);
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/^feedback-lab merge: Name two or more result files to merge/);
    const noOut = await feedbackLab(dir, ['merge', 'a.json.gz', 'b.json']);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/^feedback-lab merge: Name the merged file to write with --out FILE/);
    const help = await feedbackLab(dir, ['merge', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: feedback-lab merge FILE FILE\.\.\. --out FILE\n/);
  });
});
