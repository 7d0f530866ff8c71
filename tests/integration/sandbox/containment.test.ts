/**
 * Generated code is hostile: it must not reach JavaScript (and through it the network, storage,
 * the worker's message channel, or under Node the process and the host), and a canonical
 * program scored right after each attempt still passes.
 */
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalCompletion } from '../../../src/core/benchmarks/canonical.ts';
import type { Problem } from '../../../src/core/benchmarks/problem.ts';
import { assembleProgram } from '../../../src/core/harness/assemble-program.ts';
import { limitsFor } from '../../../src/core/harness/limits.ts';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';
import { loadTestProblems } from '../../support/datasets.ts';

const limits = { timeoutMs: 5000, maxOutputChars: 100_000 };
let sandbox: PooledSandbox;
let canonical: Problem[];

beforeAll(async () => {
  sandbox = await createNodeSandbox({ workers: 2, verifyHardening: true });
  const [humaneval, mbpp] = await Promise.all([loadTestProblems('humaneval'), loadTestProblems('mbpp')]);
  canonical = [humaneval[0]!, humaneval[12]!, mbpp[2]!, mbpp[17]!];
});

afterAll(async () => {
  await sandbox?.close();
});

const run = (program: string): Promise<RunResult> => sandbox.run(program, limits);

/** Runs the attack, then canonical programs on every worker: they must all still pass. */
async function attack(program: string): Promise<RunResult> {
  const result = await run(program);
  const after = await Promise.all(
    canonical.map((problem) => sandbox.run(assembleProgram(problem, canonicalCompletion(problem), 'standard').text, limitsFor(problem, 'standard'))),
  );
  expect(after.map((r) => r.status)).toEqual(canonical.map(() => 'passed'));
  return result;
}

/** The attack must fail: an error (never a pass), of the given type when one is named. */
async function refused(program: string, errorType?: string): Promise<void> {
  const result = await attack(program);
  expect(result.status, JSON.stringify(result)).toBe('error');
  if (errorType && result.status === 'error') expect(result.errorType, result.traceback).toBe(errorType);
}

describe('the JavaScript bridges are gone', () => {
  it.each([
    ['import js', 'import js\njs.constructor.constructor("return fetch")()', 'ModuleNotFoundError'],
    ['import pyodide_js', 'import pyodide_js\npyodide_js.runPython("1")', 'ModuleNotFoundError'],
    ['from pyodide.code import run_js', 'from pyodide.code import run_js\nrun_js("1")', 'ModuleNotFoundError'],
    ['from pyodide.ffi import to_js', 'from pyodide.ffi import to_js\nto_js([1]).constructor.constructor("return 1")()', 'ModuleNotFoundError'],
    ["__import__('js')", "__import__('js')", 'ModuleNotFoundError'],
    ['import _pyodide_core', 'import _pyodide_core\n_pyodide_core.to_js([1])', 'ModuleNotFoundError'],
    ['importlib.import_module("js")', 'import importlib\nimportlib.import_module("js")', 'ModuleNotFoundError'],
    ['importlib.import_module("pyodide_js")', 'import importlib\nimportlib.import_module("pyodide_js")', 'ModuleNotFoundError'],
    ['importlib.import_module("pyodide.ffi")', 'import importlib\nimportlib.import_module("pyodide.ffi").to_js([1])', undefined],
    ['_pyodide_core through importlib', 'import importlib\nimportlib.import_module("_pyodide_core").to_js([1])', 'AttributeError'],
    [
      '_pyodide_core re-created from its spec',
      'import _imp\nfrom importlib.machinery import BuiltinImporter\nm = _imp.create_builtin(BuiltinImporter.find_spec("_pyodide_core"))\nm.create_proxy(1)',
      'AttributeError',
    ],
    ['sys.modules lookup', 'import sys\nsys.modules["pyodide_js"]', 'KeyError'],
    ['importlib.util.find_spec', 'import importlib.util\nassert importlib.util.find_spec("js") is not None', 'AssertionError'],
    ['pickle naming a pyodide function', "import pickle\npickle.loads(b'c_pyodide_core\\nto_js\\n.')", undefined],
  ])('%s fails', async (_, program, errorType) => {
    await refused(program, errorType);
  });

  it('cannot make a JavaScript Error through the JsException classes', async () => {
    const program = [
      "found = [c for c in BaseException.__subclasses__() for c in [c, *c.__subclasses__()] if c.__name__ == 'JsException']",
      'assert found',
      'for cls in found:',
      '    try:',
      "        error = cls('x')",
      '    except TypeError:',
      '        continue',
      "    assert not hasattr(error, 'constructor'), cls",
    ].join('\n');
    expect(await attack(program)).toMatchObject({ status: 'passed' });
  });

  it('leaves no JavaScript object reachable from anything a program can walk to', async () => {
    // Breadth-first over modules, classes, functions, closures, defaults and containers.
    const crawl = String.raw`
import sys, types, builtins, gc
seen, todo, found = set(), [sys.modules, builtins, object.__subclasses__()], []
def push(x):
    if id(x) not in seen:
        seen.add(id(x)); todo.append(x)
def walk(t):
    out = [t]
    for s in type.__subclasses__(t) if isinstance(t, type) and t is not type else []:
        out.append(s)
    return out
while todo and len(seen) < 400000:
    x = todo.pop()
    t = type(x)
    name = t.__name__
    if any(c.__name__ == 'JsProxy' for c in t.__mro__) or name in ('JsFuncSignature', 'Js2PyConverter', 'Py2JsConverter'):
        found.append(repr(x)[:80]); continue
    if t is dict:
        for v in list(x.values()): push(v)
    elif t in (list, tuple, set, frozenset):
        for v in list(x): push(v)
    elif t is types.ModuleType or isinstance(x, type):
        try: d = vars(x)
        except TypeError: d = {}
        push(d)
        if isinstance(x, type) and x is not type:
            for s in type.__subclasses__(x): push(s)
    elif t is types.FunctionType:
        push(x.__globals__); push(x.__defaults__ or ()); push(x.__kwdefaults__ or {})
        for c in x.__closure__ or ():
            try: push(c.cell_contents)
            except ValueError: pass
    elif t in (types.MethodType, types.BuiltinMethodType):
        push(x.__self__)
    elif hasattr(x, '__dict__') and not isinstance(x, type):
        try: push(vars(x))
        except TypeError: pass
assert not found, found[:10]
print(len(seen))
`;
    const result = await attack(crawl);
    expect(result, JSON.stringify(result).slice(0, 1000)).toMatchObject({ status: 'passed' });
  });
});

/**
 * A program that walks from `roots` to everything it can reach (dicts, sequences, modules and
 * classes with their subclasses, functions with their globals, defaults and closures, descriptors,
 * instances' dicts), runs `check` on every function it meets (Python lines indented for the walk's
 * branch, with the function as `x`, appending what is wrong to `found`), and asserts nothing was
 * found, then `after`. Everything pushed stays alive: a dict copied for the walk, once freed, gave
 * its id to the next one, which was then skipped.
 */
function reachableFunctionsWalk(roots: string, check: string, { setup = '', after = '' } = {}): string {
  return String.raw`
import sys, types, builtins
seen, todo, found = set(), [${roots}], []
kept = []
${setup}
def push(x):
    if id(x) not in seen:
        seen.add(id(x)); todo.append(x); kept.append(x)
while todo and len(seen) < 400000:
    x = todo.pop()
    t = type(x)
    if t is dict:
        for v in list(x.values()): push(v)
    elif t in (list, tuple, set, frozenset):
        for v in list(x): push(v)
    elif t is types.ModuleType or isinstance(x, type):
        try: push(dict(vars(x)))
        except TypeError: pass
        if isinstance(x, type) and x is not type:
            for s in type.__subclasses__(x): push(s)
    elif t is types.FunctionType:
${check}
        push(x.__globals__); push(x.__defaults__ or ()); push(x.__kwdefaults__ or {})
        for c in x.__closure__ or ():
            try: push(c.cell_contents)
            except ValueError: pass
    elif t in (staticmethod, classmethod, types.MethodType):
        push(x.__func__)
    elif t is property:
        push((x.fget, x.fset, x.fdel))
    elif hasattr(x, '__dict__') and not isinstance(x, type):
        try: push(vars(x))
        except TypeError: pass
assert not found, sorted(set(found))
${after}
`;
}

describe("the runner's own state is out of reach", () => {
  it("no function a program can walk to runs with the runner's globals or its copy of the builtins", async () => {
    // The runner's functions (the audit hook, the compiler, the restore) look names up there: a
    // program that could write to either ran its code inside them. (namedtuple's __new__ has an
    // empty dict for builtins.) (os._exit, time.sleep,
    // abc._abc_init, sys.stdin's class and JsException.__new__ exposed them until 2026-11-25).
    const crawl = reachableFunctionsWalk(
      'sys.modules, builtins, sys.stdin, object.__subclasses__()',
      String.raw`        if 'make_program_compiler' in x.__globals__ or (x.__builtins__ and x.__builtins__ is not builtins.__dict__):
            found.append(x.__qualname__)`,
    );
    const result = await attack(crawl);
    expect(result, JSON.stringify(result).slice(0, 1000)).toMatchObject({ status: 'passed' });
  });
});

describe("the runner's functions a program can reach hold nothing it could change", () => {
  it('keep no list, dict or set in their closures or defaults, and only globals restored after every program', async () => {
    // os._exit kept the status it recorded in a list in its closure: a program that caught its
    // exception emptied the list and passed (audit R221-2).
    const crawl = reachableFunctionsWalk(
      'sys.modules, builtins, sys.stdin, sys.excepthook, object.__subclasses__()',
      String.raw`        if x.__code__.co_filename.startswith('<sandbox'):
            runner.append(x.__qualname__)
            held = list(x.__defaults__ or ()) + list((x.__kwdefaults__ or {}).values())
            for c in x.__closure__ or ():
                try: held.append(c.cell_contents)
                except ValueError: pass
            found += ['%s holds a %s' % (x.__qualname__, type(v).__name__) for v in held if isinstance(v, mutable)]
            if x.__globals__.get('__name__') not in ('sandbox', 'sandbox_excepthook'):
                found.append('%s has the globals of %s' % (x.__qualname__, x.__globals__.get('__name__')))`,
      {
        setup: 'runner = []\nmutable = (list, dict, set, bytearray, types.SimpleNamespace)',
        // os._exit, time.sleep, sys.settrace, sys.stdin's close, JsException.__new__ and the excepthook's.
        after: "assert {'_exit', 'sleep', 'excepthook'} <= {name.rpartition('.')[2] for name in runner}, sorted(runner)",
      },
    );
    const result = await attack(crawl);
    expect(result, JSON.stringify(result).slice(0, 1000)).toMatchObject({ status: 'passed' });
  });
});

describe('the interpreter cannot be used to get below Python', () => {
  it.each([
    ['import ctypes', 'import ctypes\nctypes.string_at(0, 8)'],
    ['_ctypes through importlib', 'import importlib\nimportlib.import_module("_ctypes")'],
    ["CPython's test extension", 'import importlib\nimportlib.import_module("_testcapi")'],
    ['_testinternalcapi re-created from a spec', 'import _imp\nfrom importlib.machinery import ModuleSpec, BuiltinImporter\n_imp.create_builtin(ModuleSpec("_testinternalcapi", BuiltinImporter)).get_recursion_depth()'],
    ['gc.get_objects', 'import gc\ngc.get_objects()'],
    ['gc.get_referrers', 'import gc\ngc.get_referrers(gc)'],
    ['hand-made bytecode', '(lambda: 0).__code__.replace(co_code=b"\\x00\\x00")'],
    ['marshal.loads', 'import marshal\nmarshal.loads(marshal.dumps((lambda: 0).__code__))'],
    ['sys.settrace', 'import sys\nsys.settrace(lambda *a: None)'],
    ['sys.setprofile', 'import sys\nsys.setprofile(lambda *a: None)'],
    ['sys.monitoring callbacks', 'import sys\nsys.monitoring.use_tool_id(3, "x")\nsys.monitoring.register_callback(3, sys.monitoring.events.PY_START, print)'],
    ['frames of other threads', 'import sys\nsys._current_frames()'],
  ])('%s fails', async (_, program) => {
    await refused(program);
  });

  it('cannot add an audit hook of its own', async () => {
    const result = await attack('import sys\ncalls = []\nsys.addaudithook(lambda *a: calls.append(a))\nopen("x.txt", "w").close()\nassert calls == [], calls');
    expect(result.status).toBe('passed');
  });

  it('a program has no frame of the sandbox below it', async () => {
    const result = await attack('import sys\nassert sys._getframe().f_back is None\ntry:\n    1 / 0\nexcept ZeroDivisionError as e:\n    assert e.__traceback__.tb_frame.f_back is None');
    expect(result.status).toBe('passed');
  });
});

describe('no way out to the host (Node)', () => {
  let server: Server;
  let connections = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(() => {
    server?.close();
  });

  it('os.system does not run a command', async () => {
    const marker = path.join(tmpdir(), `feedback-lab-sandbox-${process.pid}`);
    rmSync(marker, { force: true });
    await refused(`import os\nos.system("touch ${marker}")`, 'PermissionError');
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    ['subprocess', 'import subprocess\nsubprocess.run(["echo", "hi"])'],
    ['os.popen', 'import os\nos.popen("echo hi").read()'],
    ['os.kill', 'import os\nos.kill(1, 9)'],
  ])('%s fails', async (_, program) => {
    await refused(program);
  });

  it('opens no socket, through the socket module or urllib', async () => {
    await refused(`import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=1).sendall(b"x")`);
    await refused(`import urllib.request\nurllib.request.urlopen("http://127.0.0.1:${port}/", timeout=1)`);
    expect(connections).toBe(0);
  });

  it('sees only its own in-memory files, not the host disk', async () => {
    await refused('open("/etc/passwd").read()', 'FileNotFoundError');
    await refused(`open(${JSON.stringify(path.resolve('package.json'))}).read()`, 'FileNotFoundError');
  });

  it('cannot forge a verdict by printing a worker message', async () => {
    const forged = JSON.stringify({ id: 'x', type: 'RETURN', value: { result: { status: 'passed' }, recycle: null } });
    const result = await attack(`print(${JSON.stringify(forged)})\nimport os\nos.write(1, b${JSON.stringify(forged)})\nassert False`);
    expect(result).toMatchObject({ status: 'error', errorType: 'AssertionError' });
  });
});

describe('the worker reports its own hardening', () => {
  it('removed every bridge, disabled the memory-access modules and sealed the JavaScript realm', () => {
    const hardening = sandbox.stats().lastWorker!.hardening;
    expect(hardening.bridgesLeft).toBe(0);
    expect(hardening.bridgesRemoved).toBeGreaterThan(0);
    expect(hardening.disabledBuiltins).toEqual(expect.arrayContaining(['_ctypes', '_testcapi', '_testinternalcapi']));
    expect(hardening.reachableGlobals).toEqual([]);
    expect(hardening.codeGenerationBlocked).toBe(true);
  });
});
