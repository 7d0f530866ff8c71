import { describe, expect, it } from 'vitest';
import { DifficultyPicker } from '../../../src/ui/search/difficulty-picker.svelte.ts';
import { fileBytes, studyResultFile } from '../results/result-file-fixtures.ts';

async function resultFile(name: string): Promise<File> {
  return new File([new Uint8Array(await fileBytes(await studyResultFile()))], name, { type: 'application/json' });
}

/** A file whose bytes arrive only when `arrive()` is called: a big file still being read. */
async function slowFile(name: string): Promise<{ file: File; arrive: () => void }> {
  const bytes = await (await resultFile(name)).arrayBuffer();
  let arrive = () => {};
  const arrived = new Promise<ArrayBuffer>((resolve) => (arrive = () => resolve(bytes)));
  const file = { name, size: bytes.byteLength, type: 'application/json', arrayBuffer: () => arrived } as unknown as File;
  return { file, arrive };
}

describe('the stratified ranking picker', () => {
  it('keeps the later pick when an earlier, slower read ends after it', async () => {
    const picker = new DifficultyPicker();
    const big = await slowFile('big.json.gz');
    const first = picker.pickFile(big.file, 'humaneval');
    expect(await picker.pickFile(await resultFile('small.json'), 'humaneval')).toBe(true);
    expect(picker.loaded?.label).toBe('small.json');

    big.arrive();
    expect(await first).toBe(false);
    expect(picker.loaded?.label).toBe('small.json');
    expect(picker.reading).toBeNull();
  });

  it('stays empty when Remove is pressed while a file is read', async () => {
    const picker = new DifficultyPicker();
    const big = await slowFile('big.json.gz');
    const reading = picker.pickFile(big.file, 'humaneval');
    expect(picker.reading).toMatch(/^big\.json\.gz/);
    picker.remove();
    expect(picker.reading).toBeNull();
    big.arrive();
    await reading;
    expect(picker.loaded).toBeNull();
    expect(picker.refused).toBeNull();
  });
});
