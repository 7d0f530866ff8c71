import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResultFiles } from '../../../cli/result-files.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('reading the result files named on the command line', () => {
  it('reads a file once when it is named twice, by its path or through a link to it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'result-files-'));
    await writeFile(join(dir, 'study.json'), await fileBytes(await studyResultFile({ only: (order) => order < 4 }), false));
    await symlink(join(dir, 'study.json'), join(dir, 'link-to-study.json'));
    const { files, repeated } = await readResultFiles(['study.json', './study.json', 'link-to-study.json'], dir);
    expect(files.map((f) => f.fileName)).toEqual(['study.json']);
    expect(repeated).toEqual(['./study.json', 'link-to-study.json']);
  });
});
