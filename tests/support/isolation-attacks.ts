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
