/** The cost table's generation label says what the unscored generation is doing now. */
import { describe, expect, it } from 'vitest';
import { CostLedger, generationRowLabel } from '../../../src/core/search/search-progress.ts';
import { describeTally, tallyRecords, type StoredSearchRecord } from '../../../src/core/search/search-record.ts';
import { initSearch } from '../../../src/core/search/search.ts';
import { searchSetup } from './run-search-fixtures.ts';

describe('a cost row’s generation label', () => {
  it('says running only while the search runs, pausing or paused while it pauses, unfinished after a stop', () => {
    const row = { generation: 3, finished: false };
    expect(generationRowLabel(row, 'running')).toBe('3 (running)');
    expect(generationRowLabel(row, 'pausing')).toBe('3 (pausing)');
    expect(generationRowLabel(row, 'paused')).toBe('3 (paused)');
    expect(generationRowLabel(row, 'cancelled')).toBe('3 (unfinished)');
    expect(generationRowLabel(row, 'stored')).toBe('3 (unfinished)');
    expect(generationRowLabel({ generation: 2, finished: true }, 'paused')).toBe('2');
  });
});

describe('what a search file or a card says it holds', () => {
  const cost = { modelCalls: 1, cachedCalls: 0, ms: 1 };
  const verdict = (key: string, generation: number | null, tokens: number, estimatedTokens?: number): StoredSearchRecord => ({
    key,
    kind: generation === null ? 'validation' : 'search',
    generation,
    genomeId: 'g0-1',
    problemId: 'HumanEval/0',
    index: 0,
    passed: true,
    executions: 1,
    stopReason: 'early-stop',
    errorType: null,
    tokens,
    ...cost,
    ...(estimatedTokens ? { estimatedTokens } : {}),
  });
  const cut = (evaluation: string, generation: number | null, tokens: number, estimatedTokens?: number): StoredSearchRecord => ({
    key: `cut0|${evaluation}`,
    kind: 'cut-short',
    evaluation,
    generation,
    genomeId: 'g0-1',
    problemId: 'HumanEval/0',
    index: 0,
    tokens,
    ...cost,
    ...(estimatedTokens ? { estimatedTokens } : {}),
  });
  const records = [
    verdict('0|g0-1|0|HumanEval/0', 0, 1000),
    verdict('0|g0-2|0|HumanEval/0', 0, 200),
    cut('0|g0-3|0|HumanEval/0', 0, 50, 20),
    verdict('g0-1|0|HumanEval/0', null, 300),
    cut('g0-1|1|HumanEval/0', null, 7, 7),
  ];

  it('counts evaluations with a verdict, runs cut short apart, and re-validation apart from the search', () => {
    const tally = tallyRecords(records);
    expect(tally).toMatchObject({ evaluations: 2, cutShort: 1, tokens: 1250, estimatedTokens: 27, validation: { runs: 1, cutShort: 1, tokens: 307, estimatedTokens: 7 } });
    expect(describeTally(tally)).toBe(
      '2 evaluations (and 1 cut short), 1,250 tokens; champion re-validation: 1 run (and 1 cut short), 307 tokens (27 of the tokens estimated from streamed text: calls cut off mid-reply report no counts)',
    );
    expect(describeTally(tallyRecords(records.slice(0, 2)))).toBe('2 evaluations, 1,200 tokens');
  });

  it('keeps the estimated tokens of each generation in the cost table', () => {
    const ledger = new CostLedger(records.slice(0, 2));
    ledger.add(records[2]!);
    const state = initSearch(searchSetup().config, 1);
    const [row] = ledger.rows({ ...state, evaluations: { '0|g0-1|0|HumanEval/0': { passed: true, tokens: 1000, executions: 1 } } });
    expect(row).toMatchObject({ generation: 0, modelCalls: 3, estimatedTokens: 20 });
  });
});
