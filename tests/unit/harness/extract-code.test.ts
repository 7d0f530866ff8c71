import { describe, expect, it } from 'vitest';
import { extractCode, locateCode } from '../../../src/core/harness/extract-code.ts';

const FUNCTION = 'def add(a, b):\n    return a + b';

describe('extractCode', () => {
  it('takes the python block out of prose before and after it', () => {
    const reply = `Sure! Here is the function:\n\n\`\`\`python\n${FUNCTION}\n\`\`\`\n\nThis adds the two numbers and returns the result.`;
    expect(locateCode(reply)).toEqual({ code: FUNCTION, rule: 'fenced-block' });
  });

  it('takes the first of several blocks', () => {
    const reply = `\`\`\`python\n${FUNCTION}\n\`\`\`\n\nExample usage:\n\n\`\`\`python\nprint(add(1, 2))\n\`\`\``;
    expect(extractCode(reply)).toBe(FUNCTION);
  });

  it('accepts untagged, py and python3 fences', () => {
    for (const tag of ['', 'py', 'python3', 'Python']) {
      expect(extractCode(`Here:\n\`\`\`${tag}\n${FUNCTION}\n\`\`\``)).toBe(FUNCTION);
    }
  });

  it('skips a block in another language for the python one after it', () => {
    const reply = `Install nothing:\n\`\`\`bash\npip install nothing\n\`\`\`\nThen:\n\`\`\`python\n${FUNCTION}\n\`\`\``;
    expect(extractCode(reply)).toBe(FUNCTION);
  });

  it('keeps everything after the opening fence when the reply was cut off', () => {
    const reply = `Here you go:\n\`\`\`python\ndef fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n`;
    expect(locateCode(reply)).toEqual({
      code: 'def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n',
      rule: 'unterminated-fence',
    });
  });

  it('finds a fence that opens at the end of a line of prose', () => {
    expect(extractCode(`Here it is: \`\`\`python\n${FUNCTION}\n\`\`\``)).toBe(FUNCTION);
  });

  it('handles Windows line ends', () => {
    const reply = `Code:\r\n\`\`\`python\r\n${FUNCTION.replace('\n', '\r\n')}\r\n\`\`\`\r\n`;
    expect(extractCode(reply)).toBe(FUNCTION);
  });

  it('dedents a fence indented inside a markdown list', () => {
    const reply = `1. Write the function:\n\n   \`\`\`python\n   def add(a, b):\n       return a + b\n   \`\`\`\n2. Done.`;
    expect(extractCode(reply)).toBe(FUNCTION);
  });

  it('finds a closing fence glued to the last line of code', () => {
    expect(extractCode(`\`\`\`python\n${FUNCTION}\`\`\``)).toBe(FUNCTION);
  });

  it('takes the whole reply when it is bare code, including imports', () => {
    const reply = `\n\nfrom typing import List\n\n\n${FUNCTION}\n`;
    expect(locateCode(reply)).toEqual({ code: `from typing import List\n\n\n${FUNCTION}`, rule: 'whole-reply' });
    expect(extractCode(`class Stack:\n    pass\n`)).toBe('class Stack:\n    pass');
  });

  it('starts at the first def when prose comes before unfenced code', () => {
    const reply = `To solve this, iterate over the list.\n\n${FUNCTION}\n`;
    expect(locateCode(reply)).toEqual({ code: FUNCTION, rule: 'from-first-def' });
  });

  it('keeps prose that follows unfenced code, as the study did (it then fails as a SyntaxError)', () => {
    expect(extractCode(`Answer:\n${FUNCTION}\nThis works.`)).toBe(`${FUNCTION}\nThis works.`);
  });

  it('returns the whole reply, trimmed, when there is no code at all', () => {
    expect(locateCode('  I cannot help with that.  \n')).toEqual({ code: 'I cannot help with that.', rule: 'fallback' });
    expect(extractCode('')).toBe('');
  });

  it('does not mistake a word containing def for code', () => {
    expect(locateCode('The value is undefined here.').rule).toBe('fallback');
  });
});

// A llama3.2:3b reply to HumanEval/0 that ran into the 512-token limit inside its code block.
const CUT_OFF = [
  'Here is the solution:',
  '',
  '```python',
  'from typing import List',
  '',
  '',
  'def has_close_elements(numbers: List[float], threshold: float) -> bool:',
  '    for i in range(len(numbers)):',
  '        for j in range(i + 1, len(numbers)):',
  '            if abs(numbers[i] - numbers[j]) < threshold:',
  '                return True',
  '    return False',
].join('\n');

// A reasoning model that drafts inside its thinking, then answers.
const THINKING = [
  '<think>',
  'The user wants add. Maybe:',
  '```python',
  'def add(a, b):',
  '    return a - b',
  '```',
  'No, that subtracts.',
  '</think>',
  '',
  '```python',
  FUNCTION,
  '```',
].join('\n');

describe('extractCode in study mode: the study’s own rules', () => {
  it('finds no block in a reply cut off inside its fence, and starts at the first def, dropping the import', () => {
    expect(locateCode(CUT_OFF, 'study')).toEqual({
      code: CUT_OFF.slice(CUT_OFF.indexOf('def has_close_elements')),
      rule: 'study-from-first-def',
    });
    // Standard mode keeps the import, so the same reply passes there and fails with a NameError here.
    expect(locateCode(CUT_OFF, 'standard')).toMatchObject({ rule: 'unterminated-fence', code: expect.stringMatching(/^from typing import List\n/) });
  });

  it('takes the first ```python or bare block, stripped', () => {
    const reply = `Sure! Here is the function:\n\n\`\`\`python\n${FUNCTION}\n\`\`\`\n\nExample:\n\`\`\`python\nprint(add(1, 2))\n\`\`\``;
    expect(locateCode(reply, 'study')).toEqual({ code: FUNCTION, rule: 'study-fenced-block' });
    expect(locateCode(`\`\`\`\n${FUNCTION}\n\`\`\``, 'study')).toEqual({ code: FUNCTION, rule: 'study-fenced-block' });
  });

  it('does not open a block at ```py: the study then ran everything from the def on, closing fence included', () => {
    const reply = `Here:\n\`\`\`py\n${FUNCTION}\n\`\`\`\n`;
    expect(locateCode(reply, 'study')).toEqual({ code: `${FUNCTION}\n\`\`\``, rule: 'study-from-first-def' });
    expect(locateCode(reply, 'standard')).toEqual({ code: FUNCTION, rule: 'fenced-block' });
  });

  it('reads a closing fence as an opening one when the first fence carries another tag', () => {
    const reply = 'Run:\n```bash\npython add.py\n```\nThen:\n```python\n' + FUNCTION + '\n```';
    // The study's regex matched from the bash block's closing fence to the python block's opening one.
    expect(locateCode(reply, 'study')).toEqual({ code: 'Then:', rule: 'study-fenced-block' });
    expect(extractCode(reply, 'standard')).toBe(FUNCTION);
  });

  it('neither dedents a block indented in a list nor rewrites line ends', () => {
    const listed = '1. Write the function:\n\n   ```python\n   def add(a, b):\n       return a + b\n   ```\n2. Done.';
    expect(extractCode(listed, 'study')).toBe('def add(a, b):\n       return a + b');
    expect(extractCode(`\`\`\`python\r\n${FUNCTION.replace('\n', '\r\n')}\r\n\`\`\``, 'study')).toBe(FUNCTION.replace('\n', '\r\n'));
  });

  it('takes a bare reply whole, from a def on after prose, and even mid-line', () => {
    expect(locateCode(`from typing import List\n\n\n${FUNCTION}\n`, 'study')).toEqual({ code: `from typing import List\n\n\n${FUNCTION}`, rule: 'study-whole-reply' });
    expect(locateCode(`To solve this, iterate.\n\n${FUNCTION}\n`, 'study')).toEqual({ code: FUNCTION, rule: 'study-from-first-def' });
    expect(locateCode('Sure! def f(x): return x', 'study')).toEqual({ code: 'def f(x): return x', rule: 'study-from-first-def' });
    expect(locateCode('Sure! def f(x): return x', 'standard').rule).toBe('fallback');
  });

  it('returns the whole reply, stripped, when there is no code', () => {
    expect(locateCode('  I cannot help with that.  \n', 'study')).toEqual({ code: 'I cannot help with that.', rule: 'study-fallback' });
    expect(locateCode('The value is undefined here.', 'study').rule).toBe('study-fallback');
  });
});

describe('thinking, in both modes', () => {
  it('is removed before extraction, so the answer is run and not the draft inside the thinking', () => {
    expect(locateCode(THINKING, 'standard')).toEqual({ code: FUNCTION, rule: 'fenced-block', thinkingRemoved: true });
    expect(locateCode(THINKING, 'study')).toEqual({ code: FUNCTION, rule: 'study-fenced-block', thinkingRemoved: true });
  });

  it('removes every complete block of the three shapes the study knew', () => {
    const reply = `<think>a</think><|channel>thought\nb<channel|><reasoning>\n\`\`\`python\ndef add(a, b):\n    return 0\n\`\`\`\n</reasoning>\n${FUNCTION}\n<think>c</think>`;
    for (const mode of ['standard', 'study'] as const) expect(locateCode(reply, mode)).toMatchObject({ code: FUNCTION, thinkingRemoved: true });
  });

  it('leaves a block that never closed (cut off while thinking), as the study did: its draft is the code', () => {
    const cut = '<think>\nMaybe:\n```python\ndef add(a, b):\n    return a - b\n```\nNo, wait';
    for (const mode of ['standard', 'study'] as const) {
      const found = locateCode(cut, mode);
      expect(found.code).toBe('def add(a, b):\n    return a - b');
      expect(found).not.toHaveProperty('thinkingRemoved');
    }
  });

  it('marks nothing when there was no thinking', () => {
    expect(locateCode(`\`\`\`python\n${FUNCTION}\n\`\`\``, 'study')).not.toHaveProperty('thinkingRemoved');
  });
});
