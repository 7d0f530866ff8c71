/**
 * A picked file read as the Scoring page reads it (file-lines.ts, through the page's session):
 * the same lines, the same words and the same listed lines as `feedback-lab score` for one file
 * (tests/integration/scoring/score-command.test.ts runs the command on the same kinds of file).
 */
import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../src/core/ports.ts';
import { UTF16_FILE } from '../../../src/core/results/utf8-lines.ts';
import { SandboxHolder } from '../../../src/ui/sandbox/sandbox-holder.ts';
import { fileLines } from '../../../src/ui/scoring/file-lines.ts';
import { ScoreSession, type ScoreSettings } from '../../../src/ui/scoring/score-session.svelte.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const problems = await loadTestProblems('humaneval');
const settings: ScoreSettings = { benchmark: 'humaneval', mode: 'standard', workers: 1 };
const passing: Sandbox = { run: async () => ({ status: 'passed', durationMs: 1, stdout: '' }), close: async () => undefined };
const records = problems.slice(0, 3).map((p) => ({ task_id: p.id, completion: p.canonicalSolution }));

async function scorePicked(parts: BlobPart[]) {
  const session = new ScoreSession(new SandboxHolder(async () => passing));
  await session.scoreLines('picked.jsonl', fileLines(new Blob(parts)), problems, settings);
  return session;
}

describe('a picked samples file on the Scoring page', () => {
  it('refuses pretty-printed records in one sentence and lists none of their lines, as the command line does', async () => {
    const session = await scorePicked([records.map((r) => JSON.stringify(r, null, 2)).join('\n')]);
    expect(session.phase).toBe('failed');
    expect(session.failure).toMatch(/^The records in this file are each spread over several lines \(pretty-printed\)/);
    expect(session.lineErrors).toEqual([]);
    expect(session.lineErrorCount).toBe(0);
  });

  it('refuses a one-line JSON array of real samples as an array, however long', async () => {
    const session = await scorePicked([`${JSON.stringify(records)}\n`]);
    expect(session.failure).toMatch(/^This file is one JSON array, not JSON Lines\./);
    expect(session.lineErrors).toEqual([]);
  });

  it('refuses a UTF-16 file at once, saying to save it as UTF-8', async () => {
    const jsonl = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    const le = Uint8Array.from([0xff, 0xfe, ...[...jsonl].flatMap((c) => [c.charCodeAt(0), 0])]);
    const session = await scorePicked([le]);
    expect(session.failure).toBe(UTF16_FILE);
    expect(session.lineErrors).toEqual([]);
  });

  it('scores a file with lone-CR line ends, and names a line that is not UTF-8 instead of scoring it with U+FFFD', async () => {
    const encoder = new TextEncoder();
    const session = await scorePicked([
      `${JSON.stringify(records[0])}\r`,
      encoder.encode('{"task_id": "HumanEval/1", "completion": "    return \'caf'),
      Uint8Array.from([0xe9]),
      `'\\n"}\r${JSON.stringify(records[2])}`,
    ]);
    expect(session.lineErrors.map((e) => e.message)).toEqual([
      'line 2: not valid UTF-8 at column 58 (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).',
    ]);
    expect(session.summaryLine).toBe('2 passed, 0 failed');
  });

  it('names line 1\'s bad byte at the same column after a byte-order mark, and a file cut inside a character as cut short', async () => {
    const encoder = new TextEncoder();
    const session = await scorePicked([
      Uint8Array.from([0xef, 0xbb, 0xbf]),
      encoder.encode('{"task_id": "HumanEval/0", "completion": "    return \'caf'),
      Uint8Array.from([0xe9]),
      `'\\n"}\n${JSON.stringify(records[1])}\n`,
      encoder.encode('{"task_id": "HumanEval/2", "completion": "    return \'caf'),
      Uint8Array.from([0xc3]),
    ]);
    expect(session.lineErrors.map((e) => e.message)).toEqual([
      'line 1: not valid UTF-8 at column 58 (the file may be in another encoding, such as Windows-1252 or Latin-1: save it as UTF-8).',
      'line 3: the file ends (at column 58) partway through a character; it may be cut short.',
    ]);
  });
});
