/**
 * Reading CPython's exception text: the message after the (possibly qualified) type, frames of
 * the sandbox's own code cut, and long tracebacks kept at both ends.
 */
import { describe, expect, it } from 'vitest';
import { clipTraceback, dropFrames, exceptionMessage, MAX_TRACEBACK_CHARS } from '../../../src/sandbox/exception-text.ts';

describe('exception text', () => {
  it('reads the message after the type, empty when there is none', () => {
    expect(exceptionMessage('Traceback (most recent call last):\n  File "program.py", line 1, in <module>\nValueError: bad value\n', 'ValueError')).toBe('bad value');
    expect(exceptionMessage('Traceback (most recent call last):\n  File "program.py", line 1, in <module>\nAssertionError\n', 'AssertionError')).toBe('');
  });

  it('keeps a message that runs over several lines, and finds a qualified type name', () => {
    expect(exceptionMessage('Traceback:\nmodule.CustomError: first\nsecond\n', 'CustomError')).toBe('first\nsecond');
  });

  it('reads the message after a type name too long for a regular expression', () => {
    // A class named with a million characters made the pattern built from its name throw.
    const name = 'E'.repeat(1_000_000);
    expect(exceptionMessage(`Traceback (most recent call last):\n  File "program.py", line 1, in <module>\nmodule.${name}: x\n`, name)).toBe('x');
    expect(exceptionMessage(`${name}Error: not this\n${name}\n`, name)).toBe('');
    // A last line of a million name characters, each a place the name could start: one pass.
    expect(exceptionMessage(`x: a\n${'x.'.repeat(500_000)}y\n`, 'x').startsWith('a\nx.x.')).toBe(true);
  });

  it('reads the type as CPython prints it: alone, qualified, or followed by a colon only', () => {
    expect(exceptionMessage('ValueErrorX: no\nValueError:x\n', 'ValueError')).toBe('x');
    expect(exceptionMessage('a.b.ValueError: y\n', 'ValueError')).toBe('y');
    expect(exceptionMessage('.ValueError: y\n', 'ValueError')).toBe('');
    expect(exceptionMessage('a b.ValueError: y\nz', 'ValueError')).toBe('');
    expect(exceptionMessage('x.y: p\n', 'x.y')).toBe('p');
    expect(exceptionMessage('ValueError: a\nValueError: b\nmore\n', 'ValueError')).toBe('b\nmore');
  });

  it('reads a NameError or AttributeError as str() has it, without the hint the traceback adds', () => {
    const tail = (line: string) => `Traceback (most recent call last):\n  File "program.py", line 1, in <module>\n${line}\n`;
    expect(exceptionMessage(tail("NameError: name 'List' is not defined. Did you mean: 'list'?"), 'NameError')).toBe("name 'List' is not defined");
    expect(exceptionMessage(tail("NameError: name 'math' is not defined. Did you forget to import 'math'?"), 'NameError')).toBe("name 'math' is not defined");
    expect(exceptionMessage(tail("AttributeError: 'list' object has no attribute 'add'. Did you mean: 'append'?"), 'AttributeError')).toBe("'list' object has no attribute 'add'");
    // Other types keep their text whole: the hint is only ever added to these.
    expect(exceptionMessage(tail("AssertionError: x. Did you mean: 'y'?"), 'AssertionError')).toBe("x. Did you mean: 'y'?");
  });

  it("cuts the sandbox's own frames with their source lines, and nothing else", () => {
    const traceback = [
      'Traceback (most recent call last):',
      '  File "program.py", line 1, in <module>',
      '    import js',
      '  File "<sandbox>", line 198, in audit',
      '    raise ModuleNotFoundError(name)',
      "ModuleNotFoundError: No module named 'js'",
      '',
    ].join('\n');
    expect(dropFrames(traceback, '<sandbox>')).toBe(
      "Traceback (most recent call last):\n  File \"program.py\", line 1, in <module>\n    import js\nModuleNotFoundError: No module named 'js'\n",
    );
  });

  it('keeps both ends of a traceback that is too long to store', () => {
    const long = `start\n${'x'.repeat(3 * MAX_TRACEBACK_CHARS)}\nValueError: end`;
    const clipped = clipTraceback(long);
    expect(clipped.length).toBeLessThan(MAX_TRACEBACK_CHARS + 100);
    expect(clipped.startsWith('start')).toBe(true);
    expect(clipped.endsWith('ValueError: end')).toBe(true);
  });
});
