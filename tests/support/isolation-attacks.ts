/**
 * Programs that leave state behind in a sandbox worker where Python cannot list it, shared by the
 * Node isolation tests and the browser's hostile-code tests: each once changed a later program's
 * verdict in the same worker.
 */

/** Leaves in typing's cache a key that hashes as (List, float) and raises when compared to it. */
export const TYPING_CACHE_POISON = `import typing
for clear in typing._cleanups:
    clear()
armed = []
class Twin:
    def __hash__(self):
        return hash(float)
    def __eq__(self, other):
        if armed:
            raise ValueError('planted by an earlier program')
        return False
    def __call__(self):
        pass
typing.List[Twin()]
armed.append(1)`;

/**
 * Empties the interpreter's codec cache (taking the standard search function out and back in),
 * makes encodings' own cache answer rot13 with a forgery, and looks it up: the interpreter caches
 * the forgery under 'rot13', where encodings' cache, put back after the program, is not consulted.
 */
export const CODEC_CACHE_POISON = `import codecs, encodings
codecs.unregister(encodings.search_function)
codecs.register(encodings.search_function)
forged = codecs.CodecInfo(lambda s, errors='strict': ('forged', len(s)), lambda s, errors='strict': ('forged', len(s)), name='rot13')
encodings._cache['rot13'] = forged
assert codecs.encode('ab', 'rot13') == 'forged'`;

/**
 * A class derived from a standard ABC whose __subclasshook__ says yes to everything, asked once
 * while it lives: Sized asks its subclasses, and caches the answer for int. The class dies with
 * the program; until 2026-11-22 the cache did not, and `isinstance(3, Sized)` stayed True.
 */
export const ABC_CACHE_POISON = `import collections.abc
class Anything(collections.abc.Sized):
    @classmethod
    def __subclasshook__(cls, other):
        return True
assert isinstance(3, collections.abc.Sized)`;

/**
 * A class derived from a standard ABC, kept alive where the restore does not look (an attribute
 * of an import finder), with int registered on it: Sized then calls int one of its own.
 */
export const ABC_SURVIVOR = `import collections.abc, sys
class Survivor(collections.abc.Sized):
    pass
Survivor.register(int)
for finder in sys.path_importer_cache.values():
    if finder is not None:
        finder.kept = Survivor`;

/** Must pass in a fresh interpreter: an int is not Sized. */
export const ABC_PROBE = `from collections.abc import Sized
assert not isinstance(3, Sized)
assert not issubclass(bool, Sized)`;

/**
 * Shadows a builtin in the globals of the sandbox's own runner, which os._exit (a runner function)
 * exposed as its __globals__: the runner compiles the next program through the shadowed name, and
 * empties its syntax tree there. Until 2026-11-25 every later annotated program then passed.
 */
export const RUNNER_GLOBALS_POISON = `import os, builtins, ast
real_type = builtins.type
def type(*args):
    if len(args) == 1 and real_type(args[0]) is ast.Module:
        args[0].body[:] = []
    return real_type(*args)
os._exit.__globals__['type'] = type`;

/**
 * Patches a builtin the sandbox's audit hook looked up by name, so that the hook calls the
 * program, which takes the hook's frame and from its locals the hook's policy table, and lets
 * sys.settrace through for every later program (until 2026-11-25).
 */
export const AUDIT_POLICY_POISON = `import builtins, sys
real_id = builtins.id
frames = []
def spy(x):
    if not frames:
        frames.append(sys._getframe(1))
    return real_id(x)
builtins.id = spy
def victim():
    pass
victim.__defaults__ = ()
builtins.id = real_id
assert frames, 'the audit hook did not call the program'
frames[0].f_locals['policy']['sys.settrace'] = 7`;

/** A failing program whose annotations make the runner rewrite it before compiling. */
export const ANNOTATED_FAILURE = `from typing import List
def total(xs: List[int]) -> int:
    return 0
assert total([1, 2]) == 3`;

/**
 * Sets up again, in place, a staticmethod of a standard ABC's class dict (Sized's
 * __subclasshook__ says yes to everything): no audit event, no dict written. Until audit R221-1
 * `isinstance(3, Sized)` was true for every later program in the worker (ABC_PROBE failed).
 */
export const DESCRIPTOR_REINIT = `import collections.abc
hook = collections.abc.Sized.__dict__['__subclasshook__']
type(hook).__init__(hook, lambda cls, C: True)
assert isinstance(3, collections.abc.Sized)`;

/** The same on a property: every later `Fraction(1, 3).numerator` was 99. */
export const PROPERTY_REINIT = `import fractions
fractions.Fraction.numerator.__init__(lambda self: 99)
assert fractions.Fraction(1, 3).numerator == 99`;

/** Must pass in a fresh interpreter. */
export const PROPERTY_PROBE = `from fractions import Fraction
assert Fraction(1, 3).numerator == 1, Fraction(1, 3).numerator`;

/**
 * The property traceback formats an exception's type with, set up again: every later traceback
 * named an AssertionError a ZeroDivisionError.
 */
export const TRACEBACK_PROPERTY_REINIT = `import traceback
prop = traceback.TracebackException.exc_type_str
original = prop.fget
prop.__init__(lambda self: 'ZeroDivisionError' if original(self) == 'AssertionError' else original(self))`;

/** sys.stderr set up again over a buffer of its own: every later traceback and message was empty. */
export const STDERR_REINIT = `import sys, io
sys.stderr.__init__(io.BytesIO(), encoding=sys.stderr.encoding, errors=sys.stderr.errors,
                    line_buffering=sys.stderr.line_buffering, write_through=sys.stderr.write_through)`;

/** sys.stdin set up again over a buffer of the program's: later programs would have read its text. */
export const STDIN_REINIT = `import sys, io
sys.stdin.__init__(io.BytesIO(b'planted by an earlier program\\n'), encoding='utf-8')`;

/** A failing program: its traceback must name its own exception, with its message. */
export const FAILING_ASSERT = `def candidate(x):
    return x + 1
assert candidate(1) == 3, 'wrong answer'`;

/**
 * Hands logging's module lock to a thread that does not exist (the sandbox has one thread): the
 * next program that logged waited for it until its time limit, in every later program.
 */
export const LOGGING_LOCK_STOLEN = `import logging
logging._lock.acquire()
logging._lock._release_save()
logging._lock._acquire_restore((1, 12345))`;

/** Logs through a logger of its own: takes logging's module lock. */
export const LOGGING_PROBE = `import logging
log = logging.getLogger('solution')
log.setLevel(logging.INFO)
def add(x, y):
    log.debug('adding')
    return x + y
assert add(1, 2) == 3`;

/** Standard locks left held by the only thread: tempfile.gettempdir() and asyncio's policy then waited for ever. */
export const LOCKS_LEFT_HELD = `import tempfile, asyncio.events, logging
tempfile._once_lock.acquire()
asyncio.events._lock.acquire()
logging._lock.acquire()
logging._lock.acquire()`;

export const LOCKS_PROBE = `import tempfile, asyncio, logging
assert tempfile.gettempdir()
asyncio.get_event_loop_policy()
logging.getLogger('solution').info('x')`;

/**
 * Calls os._exit, catches what it raises, empties the list os._exit kept its record in (a cell of
 * its closure) and passes. Until audit R221-2 that was scored passed; a process would have ended
 * with status 3.
 */
export const OS_EXIT_RECORD_ERASED = `import os
try:
    os._exit(3)
except BaseException:
    pass
for cell in os._exit.__closure__ or ():
    try:
        contents = cell.cell_contents
    except ValueError:
        continue
    if type(contents) is list:
        contents.clear()
def candidate(x):
    return x + 1
assert candidate(1) == 2`;
