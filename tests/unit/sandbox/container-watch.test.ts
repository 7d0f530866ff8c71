/**
 * The container watch on a heap laid out by hand as CPython lays out lists and sets on wasm32.
 * The real layout is checked against Pyodide by tests/integration/sandbox/isolation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ContainerWatch } from '../../../src/sandbox/container-watch.ts';

/** Word addresses in a small fake heap. */
const LIST = 16;
const LIST_ITEMS = 64;
const SET = 32;
const SET_TABLE = 128;
const MEMBERS = [1000, 2000, 3000];

function heapWithProbes(): { HEAPU32: Uint32Array } {
  const memory = new Uint32Array(512);
  memory.set([1, 77, MEMBERS.length, LIST_ITEMS * 4], LIST);
  memory.set(MEMBERS, LIST_ITEMS);
  // fill, used, mask 7 (eight slots), table pointer; members in slots 1, 4 and 6.
  memory.set([1, 88, 3, 3, 7, SET_TABLE * 4], SET);
  for (const [slot, key] of [[1, 1000], [4, 2000], [6, 3000]] as const) memory[SET_TABLE + 2 * slot] = key;
  return { HEAPU32: memory };
}

const probes = { list: LIST * 4, set: SET * 4, members: MEMBERS };

describe('ContainerWatch', () => {
  it('names the containers whose tables changed, and forgets them once rebased', () => {
    const heap = heapWithProbes();
    const memory = heap.HEAPU32;
    let changed = false;
    const watch = ContainerWatch.start(heap, probes, [LIST * 4, SET * 4], 'ls', () => {
      memory[LIST_ITEMS] = 2000;
      memory[SET + 3] = 2;
      changed = true;
    });
    expect(changed).toBe(true);
    expect(watch?.size).toBe(2);
    expect(watch!.changed()).toBe('');

    memory[LIST_ITEMS + 1] = 5000; // mdays[1] = …
    expect(watch!.changed()).toBe('0');
    watch!.rebase('0');
    expect(watch!.changed()).toBe('');

    memory[SET_TABLE + 2 * 4] = 9000; // a member swapped for a lookalike
    expect(watch!.changed()).toBe('1');
    watch!.rebase('1');
    memory[LIST + 2] = 2; // a list shortened
    memory[SET + 4] = 15; // a set resized
    expect(watch!.changed()).toBe('0,1');
  });

  it('refuses to start on a layout other than the one it reads', () => {
    const heap = heapWithProbes();
    heap.HEAPU32[LIST_ITEMS + 2] = 4000; // the list probe does not hold its members where expected
    expect(ContainerWatch.start(heap, probes, [], '', () => {})).toBeNull();
  });

  it('refuses to start when changing the probes changes nothing it reads', () => {
    expect(ContainerWatch.start(heapWithProbes(), probes, [], '', () => {})).toBeNull();
  });
});
