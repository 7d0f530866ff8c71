/**
 * A result file from a stranger can name its study, arms and app version with terminal control
 * sequences (retitle the window, hide or overwrite lines, write the clipboard). `report` and
 * `merge` print those names, and the value of a field they refuse: run as a real process, as a
 * shell runs them, none of it reaches the terminal as a control character.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFeedbackLab } from '../../support/cli-process.ts';
import { studyConfig, studyDraft } from '../../unit/study/study-fixtures.ts';
import { studyFile, tempDir, writeResultFile } from './report-fixtures.ts';

const EVIL = '\x1b]0;PWNED\x07\x1b[8mhidden\r\x1b[2K\x9b31m';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let dir: string;
beforeAll(async () => {
  dir = tempDir();
  const draft = studyDraft();
  const config = studyConfig({ ...draft, name: `Evil${EVIL}`, arms: draft.arms.map((a) => ({ ...a, label: `${a.label}${EVIL}` })) });
  const shardA = await studyFile({ only: (order) => order % 2 === 0 }, config);
  const shardB = await studyFile({ only: (order) => order % 2 === 1 }, config);
  await writeResultFile(dir, 'a.json', shardA);
  await writeResultFile(dir, 'b.json', { ...shardB, appVersion: `9.9.9${EVIL}` });
  await writeResultFile(dir, 'bad.json', { ...shardA, config: { ...shardA.config, arms: shardA.config.arms.map((a) => ({ ...a, id: `${a.id}${EVIL}` })) } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('control characters from a result file', () => {
  it('report prints the study name and arm labels with them spelled out', async () => {
    const ran = await runFeedbackLab(dir, ['report', 'a.json']);
    expect(ran.code).toBe(0);
    // The Markdown spells them out (table-markdown.ts) and escapes the backslash, so it reads back as the text \u001b.
    expect(ran.stdout).toContain('# Results: Evil\\\\u001b\\]0;PWNED\\\\u0007');
    expect(ran.stdout).not.toMatch(CONTROL);
    expect(ran.stderr).not.toMatch(CONTROL);
  });

  it('merge prints the app version, and a refusal the field’s value, with them spelled out', async () => {
    const merged = await runFeedbackLab(dir, ['merge', 'a.json', 'b.json', '--out', 'merged.json']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('9.9.9\\u001b]0;PWNED\\u0007');
    expect(`${merged.stdout}${merged.stderr}`).not.toMatch(CONTROL);
    const refused = await runFeedbackLab(dir, ['merge', 'a.json', 'bad.json', '--out', 'refused.json']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('\\u001b]0;PWNED');
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(CONTROL);
  });
});
