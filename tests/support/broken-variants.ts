/**
 * A corpus of deliberately broken samples built from the canonical solutions of HumanEval and
 * MBPP: stubs, syntax and name errors, hangs, exits, runaway recursion, memory bombs, print
 * floods, and small operator/constant mutants. The agreement test and the throughput bench run
 * it through both the Pyodide sandbox and the CPython reference runner; a mutant that happens to
 * stay correct is fine, the two runners only have to agree about it.
 *
 * Deterministic: the same problems and seed always give the same variants in the same order.
 */
import type { Problem } from '../../src/core/benchmarks/problem.ts';
import { createRng, shuffled, type Rng } from '../../src/core/random.ts';

export const BREAK_KINDS = [
  'stub-pass',
  'stub-return-none',
  'syntax-error',
  'name-error',
  'infinite-loop',
  'sleep',
  'c-level-loop',
  'sys-exit',
  'exit',
  'quit',
  'os-exit',
  'recursion',
  'recursion-through-c',
  'deep-recursion',
  'memory-list',
  'memory-string',
  'memory-growing',
  'print-flood',
  'mutant-arithmetic',
  'mutant-comparison',
  'mutant-equality',
  'mutant-boolean',
  'mutant-constant',
  // Last, so that adding them left every earlier kind's draws (and the mutants) as they were.
  'main-guard-exit',
  'stdin-read',
] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];

/** Kinds that end at the time limit: each costs a full timeout, so the corpus keeps them few. */
export const TIMEOUT_KINDS: readonly BreakKind[] = ['infinite-loop', 'sleep', 'c-level-loop'];

export interface BrokenVariant {
  /** Unique within a corpus: `<task id>#<kind>`. */
  key: string;
  taskId: string;
  /** A samples-file completion: a function body for HumanEval, a whole program for MBPP. */
  completion: string;
  kind: BreakKind;
}

/**
 * How many problems of each kind, split evenly between the benchmarks present. The defaults
 * give about 600 variants with 20 that hang by design (mutants add a few more): enough to cover
 * each ending several times while keeping a two-worker run of both runners within minutes.
 */
export const DEFAULT_KIND_COUNTS: Readonly<Record<BreakKind, number>> = {
  'stub-pass': 20,
  'stub-return-none': 20,
  'syntax-error': 25,
  'name-error': 25,
  'infinite-loop': 10,
  sleep: 6,
  'c-level-loop': 4,
  'sys-exit': 10,
  // Exits, recursion and memory bombs cost the sandbox a fresh interpreter each (seconds of
  // start-up), so a handful of each is enough to cover them.
  exit: 4,
  quit: 4,
  'os-exit': 4,
  recursion: 6,
  'recursion-through-c': 4,
  'deep-recursion': 4,
  'memory-list': 2,
  'memory-string': 2,
  'memory-growing': 2,
  'print-flood': 10,
  'mutant-arithmetic': 90,
  'mutant-comparison': 90,
  'mutant-equality': 80,
  'mutant-boolean': 60,
  'mutant-constant': 110,
  // Standard mode runs a program as openai/human-eval does, exec(program, {}): a main guard's
  // block never runs (this one would fail it), and reading standard input raises OSError.
  'main-guard-exit': 6,
  'stdin-read': 4,
};

export interface BrokenVariantOptions {
  seed?: number;
  counts?: Partial<Record<BreakKind, number>>;
}

export function generateBrokenVariants(problems: readonly Problem[], options: BrokenVariantOptions = {}): BrokenVariant[] {
  const rng = createRng(options.seed ?? 20261121);
  const counts = { ...DEFAULT_KIND_COUNTS, ...options.counts };
  const variants: BrokenVariant[] = [];
  for (const kind of BREAK_KINDS) {
    const candidates: BrokenVariant[][] = groupByBenchmark(problems).map((group) =>
      shuffled(group, rng).flatMap((problem) => {
        const completion = breakProblem(problem, kind, rng);
        return completion === null ? [] : [{ key: `${problem.id}#${kind}`, taskId: problem.id, completion, kind }];
      }),
    );
    variants.push(...takeRoundRobin(candidates, counts[kind]));
  }
  return variants;
}

/** The broken completion, or null when the kind does not apply (no operator to mutate). */
function breakProblem(problem: Problem, kind: BreakKind, rng: Rng): string | null {
  if (kind.startsWith('mutant-')) {
    const mutated = mutate(problem.canonicalSolution, kind as MutantKind, rng);
    return mutated === problem.canonicalSolution ? null : mutated;
  }
  if (kind === 'syntax-error') return problem.canonicalSolution + SYNTAX_ERRORS[problem.number % SYNTAX_ERRORS.length];
  if (kind === 'main-guard-exit') return `${problem.canonicalSolution}\n\nif __name__ == '__main__':\n    import sys\n    sys.exit(1)\n`;
  const body = BODIES[kind as keyof typeof BODIES];
  // A HumanEval completion continues the prompt's function; an MBPP one defines it itself.
  return problem.benchmark === 'humaneval' ? indent(body) : `def ${problem.entryPoint}(*args, **kwargs):\n${indent(body)}`;
}

/** Appended after the canonical solution at column 0, so they break any program they end. */
const SYNTAX_ERRORS = ['\ndef broken(:\n    pass\n', '\nresult = (1, 2\n', "\nprint('unterminated)\n", '\nx = = 1\n'];

const BODIES = {
  'stub-pass': 'pass',
  'stub-return-none': 'return None',
  'name-error': 'return helper_that_was_never_written(*args)',
  'infinite-loop': 'while True:\n    pass',
  sleep: 'import time\ntime.sleep(10**9)',
  // Python-level interrupts cannot stop this: only killing the interpreter does.
  'c-level-loop': 'return sum(range(10**15))',
  'sys-exit': 'import sys\nsys.exit(0)',
  exit: 'exit()',
  quit: 'quit()',
  'os-exit': 'import os\nos._exit(0)',
  recursion: 'def again(n):\n    return again(n + 1)\nreturn again(0)',
  'recursion-through-c': 'import functools\n@functools.lru_cache(maxsize=None)\ndef again(n):\n    return again(n + 1)\nreturn again(0)',
  // A common first line of contest-style code, then a bug: a RecursionError 100,000 frames deep.
  'deep-recursion': 'import sys\nsys.setrecursionlimit(10**5)\ndef again(n):\n    return again(n + 1)\nreturn again(0)',
  // Sizes that fit a 32-bit index (Pyodide is wasm32; 10**10 would be an OverflowError there)
  // but not a 1-2 GB heap.
  'memory-list': 'x = [0] * 10**9\nreturn x',
  'memory-string': "x = 'a' * (2**31 - 1)\nreturn x",
  // Big steps reach any 1-2 GB cap within two appends. Small ones would be slow to fail in
  // Pyodide, whose calloc writes every zero byte (CPython's maps zero pages lazily).
  'memory-growing': 'chunks = []\nwhile True:\n    chunks.append(bytes(10**9))',
  'print-flood': "while True:\n    print('flood ' * 100)",
  'stdin-read': 'import sys\nreturn sys.stdin.read()',
} as const;

function indent(body: string): string {
  return body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
    .concat('\n');
}

// --- operator and constant mutants over a minimal Python tokenizer ---------------------------

type MutantKind = Extract<BreakKind, `mutant-${string}`>;

interface Site {
  start: number;
  end: number;
  replacement: string;
}

/** Replaces one operator or constant, chosen by `rng`, outside strings and comments. */
export function mutate(source: string, kind: MutantKind, rng: Rng): string {
  const sites = codeTokens(source).flatMap((token) => mutationSites(token, kind));
  if (sites.length === 0) return source;
  const site = sites[rng.int(sites.length)] as Site;
  return source.slice(0, site.start) + site.replacement + source.slice(site.end);
}

interface Token {
  text: string;
  start: number;
  /** The characters either side, to tell `->` from `-` and `<<` from `<`. */
  before: string;
  after: string;
}

function mutationSites(token: Token, kind: MutantKind): Site[] {
  const at = (replacement: string): Site[] => [{ start: token.start, end: token.start + token.text.length, replacement }];
  const { text } = token;
  switch (kind) {
    case 'mutant-arithmetic':
      if (text === '+') return at('-');
      if (text === '-' && token.after !== '>') return at('+');
      return [];
    case 'mutant-comparison':
      if (text === '<') return at('<=');
      if (text === '<=') return at('<');
      if (text === '>') return at('>=');
      if (text === '>=') return at('>');
      return [];
    case 'mutant-equality':
      if (text === '==') return at('!=');
      if (text === '!=') return at('==');
      return [];
    case 'mutant-boolean':
      if (text === 'and') return at('or');
      if (text === 'or') return at('and');
      return [];
    case 'mutant-constant':
      if (!/^\d+$/.test(text)) return [];
      if (text === '0') return at('1');
      if (text === '1') return at('0');
      return at(String(BigInt(text) + 1n));
    default: {
      const unknown: never = kind;
      throw new Error(`unknown mutant kind ${String(unknown)}`);
    }
  }
}

const OPERATORS = ['**=', '//=', '>>=', '<<=', '->', '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', ':='];

/**
 * Splits Python source into words, numbers and operators, dropping strings and comments: enough
 * to find mutation sites, not a full tokenizer (f-string expressions count as string).
 */
function codeTokens(source: string): Token[] {
  const tokens: Token[] = [];
  const push = (text: string, start: number) =>
    tokens.push({ text, start, before: source[start - 1] ?? '', after: source[start + text.length] ?? '' });
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const ch = source[i] as string;
    if (ch === '#') {
      const newline = source.indexOf('\n', i);
      i = newline === -1 ? source.length : newline;
      continue;
    }
    const stringStart = /^[rRbBuUfF]{0,2}('''|"""|'|")/.exec(rest);
    if (stringStart && (stringStart[0].length === stringStart[1]!.length || !/\w/.test(source[i - 1] ?? ''))) {
      i = skipString(source, i + stringStart[0].length, stringStart[1] as string);
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(rest);
    if (word) {
      push(word[0], i);
      i += word[0].length;
      continue;
    }
    // Floats, exponents and hex stay whole so that `1e-5` is not mistaken for a subtraction.
    const number = /^(0[xXoObB][\da-fA-F_]+|\d[\d_]*(\.\d*)?([eE][+-]?\d+)?[jJ]?|\.\d+([eE][+-]?\d+)?)/.exec(rest);
    if (number) {
      push(number[0], i);
      i += number[0].length;
      continue;
    }
    const operator = OPERATORS.find((op) => rest.startsWith(op));
    if (operator) {
      push(operator, i);
      i += operator.length;
      continue;
    }
    if (!/\s/.test(ch)) push(ch, i);
    i += 1;
  }
  return tokens;
}

function skipString(source: string, from: number, quote: string): number {
  let i = from;
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source.startsWith(quote, i)) return i + quote.length;
    else if (quote.length === 1 && source[i] === '\n') return i;
    else i += 1;
  }
  return i;
}

// --- deterministic selection -------------------------------------------------------------------

function groupByBenchmark(problems: readonly Problem[]): Problem[][] {
  const groups = new Map<string, Problem[]>();
  for (const problem of problems) {
    const group = groups.get(problem.benchmark) ?? [];
    group.push(problem);
    groups.set(problem.benchmark, group);
  }
  return [...groups.values()];
}

function takeRoundRobin<T>(lists: T[][], count: number): T[] {
  const taken: T[] = [];
  for (let round = 0; taken.length < count && lists.some((list) => round < list.length); round++) {
    for (const list of lists) {
      const item = list[round];
      if (item !== undefined && taken.length < count) taken.push(item);
    }
  }
  return taken;
}
