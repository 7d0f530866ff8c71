import { describe, expect, it } from 'vitest';
import { asciiSlug } from '../../src/core/ascii-slug.ts';
import { tableId } from '../../src/core/analysis/table.ts';
import { fileNameSlug } from '../../src/core/results/result-file-export.ts';

describe('names in file names and element ids', () => {
  it('keep the letters of accented and spelled-out words, not holes where they were (audit R220-7)', () => {
    expect(asciiSlug('Étude de Qĩ 2.5')).toBe('etude-de-qi-2-5');
    expect(asciiSlug('Straße')).toBe('strasse');
    expect(asciiSlug('Işık')).toBe('isik');
    expect(asciiSlug('Ærø')).toBe('aero');
    expect(tableId('transitions', 'Étude', '1')).toBe('transitions-etude-1');
    expect(fileNameSlug('Straße nach Işık')).toBe('strasse-nach-isik');
  });

  it('tell names in other scripts apart by a tag, where they left the same empty name', () => {
    const a = tableId('error-type-transitions', 'Исследование один');
    const b = tableId('error-type-transitions', 'Исследование два');
    expect(a).toMatch(/^error-type-transitions-u[0-9a-z]+$/);
    expect(a).not.toBe(b);
    expect(tableId('!!!')).toBe('table');
    expect(fileNameSlug('')).toBe('');
  });
});
