import { describe, expect, it } from 'vitest';
import { explorerQuery, readExplorerAddress, sameExplorerAddress } from '../../../src/ui/analysis/explorer-address.ts';

describe("the problem explorer's address", () => {
  it('reads back the problem, arm, run and filters it was written with, leaving the rest of the query alone', () => {
    const state = { fate: 'fixed', errorType: 'NameError', search: 'Eval/1', problemId: 'HumanEval/12', armId: 'llama-refine', repeat: 1 } as const;
    const query = explorerQuery(new URLSearchParams('other=1&problem=HumanEval/3'), state);
    expect(query.get('other')).toBe('1');
    expect(query.get('run')).toBe('2');
    expect(sameExplorerAddress(readExplorerAddress(query), state)).toBe(true);
  });

  it('writes nothing for the defaults, and ignores an arm or run without a problem and values it cannot use', () => {
    const defaults = readExplorerAddress(undefined);
    expect(explorerQuery(undefined, defaults).toString()).toBe('');
    expect(readExplorerAddress(new URLSearchParams('show=sideways&arm=a&run=2'))).toEqual(defaults);
    expect(readExplorerAddress(new URLSearchParams('problem=Mbpp/2&run=0')).repeat).toBeNull();
  });
});
