import { describe, expect, it } from 'vitest';
import { gunzipBounded, gzip, PROGRESS_STEP_BYTES } from '../../../src/core/results/bounded-compression.ts';
import { exportResultFile } from '../../../src/core/results/result-file-export.ts';
import { importResultFile, type ImportProgress } from '../../../src/core/results/result-file-import.ts';
import { unitSteps } from '../../../src/core/results/result-file.ts';
import { bigResultFile } from '../../support/big-result-file.ts';
import { loadTestProblems } from '../../support/datasets.ts';

describe('importing a result file says how far it has got', () => {
  it('reports decompressing as the output grows, then parsing, then checking with the counts', { timeout: 60_000 }, async () => {
    const problems = (await loadTestProblems('mbpp')).slice(0, 12);
    const doc = await bigResultFile({ problems, repeats: 2, replyChars: [200, 400] });
    const steps = doc.units.reduce((n, u) => n + unitSteps(u).length, 0);
    const bytes = await exportResultFile(doc, { gzip: true });
    const plainSize = (await exportResultFile(doc, { gzip: false })).length;

    const heard: ImportProgress[] = [];
    const back = await importResultFile(bytes, { onProgress: (p) => heard.push(p) });
    expect(back.units).toHaveLength(doc.units.length);

    const phases = heard.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['decompressing', 'parsing', 'checking']);
    expect(heard.find((p) => p.phase === 'parsing')).toEqual({ phase: 'parsing', bytes: plainSize });
    expect(heard.at(-1)).toEqual({ phase: 'checking', units: doc.units.length, steps });
  });

  it('hears decompression grow in steps, not once per chunk nor only at the end', async () => {
    const plain = new Uint8Array(PROGRESS_STEP_BYTES * 3 + 1000);
    const heard: number[] = [];
    const out = await gunzipBounded(await gzip(plain), plain.length, (total) => heard.push(total));
    expect(out.length).toBe(plain.length);
    expect(heard).toHaveLength(3);
    expect(heard.every((total, i) => total >= PROGRESS_STEP_BYTES * (i + 1) && total < plain.length)).toBe(true);
  });
});
