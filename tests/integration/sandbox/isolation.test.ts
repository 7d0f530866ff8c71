/**
 * One program must not change the next one's verdict. Each case poisons the interpreter the
 * way a program can, then runs a probe on the same worker (the sandbox has one): the probe must
 * get the verdict it gets in a fresh interpreter. Cheap damage is undone in place; damage that
 * cannot be undone cheaply gets the worker replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/core/harness/outcome.ts';
import { createNodeSandbox } from '../../../src/sandbox/node-sandbox.ts';
import type { PooledSandbox } from '../../../src/sandbox/pool.ts';
import {
  ABC_CACHE_POISON,
  ABC_PROBE,
  ABC_SURVIVOR,
  ANNOTATED_FAILURE,
  AUDIT_POLICY_POISON,
  CODEC_CACHE_POISON,
  DESCRIPTOR_REINIT,
  FAILING_ASSERT,
  LOCKS_LEFT_HELD,
  LOCKS_PROBE,
  LOGGING_LOCK_STOLEN,
  LOGGING_PROBE,
  PROPERTY_PROBE,
  PROPERTY_REINIT,
  RUNNER_GLOBALS_POISON,
  STDERR_REINIT,
  STDIN_REINIT,
  TRACEBACK_PROPERTY_REINIT,
  TYPING_CACHE_POISON,
} from '../../support/isolation-attacks.ts';

const limits = { timeoutMs: 2000, maxOutputChars: 100_000 };

/** Defines `cells()`: the filled closure cells of the functions in a few standard modules. */
const CLOSURES = `import types, typing, functools, dataclasses, enum
def cells():
    found = []
    for module in (typing, functools, dataclasses, enum):
        for value in vars(module).values():
            if type(value) is types.FunctionType:
                for cell in value.__closure__ or ():
                    try:
                        cell.cell_contents
                    except ValueError:
                        continue
                    found.append(cell)
    assert found
    return found
`;
/**
 * HumanEval/0's canonical solution. Its `List[float]` annotation is evaluated at the `def`,
 * through typing's lru_cache.
 */
const HAS_CLOSE_ELEMENTS = `from typing import List
def has_close_elements(numbers: List[float], threshold: float) -> bool:
    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2:
                distance = abs(elem - elem2)
                if distance < threshold:
                    return True
    return False
assert has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True
assert has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False`;

/** 60,000 newlines: 60,000 characters, within the limit; as \r\n, 120,000, past it. */
const NEAR_OUTPUT_LIMIT = `print('\\n' * 59999)`;

let sandbox: PooledSandbox;

beforeAll(async () => {
  sandbox = await createNodeSandbox({ workers: 1, graceMs: 1000 });
});

afterAll(async () => {
  await sandbox?.close();
});

/** Raised uncaught: the sandbox's excepthook calls its __str__, which finds the hook's globals up the stack. */
const EVIL_STR = `import sys
class Evil(Exception):
    def __str__(self):
        frame = sys._getframe(1)
        while frame is not None and 'cut_middle' not in frame.f_globals:
            frame = frame.f_back
        assert frame is not None, 'no excepthook frame above __str__'
        frame.f_globals['format_exception'] = lambda *args: ['forged\\n']
        frame.f_globals['LONGEST'] = 0
        return 'evil'
raise Evil()`;

/** A reference cycle with a finalizer that patches builtins, left for the collector. */
const FROZEN_CYCLE = `class Late:
    def __del__(self):
        import builtins
        builtins.sorted = lambda *a, **k: []
late = Late()
late.me = late
del late
`;

const run = (program: string): Promise<RunResult> => sandbox.run(program, limits);

/** Runs `poison`, then `probe`; returns the probe's result and whether the worker was replaced. */
async function after(poison: string, probe: string): Promise<{ probe: RunResult; replaced: boolean }> {
  const before = sandbox.stats().respawns;
  await run(poison);
  const result = await run(probe);
  return { probe: result, replaced: sandbox.stats().respawns > before };
}

async function expectUndone(poison: string, probe: string): Promise<void> {
  const { probe: result, replaced } = await after(poison, probe);
  expect(result, JSON.stringify(result).slice(0, 2000)).toMatchObject({ status: 'passed' });
  expect(replaced).toBe(false);
}

describe('undone in place, without replacing the worker', () => {
  it.each([
    ['a poisoned builtin', 'import builtins\nbuiltins.len = lambda x: 0', 'assert len([1, 2, 3]) == 3'],
    ['a deleted builtin', 'import builtins\ndel builtins.print', 'print("still here")'],
    ['a replaced exception class', 'import builtins\nbuiltins.AssertionError = ZeroDivisionError', 'try:\n    assert False\nexcept AssertionError:\n    pass'],
    ['a fake module in sys.modules', 'import sys, types\nsys.modules["math"] = types.SimpleNamespace(sqrt=lambda x: 0)', 'import math\nassert math.sqrt(16) == 4'],
    ['a patched module function', 'import math\nmath.sqrt = lambda x: 0', 'import math\nassert math.sqrt(16) == 4'],
    ['a patched module, reached through a function', 'import random\nrandom.shuffle.__globals__["randint"] = lambda a, b: a', 'import random\nassert len({random.randint(0, 10**9) for _ in range(20)}) > 1'],
    ['leftover globals', 'x = 42\nimport __main__\n__main__.y = 1', "assert 'x' not in globals()\nimport __main__\nassert not hasattr(__main__, 'y')"],
    ['a new module left in sys.modules', 'import sys, types\nsys.modules["helper"] = types.ModuleType("helper")', 'import sys\nassert "helper" not in sys.modules'],
    ['a lowered recursion limit', 'import sys\nsys.setrecursionlimit(50)', 'def f(n):\n    return 0 if n == 0 else f(n - 1) + 1\nassert f(300) == 300'],
    ['a replaced sys.stdout', 'import sys, io\nsys.stdout = io.StringIO()', 'print("visible")\nimport sys\nassert sys.stdout is sys.__stdout__'],
    ['a file in the working directory', 'open("leftover.txt", "w").write("x")', 'import os\nassert not os.path.exists("leftover.txt")\nassert os.listdir(".") == []'],
    ['a file in /tmp', 'open("/tmp/leftover.txt", "w").write("x")', 'import os\nassert not os.path.exists("/tmp/leftover.txt")'],
    ['an ignored SIGINT', 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)', 'import signal\nassert signal.getsignal(signal.SIGINT) is signal.default_int_handler'],
    ['a fixed random seed', 'import random\nrandom.seed(0)', 'import random\nassert random.random() != 0.8444218515250481'],
    ['a narrow decimal context', 'import decimal\ndecimal.getcontext().prec = 3', 'from decimal import Decimal\nassert len(str(Decimal(1) / Decimal(3))) > 20'],
    ['warnings turned into errors', 'import warnings\nwarnings.simplefilter("error")', 'import warnings\nwarnings.warn("harmless")'],
    ['an environment variable', 'import os\nos.environ["POISON"] = "1"', 'import os\nassert "POISON" not in os.environ'],
    ['a changed sys.path', 'import sys\nsys.path.insert(0, "/tmp/elsewhere")\nsys.meta_path.clear()', 'import sys\nassert "/tmp/elsewhere" not in sys.path\nimport fractions'],
    ['a cached regex poisoned', 'import re\nre._cache2.clear()\nre._cache.clear()\nre.compile("a")', 'import re\nassert re.match("a+", "aaa").group() == "aaa"'],
    ['a lowered int string limit', 'import sys\nsys.set_int_max_str_digits(640)', 'assert len(str(10 ** 1000)) == 1001'],
    // Not attacks: namedtuple sets the defaults of the __new__ it has just made for the program
    // (typing.NamedTuple always does, and so does `import doctest`, through pdb): taken for a
    // standard function changed, each replaced the worker, 1.3-2.7 s a program (audit R182).
    ['a typing.NamedTuple class', 'from typing import NamedTuple\nclass P(NamedTuple):\n    a: int\n    b: int = 0\nassert P(1).b == 0', 'from typing import NamedTuple\nclass Q(NamedTuple):\n    a: int\nassert Q(1).a == 1'],
    ['a namedtuple with defaults', "from collections import namedtuple\nP = namedtuple('P', 'x y', defaults=[0])\nassert P(1).y == 0", 'assert 1 + 1 == 2'],
    // Not an attack: Template compiles its pattern onto the class on first use (audit R176).
    ['string.Template used', 'import string\nassert string.Template("$a").substitute(a=1) == "1"', 'import string\nassert string.Template("$b").substitute(b=2) == "2"'],
    ["a lowered csv field size limit, which lives in C", 'import csv\ncsv.field_size_limit(1)', 'import csv, io\nassert list(csv.reader(io.StringIO("ab,c"))) == [["ab", "c"]]'],
    [
      "struct's cache of formats, which lives in C, answering for '<i' with another format",
      'import struct\nclass Twin(str):\n    def __hash__(self):\n        return hash("<i")\n    def __eq__(self, other):\n        return True\nstruct._clearcache()\nstruct.pack(Twin(">q"), 1)',
      'import struct\nassert struct.pack("<i", 1) == b"\\x01\\x00\\x00\\x00"',
    ],
    [
      'a finalizer that poisons builtins after the program',
      'class X:\n    def __del__(self):\n        import builtins\n        builtins.len = lambda x: 0\nx = X()',
      'assert len([1, 2, 3]) == 3',
    ],
    ['an exit hook and a disabled collector', 'import atexit, gc\natexit.register(print, "bye")\ngc.disable()', 'import gc\nassert gc.isenabled()'],
    ['an excepthook', 'import sys\nsys.excepthook = lambda *a: None', 'import sys\nassert sys.excepthook.__module__ == "sandbox_excepthook"'],
    [
      "the traceback printer's globals, from an exception's __str__",
      EVIL_STR,
      'import sys, io\ntry:\n    1 / 0\nexcept ZeroDivisionError as e:\n    error = e\nprinted, sys.stderr = io.StringIO(), io.StringIO()\n' +
        'sys.stderr = printed\nsys.excepthook(type(error), error, error.__traceback__)\nsys.stderr = sys.__stderr__\n' +
        "assert 'ZeroDivisionError: division by zero' in printed.getvalue(), printed.getvalue()",
    ],
    ['stdin closed by exit()', 'exit()', 'import sys\nassert not sys.stdin.closed'],
    [
      "a standard function's closure",
      CLOSURES + 'for cell in cells():\n    cell.cell_contents = "poisoned"',
      CLOSURES + 'assert all(cell.cell_contents != "poisoned" for cell in cells())',
    ],
    // The state of standard-library objects, not only module namespaces: instance attributes,
    // module-level tables, the standard streams' configuration and the signal handlers.
    ['a standard stream reconfigured', 'import sys\nsys.stdout.reconfigure(encoding="ascii", errors="strict")', 'print("h\u00e9llo")'],
    ["a standard stream's method replaced", 'import sys\nsys.stdout.write = lambda s: 1 / 0', 'print("visible")'],
    ["a stream buffer's method replaced", 'import sys\nsys.stdout.buffer.write = lambda b: 1 / 0', 'print("visible")\nimport sys\nsys.stdout.flush()'],
    ["random's shared generator patched", 'import random\nrandom._inst._randbelow = lambda n: 0', 'import random\nassert len({random.randint(0, 10**9) for _ in range(20)}) > 1'],
    ["calendar's first weekday, through its own API", 'import calendar\ncalendar.setfirstweekday(calendar.SUNDAY)', 'import calendar\nassert calendar.firstweekday() == 0'],
    ["json's shared encoder", 'import json\njson._default_encoder.item_separator = ";"', 'import json\nassert json.dumps([1, 2]) == "[1, 2]", json.dumps([1, 2])'],
    ["a table of the regex parser", 'import re._parser as p\np.ESCAPES[r"\\n"] = (p.LITERAL, ord("x"))', 'import re\nassert re.fullmatch(r"a\\nb", "a\\nb")'],
    [
      "a standard error handler of the codecs registry",
      'import codecs\ncodecs.register_error("strict", lambda e: ("?", e.end))',
      'try:\n    b"\\xff\\xfe\\x00".decode("utf-16")\nexcept UnicodeDecodeError:\n    pass\nelse:\n    raise AssertionError("no error")',
    ],
    ['a standard descriptor made non-blocking', 'import os\nos.set_blocking(1, False)', 'import os\nassert os.get_blocking(1)'],
    ['a handler for another signal', 'import signal\nsignal.signal(signal.SIGUSR1, lambda *a: 1 / 0)', 'import signal\nassert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL'],
    // The standard library's lists and sets, changed in place: no audit event, no dict written.
    ["a month's length in calendar's table", 'import calendar\ncalendar.mdays[2] = 30', 'import calendar\nassert calendar.monthrange(2023, 2)[1] == 28'],
    ["hashlib's available algorithms emptied", 'import hashlib\nhashlib.algorithms_available.clear()', 'import hashlib\nassert "sha256" in hashlib.algorithms_available'],
    ['a warning option added', 'import sys\nsys.warnoptions.append("error")', 'import sys\nassert "error" not in sys.warnoptions'],
    ["an enum's member names emptied", 'import re\nre.RegexFlag._member_names_.clear()', 'import re\nassert len(list(re.RegexFlag)) > 5'],
    [
      "a lookalike member whose __eq__ patches builtins, which the restore must not call",
      'import calendar\nclass Twin(int):\n    __hash__ = int.__hash__\n    def __eq__(self, other):\n        import builtins\n        builtins.len = lambda x: 0\n        return True\ncalendar.mdays[2] = Twin(28)',
      'import calendar\nassert type(calendar.mdays[2]) is int\nassert len([1, 2, 3]) == 3',
    ],
    [
      "a set member swapped for a lookalike of the same hash",
      'import hashlib\nclass Twin(str):\n    __hash__ = str.__hash__\n    def __eq__(self, other):\n        return True\nhashlib.algorithms_available.discard("sha256")\nhashlib.algorithms_available.add(Twin("sha256"))',
      'import hashlib\nassert all(type(name) is str for name in hashlib.algorithms_available)',
    ],
    [
      "a month's length changed by a finalizer after the program",
      'class Late:\n    def __del__(self):\n        import calendar\n        calendar.mdays[2] = 30\nlate = Late()',
      'import calendar\nassert calendar.monthrange(2023, 2)[1] == 28',
    ],
    // State the interpreter keeps where Python cannot list it (docs/sandbox.md, "What is not contained").
    ["a key planted in typing's alias cache", TYPING_CACHE_POISON, HAS_CLOSE_ELEMENTS],
    ["a codec cached while encodings' own cache was poisoned", CODEC_CACHE_POISON, 'import codecs\nassert codecs.encode("ab", "rot13") == "no"'],
    [
      'a standard class registered with an ABC',
      'import numbers\nnumbers.Number.register(str)',
      'import numbers\nassert [x for x in [1, "a", 2.5] if isinstance(x, numbers.Number)] == [1, 2.5]',
    ],
    [
      'int registered as Iterable',
      'import collections.abc\ncollections.abc.Iterable.register(int)',
      'from collections.abc import Iterable\nassert not isinstance(3, Iterable)\nassert not issubclass(bool, Iterable)',
    ],
    ["a standard stream's newline", 'import sys\nsys.stdout.reconfigure(newline="\\r\\n")', NEAR_OUTPUT_LIMIT],
    // The import system: finders and caches a later import goes through (colorsys is outside the baseline).
    [
      'a finder put first on sys.meta_path that forges a module',
      'import sys, importlib.util\nclass Loader:\n    def create_module(self, spec):\n        return None\n    def exec_module(self, module):\n        module.rgb_to_hsv = lambda *a: "forged"\n' +
        'class Finder:\n    @classmethod\n    def find_spec(cls, name, path=None, target=None):\n        return importlib.util.spec_from_loader(name, Loader()) if name == "colorsys" else None\nsys.meta_path.insert(0, Finder)',
      'import colorsys\nassert colorsys.rgb_to_hsv(1, 0, 0) == (0.0, 1.0, 1)',
    ],
    [
      'a path hook that refuses everything, with the finders it would have made forgotten',
      'import sys\ndef refuse(path):\n    raise ImportError(path)\nsys.path_hooks.insert(0, refuse)\nsys.path_importer_cache.clear()',
      'import colorsys\nassert colorsys.rgb_to_hsv(1, 0, 0) == (0.0, 1.0, 1)',
    ],
    ['every cached finder replaced by None', 'import sys\nfor path in list(sys.path_importer_cache):\n    sys.path_importer_cache[path] = None', 'import colorsys\nassert colorsys.hsv_to_rgb(0, 0, 1) == (1, 1, 1)'],
    // ABCs: registrations and caches that live in C.
    ['int registered as a Sequence', 'import collections.abc\ncollections.abc.Sequence.register(int)', 'from collections.abc import Sequence\nassert not isinstance(3, Sequence)'],
    ['an answer cached by a standard ABC from a lying subclass the program defined', ABC_CACHE_POISON, ABC_PROBE],
    // The runner once learnt of such classes from a hook on abc._abc_init, which one assignment undid.
    ['the same, with abc._abc_init put back to the C function first', 'import abc, _abc\nabc._abc_init = _abc._abc_init\n' + ABC_CACHE_POISON, ABC_PROBE],
    // A script runs in a module of its own, made sys.modules['__main__'] for the run; the restore
    // puts the sandbox's back. A key passing for '__main__' had its __eq__ called there, with the
    // runner's frame below it: this one raised, and the worker was replaced (audit R195-1).
    [
      "a key in sys.modules passing for '__main__', whose __eq__ the restore must not call",
      'import sys\nclass Twin(str):\n    __hash__ = str.__hash__\n    def __eq__(self, other):\n        raise RuntimeError("compared by the restore")\n' +
        'sys.modules[Twin("__main__")] = sys.modules.pop("__main__")',
      'import sys, __main__\nassert sys.modules["__main__"] is __main__ and __main__.__dict__ is globals()\nassert all(type(key) is str for key in sys.modules)',
    ],
    // logging's loggers, one level below what the dicts above reach (audit R195-2).
    [
      'a handler given to the logger of logging.getLogger(__name__)',
      'import logging\nclass Loud(logging.Handler):\n    def emit(self, record):\n        raise SystemExit("an earlier program\'s handler")\nlogging.getLogger(__name__).addHandler(Loud())',
      'import logging\nlog = logging.getLogger(__name__)\nlog.warning("mine")\nassert log.handlers == []',
    ],
    [
      "a level cached by the root logger under basicConfig(level=DEBUG)",
      'import logging\nlogging.basicConfig(level=logging.DEBUG)\nlogging.debug("cached")',
      'import logging\nassert not logging.getLogger().isEnabledFor(logging.DEBUG)',
    ],
    // Finalizers that would run during a later program.
    // Locks the standard library takes, left held by the program's thread: released (audit R221-3).
    ['standard locks left held (tempfile, asyncio, logging)', LOCKS_LEFT_HELD, LOCKS_PROBE],
    [
      'a standard lock left held by a finalizer after the program',
      'class Late:\n    def __del__(self):\n        import tempfile\n        tempfile._once_lock.acquire()\nlate = Late()',
      'import tempfile\nassert tempfile.gettempdir()',
    ],
    [
      'a suspended generator whose finally patches builtins, kept by an import finder',
      'import sys\ndef late():\n    try:\n        yield 1\n    finally:\n        import builtins\n        builtins.len = lambda x: 0\nkept = late()\nnext(kept)\nfor finder in sys.path_importer_cache.values():\n    if finder is not None:\n        finder.kept = kept',
      'import gc\ngc.collect()\nassert len([1, 2, 3]) == 3',
    ],
  ])('%s', async (_, poison, probe) => {
    await expectUndone(poison, probe);
  });


  it("an environment variable set with os.putenv, which CPython reads for breakpoint()", async () => {
    // In a fresh worker breakpoint() starts pdb, which cannot run here; PYTHONBREAKPOINT=0 left
    // in the C environment (os.environ does not see it) made it a no-op, and the program passed.
    const { probe } = await after('import os\nos.putenv("PYTHONBREAKPOINT", "0")', 'breakpoint()');
    expect(probe.status, JSON.stringify(probe)).not.toBe('passed');
  });

  it('a faulthandler hook on a signal', async () => {
    // A fresh interpreter ends at SIGUSR1 (the worker is replaced after it); a C handler that
    // faulthandler.register left behind printed a traceback and let the program pass.
    const { probe } = await after('import faulthandler, signal\nfaulthandler.register(signal.SIGUSR1, chain=False)', 'import signal\nsignal.raise_signal(signal.SIGUSR1)');
    expect(probe, JSON.stringify(probe)).toMatchObject({ status: 'crashed' });
  });

  it('an ignored SIGINT does not make the next loop unstoppable', async () => {
    const { probe } = await after('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)', 'while True:\n    pass');
    expect(probe).toMatchObject({ status: 'timeout' });
  });

  it('a poisoned builtin does not turn the next failing program into a pass', async () => {
    const { probe } = await after('import builtins\nbuiltins.AssertionError = type("Nothing", (Exception,), {})', 'assert 1 == 2');
    expect(probe).toMatchObject({ status: 'error', errorType: 'AssertionError' });
  });

  it("the runner's own globals, reached through os._exit, do not turn the next failing program into a pass", async () => {
    const { probe } = await after(RUNNER_GLOBALS_POISON, ANNOTATED_FAILURE);
    expect(probe, JSON.stringify(probe)).toMatchObject({ status: 'error', errorType: 'AssertionError' });
  });

  it("a patched builtin does not hand the program the audit hook's policy for later programs", async () => {
    const { probe } = await after(AUDIT_POLICY_POISON, 'import sys\nsys.settrace(lambda *args: None)');
    expect(probe, JSON.stringify(probe)).toMatchObject({ status: 'error', errorType: 'PermissionError' });
  });
});

describe('ordinary code', () => {
  // The usual ending of a reply to a HumanEval prompt, whose examples are doctests. doctest saves
  // the trace function and puts it back, sys.settrace(None), which the audit hook refused: every
  // such reply failed with PermissionError, where CPython runs it and passes (audit R182).
  it('passes with doctest.testmod() under `if __name__ == "__main__"`, on the same worker', async () => {
    const before = sandbox.stats().respawns;
    const result = await run(
      'def add(a, b):\n    """\n    >>> add(1, 2)\n    3\n    """\n    return a + b\n\nif __name__ == "__main__":\n    import doctest\n    doctest.testmod()\n\nassert add(2, 2) == 4',
    );
    expect(result, JSON.stringify(result).slice(0, 2000)).toMatchObject({ status: 'passed' });
    expect(sandbox.stats().respawns).toBe(before);
  });

  it('still may not install a trace function', async () => {
    const result = await run('import sys\nsys.settrace(lambda *args: None)');
    expect(result).toMatchObject({ status: 'error', errorType: 'PermissionError' });
  });
});

describe('damage that is not cheap to undo replaces the worker', () => {
  it("a removed /dev/stderr does not turn the next program's exception into a crash", async () => {
    const { probe } = await after('import os\nos.unlink("/dev/stderr")', 'raise ValueError("mine")');
    expect(probe).toMatchObject({ status: 'error', errorType: 'ValueError', message: 'mine' });
  });

  it.each([
    ['a patched standard class', 'import collections\ncollections.Counter.__eq__ = lambda a, b: True', "from collections import Counter\nassert Counter('ab') != Counter('cd')"],
    [
      'a finalizer on a reference cycle that patches a class',
      'import collections\nclass X:\n    def __del__(self):\n        collections.Counter.most_common = lambda self, n=None: []\nx = X()\nx.me = x',
      "from collections import Counter\nassert Counter('aab').most_common(1) == [('a', 2)]",
    ],
    ["a standard function's keyword defaults", 'import json\njson.dumps.__kwdefaults__ = dict(json.dumps.__kwdefaults__, sort_keys=True)', `import json\nassert json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'`],
    ['a closed standard stream', 'import sys\nsys.stdout.close()', 'print("visible")'],
    ['a closed file descriptor', 'import os\nos.close(1)', 'print("visible")'],
    ['a module swapped for another class', 'import math, types\nclass M(types.ModuleType):\n    sqrt = staticmethod(lambda x: 0)\nmath.__class__ = M', 'import math\nassert math.sqrt(16) == 4'],
    // Writing to a device is allowed; removing or replacing one is not: the next program's
    // traceback (Pyodide reopens /dev/stderr after collecting it) crashed the interpreter.
    ['a standard device removed', 'import os\nos.unlink("/dev/stderr")', 'import os\nassert os.path.exists("/dev/stderr")'],
    ['a device replaced by a link', 'import os\nos.unlink("/dev/null")\nos.symlink("/tmp/elsewhere", "/dev/null")', 'import os\nassert not os.path.islink("/dev/null")'],
    ["random's shared generator given another __dict__", 'import random\nrandom._inst.__dict__ = {"_randbelow": lambda n: 0, "gauss_next": None}', 'import random\nassert len({random.randint(0, 10**9) for _ in range(20)}) > 1'],
    // It also sets a flag on the class, which match statements read.
    ['a standard class registered as a Sequence', 'import collections.abc, fractions\ncollections.abc.Sequence.register(fractions.Fraction)', 'from fractions import Fraction\nmatch Fraction(1, 2):\n    case [*_]:\n        raise AssertionError("matched as a sequence")\n    case _:\n        pass'],
    [
      'a codec search function registered before the standard one',
      'import codecs, encodings\ncodecs.unregister(encodings.search_function)\n' +
        'codecs.register(lambda name: codecs.CodecInfo(lambda s, e="strict": ("forged", len(s)), lambda s, e="strict": ("forged", len(s)), name=name) if name == "rot13" else None)\n' +
        'codecs.register(encodings.search_function)',
      'import codecs\nassert codecs.encode("ab", "rot13") == "no"',
    ],
    // Both change a standard class's attributes (the finder's, weakref.finalize's flag that it
    // registered with atexit), which replaces the worker.
    ['importlib.invalidate_caches()', 'import importlib\nimportlib.invalidate_caches()', 'import colorsys\nassert colorsys.hsv_to_rgb(0, 0, 1) == (1, 1, 1)'],
    [
      'weakref.finalize on an object of the program',
      'import weakref\nclass Box:\n    pass\nbox = Box()\nbox.me = box\nweakref.finalize(box, lambda: __import__("builtins").__setattr__("len", lambda x: 0))',
      'import gc\ngc.collect()\nassert len([1, 2, 3]) == 3',
    ],
    // The restore puts the interpreter's settings back before it frees the program's objects:
    // a finalizer run by that freeing changed them again, for every later program (audit R176).
    ['a finalizer lowering the recursion limit', 'class Late:\n    def __del__(self):\n        import sys\n        sys.setrecursionlimit(60)\nlate = Late()', 'def f(n):\n    return 0 if n == 0 else f(n - 1) + 1\nassert f(300) == 300'],
    ['a finalizer narrowing the decimal context', 'class Late:\n    def __del__(self):\n        import decimal\n        decimal.getcontext().prec = 3\nlate = Late()', 'from decimal import Decimal\nassert len(str(Decimal(1) / Decimal(3))) > 20'],
    ['a finalizer lowering the int string limit', 'class Late:\n    def __del__(self):\n        import sys\n        sys.set_int_max_str_digits(640)\nlate = Late()', 'assert len(str(10 ** 1000)) == 1001'],
    ['a finalizer setting a signal handler', 'class Late:\n    def __del__(self):\n        import signal\n        signal.signal(signal.SIGUSR1, lambda *a: 1 / 0)\nlate = Late()', 'import signal\nassert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL'],
    [
      "a finalizer planting a key in typing's cache, whose __eq__ ran in the next program's List[float]",
      'import typing\narmed = []\nclass Twin:\n    def __hash__(self):\n        return hash(float)\n    def __eq__(self, other):\n        if armed:\n            raise ValueError("planted by an earlier program")\n        return False\n    def __call__(self):\n        pass\nclass Late:\n    def __del__(self):\n        typing.List[Twin()]\n        armed.append(1)\nlate = Late()',
      HAS_CLOSE_ELEMENTS,
    ],
    ['a finalizer registering an exit function', 'class Late:\n    def __del__(self):\n        import atexit\n        atexit.register(print, "late")\nlate = Late()', 'import atexit\nassert atexit._ncallbacks() == 0'],
    // Alive, it answers for its ABC; Sized asks each of its subclasses.
    ['a class derived from a standard ABC kept alive where the restore does not look', ABC_SURVIVOR, ABC_PROBE],
    // The runner noted such classes in a list an abc._abc_init hook held in its closure, which a
    // program could read and empty (audit R147): the worker was kept, and the probe failed.
    [
      'a class derived from a standard ABC kept alive, with any record of it the program can reach emptied',
      ABC_SURVIVOR +
        "\nimport abc\ntry:\n    cells = dict(zip(abc._abc_init.__code__.co_freevars, abc._abc_init.__closure__))\n    for cell in cells.values():\n        if hasattr(cell.cell_contents, 'clear'):\n            cell.cell_contents.clear()\nexcept AttributeError:\n    pass",
      ABC_PROBE,
    ],
    ['a class derived from a standard ABC kept alive, made with abc._abc_init put back to the C function', 'import abc, _abc\nabc._abc_init = _abc._abc_init\n' + ABC_SURVIVOR, ABC_PROBE],
    // A new Context() copies DefaultContext: a lowered precision there reached every later program's Decimal arithmetic.
    ['a decimal template context changed', 'import decimal\ndecimal.DefaultContext.prec = 5', 'import decimal\nassert decimal.Context().prec == 28'],
    ['a write over the standard library', 'open("/lib/python3.14/site-packages/evil.py", "w").write("x = 1")', 'import os\nassert not os.path.exists("/lib/python3.14/site-packages/evil.py")'],
    // A garbage cycle moved out of the collector's reach outlived its program, finalizer and
    // all; a later program that unfroze and collected ran that finalizer in its own middle.
    // Seen in wasm memory however gc.freeze was reached (freeze-watch.ts).
    [
      'a garbage cycle frozen with gc.freeze(), whose finalizer patches builtins',
      FROZEN_CYCLE + 'import gc\ngc.freeze()',
      'import gc\ngc.unfreeze()\ngc.collect()\nassert sorted([2, 1]) == [1, 2]',
    ],
    // C objects set up again in place, __init__ called on them a second time: no audit event,
    // no dict written (audit R221-1).
    ["a standard ABC's __subclasshook__ (a staticmethod) set up again", DESCRIPTOR_REINIT, ABC_PROBE],
    ['a standard property set up again (Fraction.numerator)', PROPERTY_REINIT, PROPERTY_PROBE],
    [
      'a classmethod set up again by a finalizer after the program',
      "class Late:\n    def __del__(self):\n        import collections.abc\n        hook = collections.abc.Iterable.__dict__['__subclasshook__']\n        type(hook).__init__(hook, lambda cls, C: True)\nlate = Late()",
      'from collections.abc import Iterable\nassert not isinstance(3, Iterable)',
    ],
    ['sys.stdin set up again over a buffer of the program', STDIN_REINIT, 'import sys\nassert sys.stdin.read() == ""'],
    ["sys.stdout's file set up again over another descriptor", 'import sys\nsys.stdout.buffer.raw.__init__(2, "w", closefd=False)', 'import sys\nassert sys.stdout.buffer.raw.fileno() == 1'],
    ['a struct.Struct of the standard library set up again', 'import zipfile\nzipfile._Extra.FIELD_STRUCT.__init__(">Q")', 'import zipfile\nassert zipfile._Extra.FIELD_STRUCT.format == "<HH"'],
    // logging's lock handed to a thread that does not exist: nothing here can release it (audit R221-3).
    ["logging's lock held by another thread", LOGGING_LOCK_STOLEN, LOGGING_PROBE],
    [
      'the same, frozen through a gc module imported afresh',
      FROZEN_CYCLE + 'import sys\ndel sys.modules["gc"]\nimport gc as fresh\nfresh.freeze()',
      'import gc\ngc.unfreeze()\ngc.collect()\nassert sorted([2, 1]) == [1, 2]',
    ],
  ])('%s', async (_, poison, probe) => {
    const { probe: result, replaced } = await after(poison, probe);
    expect(result, JSON.stringify(result)).toMatchObject({ status: 'passed' });
    expect(replaced).toBe(true);
  });

  it.each([
    ["the property traceback names an exception's type with", TRACEBACK_PROPERTY_REINIT],
    ['sys.stderr set up again over a buffer of the program', STDERR_REINIT],
  ])("%s, set up again in place, does not change a later program's traceback", async (_, poison) => {
    const { probe, replaced } = await after(poison, FAILING_ASSERT);
    expect(probe, JSON.stringify(probe)).toMatchObject({ status: 'error', errorType: 'AssertionError', message: 'wrong answer' });
    expect(probe.status === 'error' && probe.traceback).toContain('AssertionError: wrong answer');
    expect(replaced).toBe(true);
  });

  it('says a standard stream was closed, not set up again, when a wrapper of the program closed it (audit R224-6)', async () => {
    const reasons = () => ({ ...sandbox.stats().respawnReasons });
    const before = reasons();
    const { probe, replaced } = await after('import io, sys\nwrapper = io.TextIOWrapper(sys.stdout.buffer)\nwrapper.write("hi")\ndel wrapper', 'print("still here")');
    expect(probe, JSON.stringify(probe)).toMatchObject({ status: 'passed' });
    expect(replaced).toBe(true);
    const grew = Object.keys(reasons()).filter((reason) => reasons()[reason] !== before[reason]);
    expect(grew.join(' | ')).toContain('a standard stream was closed');
    expect(grew.join(' | ')).not.toContain('set up again');
  });

  it("compares the functions of the standard library's descriptors in wasm memory, not from Python after every program", () => {
    expect(sandbox.stats().lastWorker?.hardening.watchedDescriptorFields).toBeGreaterThan(500);
  });

  it("compares the standard library's lists and sets in wasm memory, not from Python after every program", () => {
    expect(sandbox.stats().lastWorker?.hardening.watchedContainers).toBeGreaterThan(200);
  });

  it('sees gc.freeze() in wasm memory, not by counting the frozen objects after every program', () => {
    expect(sandbox.stats().lastWorker?.hardening.freezeWatched).toBe(true);
  });
});
