import { describe, expect, it } from 'vitest';
import { shellWord } from '../../../cli/shell-word.ts';

describe('shellWord', () => {
  it('leaves a plain path as people type it', () => {
    expect(shellWord('runs/samples-2.jsonl.gz')).toBe('runs/samples-2.jsonl.gz');
  });

  it('quotes a path with spaces, quotes or shell characters so a pasted command reads it as one word', () => {
    expect(shellWord('my samples.jsonl')).toBe("'my samples.jsonl'");
    expect(shellWord("bob's run.jsonl")).toBe("'bob'\\''s run.jsonl'");
    expect(shellWord('$HOME;rm -rf x')).toBe("'$HOME;rm -rf x'");
    expect(shellWord('')).toBe("''");
  });

  it('puts ./ before a path that starts with a dash, which a pasted command would read as an option (audit R209-5)', () => {
    expect(shellWord('-slow.jsonl')).toBe('./-slow.jsonl');
    expect(shellWord('--my run.json')).toBe("'./--my run.json'");
  });
});
