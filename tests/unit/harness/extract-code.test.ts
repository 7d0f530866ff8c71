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
