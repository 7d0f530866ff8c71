/**
 * The first part of the Python runner (runner-py.ts prepends it): cutting every bridge from
 * Python to JavaScript, and undoing the Pyodide conveniences a script would notice.
 *
 * The JS side has already unregistered the `js` and `pyodide_js` modules. Here: drop the finder
 * that imports them, every pyodide module, and every reference the heap still holds to a JsProxy
 * or to a function of `_pyodide_core` (`to_js`, `create_proxy`… each makes a JsProxy).
 */

export const BRIDGES_PY = String.raw`
# The globals of every function the runner puts where a program can reach it (os._exit,
# time.sleep, sys.stdin's close, JsException.__new__), instead of the runner's
# own: a function's __globals__ and __builtins__ are open to anyone holding it, and the
# runner's audit hook, compiler and restore look names up in the runner's. A program that
# wrote there (os._exit.__globals__['type'] = …) ran its code inside them: it emptied every
# later program's syntax tree, and they all passed. Restored after every program, with the
# modules; its builtins are the real ones, restored too.
EXPOSED_GLOBALS = {'__name__': 'sandbox', '__builtins__': __import__('builtins')}


def exposed(function):
    """A copy of function (a runner function a program can reach) whose globals are EXPOSED_GLOBALS."""
    import types
    copy = types.FunctionType(function.__code__, EXPOSED_GLOBALS, function.__name__,
                              function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    copy.__module__ = function.__module__
    copy.__doc__ = function.__doc__
    return copy


def cut_bridges(blocked_modules, verify, report):
    """Leaves the interpreter with no way to reach JavaScript. Returns is_blocked(name), for
    the import guard, and is_js_class(cls)."""
    import sys, gc, types, itertools

    blocked = tuple(blocked_modules)
    blocked_dotted = tuple(name + '.' for name in blocked)

    def is_blocked(name):
        return type(name) is not str or name in blocked or name.startswith(blocked_dotted)

    core = sys.modules.get('_pyodide_core')
    js_types = set()
    bridge_ids = set()
    if core is not None:
        for key, value in list(vars(core).items()):
            # Not plain data: a small int's id would match every other use of that int.
            if not key.startswith('__') and not isinstance(value, (int, float, str, bytes, type(None))):
                bridge_ids.add(id(value))
        typedict = getattr(core, 'jsproxy_typedict', None)
        if type(typedict) is dict:
            js_types.update(t for t in typedict.values() if isinstance(t, type))
    for module in list(sys.modules.values()):
        for cls in type(module).__mro__:
            if cls.__name__ == 'JsProxy':
                js_types.add(cls)
    js_types = tuple(js_types)

    def is_js_class(cls):
        # Not issubclass: the JsProxy metaclass overrides it with pyodide code.
        return any(base in js_types for base in type.__getattribute__(cls, '__mro__'))

    def is_bridge(value):
        return isinstance(value, js_types) or id(value) in bridge_ids

    # The JsProxy classes stay reachable (object.__subclasses__()); of them only JsException can
    # be called to make a new JavaScript object (an Error), so calling it is refused.
    def refuse_new(cls, *args, **kwargs):
        raise TypeError('%s cannot be created in the sandbox' % cls.__name__)

    refuse_new = exposed(refuse_new)

    pending, seen_classes = [BaseException], set()
    while pending:
        cls = pending.pop()
        if cls in seen_classes:
            continue
        seen_classes.add(cls)
        pending.extend(type.__subclasses__(cls))
        if is_js_class(cls):
            type.__setattr__(cls, '__new__', staticmethod(refuse_new))

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != 'JsFinder']
    for name in list(sys.modules):
        if is_blocked(name):
            del sys.modules[name]

    def containers():
        # A dict holding only atomic values (and a JsProxy is one) may be untracked by the GC:
        # reach those through the referents of the tracked objects.
        tracked = gc.get_objects()
        seen = set(map(id, tracked))
        extra = [r for r in gc.get_referents(*tracked) if type(r) in (dict, list) and id(r) not in seen]
        return tracked + extra

    repeat = itertools.repeat

    def any_bridge(values):
        # In C, not one Python call per value: the heap holds a few hundred thousand of them.
        values = list(values)
        return not bridge_ids.isdisjoint(map(id, values)) or any(map(isinstance, values, repeat(js_types)))

    def scrub():
        found = 0
        CellType = types.CellType
        for obj in containers():
            kind = type(obj)
            if kind is dict:
                attrs = obj
            elif kind is list:
                if any_bridge(obj):
                    obj[:] = [v for v in obj if not is_bridge(v)]
                    found += 1
                continue
            elif kind is CellType:
                try:
                    if is_bridge(obj.cell_contents):
                        obj.cell_contents = None
                        found += 1
                except ValueError:
                    pass
                continue
            elif kind is tuple:
                if any_bridge(obj):
                    report['bridgesInTuples'] = report.get('bridgesInTuples', 0) + 1
                continue
            elif kind.__dictoffset__ and not isinstance(obj, type):
                try:
                    attrs = object.__getattribute__(obj, '__dict__')
                except Exception:
                    continue
                if type(attrs) is not dict:
                    continue
            else:
                continue
            if any_bridge(attrs.values()):
                keys = [k for k, v in attrs.items() if is_bridge(v)]
                for k in keys:
                    del attrs[k]
                found += len(keys)
        return found

    report['bridgesRemoved'] = scrub()
    # A second walk proves the first left nothing (it costs as much again: opt-in, for tests).
    report['bridgesLeft'] = scrub() if verify else None
    return is_blocked, is_js_class



def interruptible_sleep(c_sleep, monotonic):
    """time.sleep in slices, so the deadline interrupt stops it as SIGALRM stops CPython's.

    Pyodide's C sleep never looks at the interrupt: a program sleeping past its limit could only
    be stopped by terminating the worker. Between slices, the interpreter checks for the
    interrupt like any Python loop. Arguments the slices cannot take as they are (negative, NaN,
    too large, not int or float) go to the C sleep, which raises its own errors for them.
    """
    def sleep(seconds, /):
        if (type(seconds) is float or type(seconds) is int) and 0 <= seconds <= 1e9:
            end = monotonic() + seconds
            left = seconds
            while left > 0:
                c_sleep(left if left < 0.02 else 0.02)
                left = end - monotonic()
            return None
        return c_sleep(seconds)

    sleep.__name__ = sleep.__qualname__ = 'sleep'
    sleep.__module__ = 'time'
    sleep.__doc__ = c_sleep.__doc__
    return exposed(sleep)


def silence_install_advice():
    """Pyodide adds a note to "No module named 'numpy'" on how to install the package in Pyodide
    (or that tkinter is left out of it). CPython says no more than the first line, and a model
    refining its code from the error must not be sent to micropip. The note is added only for
    names in these two tables. Called before the bridges are cut, which drops the module from
    sys.modules: importing it again then would make a copy Pyodide does not use."""
    import sys
    hook = sys.modules.get('_pyodide._importhook')
    if hook is not None:
        hook.REPODATA_PACKAGES_IMPORT_TO_PACKAGE_NAME = {}
        hook.STDLIBS = frozenset()


def contain_os_exit():
    """os._exit ends the program without ending the interpreter.

    Pyodide's os._exit exits the whole runtime: the worker had to be replaced, a second and a
    half of CPU on every such program. Here it records the status (the runner reports the program
    as a process that ended with it, whatever happens next) and unwinds with an exception. A
    program that catches that exception runs on, as a real process would not; its result is
    the same, only its time differs.

    The record is kept by the runner's audit hook, which this function tells through an audit
    event: nothing a program can reach holds it. It was a list in this function's closure, and a
    program that caught the exception emptied it through os._exit.__closure__ and passed
    (audit R221-2). A program raising the event itself only records an exit of its own.
    """
    import os, posix, sys
    from operator import index
    audit = sys.audit
    # int's own conversion: an exact int for the hook whatever subclass __index__ gave.
    exact_int = int.__int__

    class ProcessExit(BaseException):
        """Raised by os._exit in the sandbox: the program has ended its process."""

    def _exit(status, /):
        status = exact_int(index(status))
        if not -2**31 <= status < 2**31:
            raise OverflowError('Python int too large to convert to C int')
        audit('sandbox.os_exit', status)
        raise ProcessExit(status)

    _exit.__name__ = _exit.__qualname__ = '_exit'
    _exit.__module__ = 'posix'
    _exit.__doc__ = os._exit.__doc__
    os._exit = posix._exit = exposed(_exit)


def behave_like_a_script():
    """Undoes what Pyodide changes for the browser's sake, where a script would notice."""
    import sys
    # Pyodide routes time.sleep and asyncio.run through its JavaScript event loop; the
    # standard versions are what a script expects (time.sleep then waits in C).
    import time, asyncio
    for owner, name in ((time, 'sleep'), (asyncio, 'run')):
        original = getattr(getattr(owner, name), '__wrapped__', None)
        if original is not None:
            setattr(owner, name, original)
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop_policy(None)
    time.sleep = interruptible_sleep(time.sleep, time.monotonic)

    # exit() and quit() close sys.stdin, as in CPython; here the next program needs it back.
    import io

    class Stdin(io.TextIOWrapper):
        def close(self):
            pass

    Stdin.close = exposed(Stdin.close)

    sys.stdin = sys.__stdin__ = Stdin(io.open(0, 'rb', closefd=False), encoding='utf-8', errors='strict')

    # doctest runs its examples with the trace function saved and put back,
    # sys.settrace(sys.gettrace()): sys.settrace(None) here, where the audit hook refuses every
    # sys.settrace (its event does not say with what). Every reply ending with the usual
    # 'if __name__ == "__main__": doctest.testmod()' failed with PermissionError, where CPython
    # passes it. No trace function can be set, so clearing one does nothing; anything else
    # still reaches the hook.
    real_settrace = sys.settrace

    def settrace(function, /):
        if function is not None:
            real_settrace(function)

    settrace = exposed(settrace)
    settrace.__module__ = 'sys'
    settrace.__doc__ = real_settrace.__doc__
    sys.settrace = settrace

`;
