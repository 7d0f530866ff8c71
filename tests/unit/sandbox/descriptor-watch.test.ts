/**
 * The descriptor watch on a heap laid out by hand as CPython lays out property, classmethod and
 * staticmethod objects on wasm32 (refcount, type, then the fields). The real layout is checked
 * against Pyodide by tests/integration/sandbox/isolation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DescriptorWatch } from '../../../src/sandbox/descriptor-watch.ts';

/** Word addresses in a small fake heap. */
const PROBE_PROPERTY = 16;
const PROBE_CLASSMETHOD = 32;
const PROBE_STATICMETHOD = 48;
const PROPERTY = 64;
const CLASSMETHOD = 80;
const STATICMETHOD = 96;
const BEFORE = [1000, 2000, 3000];
const AFTER = [4000, 5000, 6000];
const NONE = 7;

function heap(): { HEAPU32: Uint32Array } {
  const memory = new Uint32Array(256);
  // fget, fset, fdel, doc, name
  memory.set([1, 77, ...BEFORE, NONE, 0], PROBE_PROPERTY);
  memory.set([1, 88, BEFORE[0]!, 0], PROBE_CLASSMETHOD);
  memory.set([1, 99, BEFORE[0]!, 0], PROBE_STATICMETHOD);
  memory.set([1, 77, 8000, NONE, NONE, NONE, 0], PROPERTY);
  memory.set([1, 88, 8100, 0], CLASSMETHOD);
  memory.set([1, 99, 8200, 0], STATICMETHOD);
  return { HEAPU32: memory };
}

const probes = { property: PROBE_PROPERTY * 4, classmethod: PROBE_CLASSMETHOD * 4, staticmethod: PROBE_STATICMETHOD * 4, before: BEFORE, after: AFTER };
const addresses = [PROPERTY * 4, CLASSMETHOD * 4, STATICMETHOD * 4];

function setUpAgain(memory: Uint32Array): () => void {
  return () => {
    memory.set(AFTER, PROBE_PROPERTY + 2);
    memory[PROBE_CLASSMETHOD + 2] = AFTER[0]!;
    memory[PROBE_STATICMETHOD + 2] = AFTER[0]!;
  };
}

describe('DescriptorWatch', () => {
  it('sees a descriptor given another function, in any of its fields', () => {
    for (const word of [PROPERTY + 2, PROPERTY + 3, PROPERTY + 4, CLASSMETHOD + 2, STATICMETHOD + 2]) {
      const fake = heap();
      const watch = DescriptorWatch.start(fake, probes, addresses, 'pcs', setUpAgain(fake.HEAPU32));
      expect(watch?.size).toBe(5);
      expect(watch!.changed()).toBe(false);
      fake.HEAPU32[PROPERTY] = 5; // a reference count moves with every use: not read
      fake.HEAPU32[PROPERTY + 5] = 1234; // a property's doc: not watched
      expect(watch!.changed()).toBe(false);
      fake.HEAPU32[word] = 9999;
      expect(watch!.changed()).toBe(true);
    }
  });

  it('reads memory afresh, as it is after the heap grew', () => {
    const fake = heap();
    const watch = DescriptorWatch.start(fake, probes, addresses, 'pcs', setUpAgain(fake.HEAPU32))!;
    const grown = new Uint32Array(512);
    grown.set(fake.HEAPU32);
    fake.HEAPU32 = grown;
    expect(watch.changed()).toBe(false);
    grown[CLASSMETHOD + 2] = 1;
    expect(watch.changed()).toBe(true);
  });

  it('refuses to start on a layout other than the one it reads', () => {
    const fake = heap();
    fake.HEAPU32[PROBE_PROPERTY + 6] = BEFORE[1]!; // fset found twice
    expect(DescriptorWatch.start(fake, probes, addresses, 'pcs', setUpAgain(fake.HEAPU32))).toBeNull();
    const other = heap();
    other.HEAPU32[PROBE_STATICMETHOD + 2] = 0; // no staticmethod field holds its function
    expect(DescriptorWatch.start(other, probes, addresses, 'pcs', setUpAgain(other.HEAPU32))).toBeNull();
  });

  it('refuses to start when setting the probes up again moves nothing it reads', () => {
    const fake = heap();
    expect(DescriptorWatch.start(fake, probes, addresses, 'pcs', () => {})).toBeNull();
  });

  it('refuses addresses and kinds that do not match', () => {
    const fake = heap();
    expect(DescriptorWatch.start(fake, probes, addresses, 'pc', setUpAgain(fake.HEAPU32))).toBeNull();
    expect(DescriptorWatch.start(fake, probes, addresses, 'pcx', setUpAgain(fake.HEAPU32))).toBeNull();
  });
});
