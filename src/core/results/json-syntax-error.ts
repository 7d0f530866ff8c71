/**
 * Where a JSON text first stops being JSON, for error messages ("line 3, column 14").
 *
 * Engines disagree on what `JSON.parse` says: V8 gives a position for some errors and only a
 * quoted snippet for others, Firefox gives line and column, Safari neither. This scanner runs
 * only after `JSON.parse` has failed and gives the same answer everywhere. It checks syntax only,
 * builds nothing, and keeps its own stack, so a hostile file nested a million levels deep cannot
 * overflow the call stack.
 */

export interface JsonSyntaxErrorPlace {
  /** Offset in UTF-16 code units; `text.length` when the text ends too early. */
  offset: number;
  /** 1-based. */
  line: number;
  column: number;
  /** The text ended before the JSON value did (a truncated file). */
  atEnd: boolean;
  /**
   * The member the error is in, as keys and indices from the outermost value (`units`, 3,
   * `trajectory`): a file written on one line says "line 1" for any error, and this names the
   * unit. Empty at the outermost level.
   */
  path: (string | number)[];
}

type Expecting = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'comma-or-close' | 'end';

/** The first offset where `text` is not valid JSON, or null when it is valid. */
export function locateJsonSyntaxError(text: string): JsonSyntaxErrorPlace | null {
  const found = firstError(text);
  return found === null ? null : { offset: found.offset, ...lineAndColumn(text, found.offset), atEnd: found.offset >= text.length, path: found.path };
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function firstError(text: string): { offset: number; path: (string | number)[] } | null {
  const n = text.length;
  const stack: string[] = [];
  // Beside the stack: each open container's current key (null before the first) or index.
  const members: (string | number | null)[] = [];
  let expecting: Expecting = 'value';
  let i = 0;
  const afterValue = (): Expecting => (stack.length === 0 ? 'end' : 'comma-or-close');
  // The member the scanner is in or just after; a container's key before its first is left out.
  const at = (offset: number) => ({ offset, path: members.filter((m): m is string | number => m !== null) });
  const open = (c: string) => {
    stack.push(c);
    members.push(c === '[' ? 0 : null);
  };
  const close = () => {
    stack.pop();
    members.pop();
  };

  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) return expecting === 'end' ? null : at(n);
    const c = text[i];
    switch (expecting) {
      case 'end':
        return at(i);
      case 'comma-or-close': {
        const container = stack[stack.length - 1];
        if (c === ',') {
          i++;
          // The next element's index; an object's next key is not known until it is read.
          members[members.length - 1] = container === '[' ? (members[members.length - 1] as number) + 1 : null;
          expecting = container === '{' ? 'key' : 'value';
        } else if ((container === '{' && c === '}') || (container === '[' && c === ']')) {
          close();
          i++;
          expecting = afterValue();
        } else {
          return at(i);
        }
        break;
      }
      case 'key':
      case 'key-or-close': {
        if (expecting === 'key-or-close' && c === '}') {
          close();
          i++;
          expecting = afterValue();
          break;
        }
        if (c !== '"') return at(i);
        const end = scanString(text, i);
        if (end < 0) return at(-end - 1);
        const key = text.slice(i + 1, end - 1);
        members[members.length - 1] = key.includes('\\') ? (JSON.parse(`"${key}"`) as string) : key;
        i = end;
        while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
        if (i >= n || text[i] !== ':') return at(i);
        i++;
        expecting = 'value';
        break;
      }
      case 'value':
      case 'value-or-close': {
        if (expecting === 'value-or-close' && c === ']') {
          close();
          i++;
          expecting = afterValue();
          break;
        }
        if (c === '{' || c === '[') {
          open(c);
          i++;
          expecting = c === '{' ? 'key-or-close' : 'value-or-close';
          break;
        }
        const end = c === '"' ? scanString(text, i) : c === '-' || isDigit(c) ? scanNumber(text, i) : scanLiteral(text, i);
        if (end < 0) return at(-end - 1);
        i = end;
        expecting = afterValue();
        break;
      }
    }
  }
}

// The scanners return the offset just past the token, or -(error offset) - 1.

function scanString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return -i - 1;
    if (code !== 0x5c) continue;
    i++;
    const escape = text[i];
    if (escape === undefined) return -i - 1;
    if (escape === 'u') {
      for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return -(i + k) - 1;
      i += 4;
    } else if (!'"\\/bfnrt'.includes(escape)) {
      return -i - 1;
    }
  }
  return -text.length - 1;
}

function scanNumber(text: string, start: number): number {
  let i = start;
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (isDigit(text[i])) while (isDigit(text[i])) i++;
  else return -i - 1;
  if (text[i] === '.') {
    i++;
    if (!isDigit(text[i])) return -i - 1;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) return -i - 1;
    while (isDigit(text[i])) i++;
  }
  return i;
}

function scanLiteral(text: string, start: number): number {
  const word = text[start] === 't' ? 'true' : text[start] === 'f' ? 'false' : text[start] === 'n' ? 'null' : null;
  if (word === null) return -start - 1;
  for (let k = 1; k < word.length; k++) if (text[start + k] !== word[k]) return -(start + k) - 1;
  return start + word.length;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
