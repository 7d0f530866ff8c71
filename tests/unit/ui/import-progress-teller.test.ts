import { describe, expect, it } from 'vitest';
import { IMPORT_PROGRESS_GAP_MS, importProgressTeller } from '../../../src/ui/shared/read-result-file.ts';

describe('what a status line says while a result file is read', () => {
  it('says each phase at once and its figures at most every few seconds, so a screen reader is not handed a queue of them', () => {
    let clock = 0;
    const said: string[] = [];
    const tell = importProgressTeller('big.json.gz', (text) => said.push(text), () => clock);
    const MB = 1024 * 1024;
    // Decompressing a 79 MB file: a figure every 16 MB within a quarter of a second.
    for (const mb of [0, 16, 32, 48, 64]) {
      tell({ phase: 'decompressing', bytes: mb * MB });
      clock += 50;
    }
    tell({ phase: 'parsing', bytes: 79 * MB });
    clock += IMPORT_PROGRESS_GAP_MS;
    tell({ phase: 'checking', units: 7200, steps: 41000 });
    tell({ phase: 'checking', units: 7200, steps: 42000 });
    clock += IMPORT_PROGRESS_GAP_MS;
    tell({ phase: 'checking', units: 7200, steps: 43000 });
    expect(said).toEqual([
      'big.json.gz: decompressing (0 MB so far)…',
      'big.json.gz: reading 79 MB of JSON…',
      'big.json.gz: checking 7,200 units (41,000 steps)…',
      'big.json.gz: checking 7,200 units (43,000 steps)…',
    ]);
  });
});
