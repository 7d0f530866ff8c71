/**
 * The Python half of the sandbox worker: run once per interpreter, it cuts the bridges to
 * JavaScript, pre-imports a baseline of the standard library, snapshots that baseline, installs
 * an audit hook, and returns the few entry points the worker calls for every program.
 *
 * Two properties carry the design. The worker calls `exec` straight from JavaScript, so no frame
 * of this runner is ever below the program's frames: a program can reach this state only by
 * walking the heap (`gc.get_objects`) or by being called back while a runner frame is active,
 * and the audit hook refuses both. And nothing here decides a verdict: JavaScript reads it from
 * how `exec` ended.
 */

import { ANNOTATIONS_PY } from './runner-annotations-py.ts';
import { BRIDGES_PY } from './runner-bridges-py.ts';
import { TRACEBACK_PY } from './runner-traceback-py.ts';

/** Python source; `install(config_json)` is the only name the worker reads from its namespace. */
export const RUNNER_PY = BRIDGES_PY + ANNOTATIONS_PY + TRACEBACK_PY + String.raw`
def interior_dicts(modules, streams, known):
    """The dicts inside the standard library that are not module namespaces but hold its state:
    the attributes of the objects modules keep (random._inst, calendar.c, json's default
    encoder, os.environ, typing's special forms, enum members), the tables they keep in plain
    dicts (re._parser.ESCAPES), the same inside the classes they define, and the standard
    streams with their buffers and files. An attribute set on an instance or an item set in a
    dict raises no audit event and changes no class: watched like the modules' own dicts.
    Classes, modules and functions are left out (class-watch.ts and the module dicts see those)."""
    import types
    skip = (type, types.ModuleType, types.FunctionType)
    found, seen = [], set(map(id, known))

    def add(value):
        kind = type(value)
        if kind is dict:
            attrs = value
        elif kind.__dictoffset__ and not isinstance(value, skip):
            try:
                attrs = object.__getattribute__(value, '__dict__')
            except Exception:
                return
            if type(attrs) is not dict:
                return
        else:
            return
        if id(attrs) not in seen:
            seen.add(id(attrs))
            found.append(attrs)

    for module in modules:
        for value in list(module.__dict__.values()):
            add(value)
            if isinstance(value, type) and value.__module__ == module.__name__:
                for inner in list(type.__getattribute__(value, '__dict__').values()):
                    add(inner)
    for stream in streams:
        add(stream)
        buffer = getattr(stream, 'buffer', None)
        add(buffer)
        add(getattr(buffer, 'raw', None))
    return found


def standard_containers(dicts, classes, skip):
    """The lists and sets the standard library keeps in its namespaces, its classes' dicts and
    the interior dicts above (calendar.mdays, hashlib.algorithms_available, sys.warnoptions,
    an enum's member names). Changed in place (mdays[2] = 30, a set's discard) they raise no
    audit event and write no watched dict: container-watch.ts sees them in wasm memory.
    Exact lists and sets only: a subclass's state is not all in its table."""
    found, seen = [], set(map(id, skip))

    def add(value):
        kind = type(value)
        if (kind is list or kind is set) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)

    for d in dicts:
        for value in list(d.values()):
            add(value)
    for cls in classes:
        for value in list(type.__getattribute__(cls, '__dict__').values()):
            add(value)
    return found

def install(config_json):
    import sys, json, builtins, gc, types, operator, itertools, functools, linecache
    import signal, os, random, re, warnings, decimal, traceback, atexit, copyreg, locale
    import _tracemalloc, faulthandler, io, _codecs, _signal, _abc, abc, collections, _csv, _struct, _thread

    config = json.loads(config_json)
    FILENAME = config['filename']
    for name in config['baseline']:
        try:
            __import__(name)
        except BaseException:
            pass
    # string.Template compiles its pattern on first use and sets it on the class (3.14): a
    # program using Template changed a standard class, and its worker was replaced. Done here.
    try:
        sys.modules['string'].Template('$a').substitute(a='')
    except BaseException:
        pass

    is_ = operator.is_
    chain = itertools.chain.from_iterable
    ModuleType = types.ModuleType
    FunctionType = types.FunctionType
    exec_ = builtins.exec
    compile_ = builtins.compile
    # Built before the audit hook, with this compile: a program cannot reach into it.
    compile_program = make_program_compiler(compile_, FILENAME)
    partial = functools.partial
    format_exception_only = traceback.format_exception_only
    report = {}

    silence_install_advice()
    is_blocked, is_js_class = cut_bridges(config['blockedModules'], config['verify'], report)
    behave_like_a_script()
    excepthook_globals = install_excepthook()
    # The status the current program gave os._exit, if it called it: kept here, where only the
    # audit hook writes it (contain_os_exit).
    exit_calls = []
    contain_os_exit()

    # ---- Snapshot the baseline ---------------------------------------------------------------
    # Everything below is restored after each program. Dicts and lists are compared by identity,
    # element by element, in C (map(operator.is_)): equality would call the program's __eq__.
    modules_dict = sys.modules
    runner_main = modules_dict['__main__']
    module_objs = tuple(m for m in modules_dict.values() if type(m) is ModuleType)
    extra_dicts = [modules_dict, sys.path_importer_cache, copyreg.dispatch_table, linecache.cache, excepthook_globals, EXPOSED_GLOBALS]
    for owner, name in ((copyreg, '_extension_registry'), (copyreg, '_inverted_registry'),
                        (copyreg, '_extension_cache'), (re, '_cache'), (re, '_cache2'),
                        (warnings, '_onceregistry')):
        value = getattr(owner, name, None)
        if type(value) is dict:
            extra_dicts.append(value)
    # logging's loggers sit one level deeper than interior_dicts reaches: the registry of named
    # loggers (Logger.manager.loggerDict) and each logger's attributes (its handlers, level and
    # cache of levels). The logger of an ordinary 'logging.getLogger(__name__)' stayed with the
    # handler the program gave it, so every later program's log lines came out once more per
    # earlier program (and through that program's handler code); a level cached under
    # basicConfig(level=DEBUG) outlived the level itself (audit R195-2).
    logging = modules_dict.get('logging')
    if type(logging) is ModuleType:
        logger_dict = logging.Logger.manager.loggerDict
        extra_dicts.append(logger_dict)
        for logger in (logging.root, *logger_dict.values()):
            attrs = vars(logger)
            extra_dicts.append(attrs)
            extra_dicts.extend(value for value in attrs.values() if type(value) is dict)
    streams = (sys.stdin, sys.stdout, sys.stderr)
    extra_dicts += interior_dicts(module_objs, streams, [m.__dict__ for m in module_objs] + extra_dicts)
    watched_dicts = tuple(m.__dict__ for m in module_objs) + tuple(extra_dicts)
    # The watch sees writes to those dicts, not an object given another one (random._inst.__dict__
    # = {…}); checking that for all of them costs a millisecond a run, so only for the objects
    # whose state later programs' verdicts depend on.
    import calendar
    dict_owners = tuple(o for o in (random._inst, calendar.c, json._default_encoder, json._default_decoder,
                                    os.environ, os.environb, *streams, *(stream.buffer for stream in streams),
                                    *(stream.buffer.raw for stream in streams)) if type(o).__dictoffset__)
    get_attribute = object.__getattribute__
    owned_dicts = tuple(get_attribute(o, '__dict__') for o in dict_owners)
    dict_lens = list(map(len, watched_dicts))
    dict_keys = tuple(chain(watched_dicts))
    dict_values = tuple(chain(map(dict.values, watched_dicts)))
    dict_copies = tuple(map(dict.copy, watched_dicts))
    module_types = (ModuleType,) * len(module_objs)
    watched_lists = (sys.path, sys.meta_path, sys.path_hooks, sys.argv, warnings.filters, gc.callbacks)
    list_copies = tuple(map(tuple, watched_lists))
    own_classes = [value for m in module_objs for value in list(m.__dict__.values())
                   if isinstance(value, type) and value.__module__ == m.__name__]
    # gc.garbage is emptied by restore(), and the six lists above are checked whole.
    containers = tuple(standard_containers(watched_dicts, own_classes, (*watched_lists, gc.garbage)))
    container_copies = tuple(map(tuple, containers))
    container_is_list = tuple(type(c) is list for c in containers)
    # A set's members by identity: comparing members would hash and compare the program's objects.
    set_members = tuple(None if is_list else sorted(map(id, c)) for c, is_list in zip(containers, container_is_list))
    del own_classes
    environ = dict(os.environ)
    # The C environment, which os.environ only mirrors: os.putenv changes it alone, and CPython
    # reads it at run time (PYTHONBREAKPOINT: breakpoint() became a no-op for later programs).
    # Audited, so the hook notes the names written and finish() puts them back.
    c_environ = dict(os.environb)
    env_names = []
    TextIOWrapper = io.TextIOWrapper
    # What reconfigure() can change on a standard stream and a script would notice, apart from
    # newline, which cannot be read back (reset_newlines). Member descriptors of the C type:
    # nothing the program put on the stream is called.
    stream_setting = operator.attrgetter('encoding', 'errors', 'line_buffering', 'write_through')
    stream_settings = tuple(map(stream_setting, streams))
    recursion_limit = sys.getrecursionlimit()
    int_digits = sys.get_int_max_str_digits()
    switch_interval = sys.getswitchinterval()
    gc_threshold = gc.get_threshold()
    # Every handler Python can set, not only SIGINT's: a later program's raise_signal would run
    # a handler left by an earlier one. SIGKILL and SIGSTOP cannot be set. _signal's functions,
    # not signal's: those convert every value to an enum, 20 times slower.
    signal_numbers = tuple(n for n in range(1, signal.NSIG) if n not in (signal.SIGKILL, signal.SIGSTOP)
                           and _signal.getsignal(n) is not None)
    signal_handlers = tuple(map(_signal.getsignal, signal_numbers))
    signal_mask = _signal.pthread_sigmask(signal.SIG_BLOCK, ())
    # The codecs' error handlers are one registry for the interpreter: codecs.register_error
    # ('strict', …) would make a later program's bad bytes decode without an error.
    error_names = ('strict', 'ignore', 'replace', 'xmlcharrefreplace', 'backslashreplace',
                   'namereplace', 'surrogateescape', 'surrogatepass')
    error_handlers = tuple(map(_codecs.lookup_error, error_names))
    asyncgen_hooks = tuple(sys.get_asyncgen_hooks())
    origin_depth = sys.get_coroutine_origin_tracking_depth()
    locale_all = locale.setlocale(locale.LC_ALL)
    decimal_context = decimal.getcontext().copy()
    template_contexts = (decimal.DefaultContext, decimal.BasicContext, decimal.ExtendedContext)
    monitoring = sys.monitoring
    linecache_cache = linecache.cache
    random_inst = random._inst

    def all_types():
        seen, todo = [], [object]
        while todo:
            cls = todo.pop()
            seen.append(cls)
            try:
                todo.extend(type.__subclasses__(cls))
            except TypeError:
                pass
        return seen

    # Kept alive, so that no other object can ever have one of these ids.
    baseline_types = all_types()
    baseline_type_ids = frozenset(map(id, baseline_types))

    # ABC registrations (numbers.Number.register(str)) live in C, outside every class dict, and
    # change isinstance for later programs. Any registration moves the cache token, so after
    # most programs this costs one call; after one that registered, the registries of the
    # baseline's ABCs are put back and their caches emptied.
    abc_token = _abc.get_cache_token
    abc_dump, abc_reset_registry, abc_reset_caches, abc_register = _abc._get_dump, _abc._reset_registry, _abc._reset_caches, _abc._abc_register
    abc_classes = tuple(cls for cls in baseline_types if issubclass(type(cls), abc.ABCMeta))
    # Classes a program derives from a standard ABC: one that outlives the program answers for
    # that ABC's isinstance checks (Sized.__subclasscheck__ asks each subclass), and a check made
    # while it lived stays in the ABC's cache. Both are judged from the ABCs themselves, not from
    # a record a program could reach: an abc._abc_init hook kept its list of such classes in
    # cells any program could read through the hook's __closure__, and empty (audit R147).
    subclasses_of = type.__subclasses__
    abc_subclass_counts = tuple(map(len, map(subclasses_of, abc_classes)))
    abc_members = tuple(tuple(ref() for ref in abc_dump(cls)[0] if ref() is not None) for cls in abc_classes)
    abc_version = [abc_token()]
    # Registering a class as a Sequence or Mapping also sets a flag on it (for match).
    get_flags = type.__dict__['__flags__'].__get__
    type_flags = tuple(map(get_flags, baseline_types))

    def restore_abcs():
        for cls, members in zip(abc_classes, abc_members):
            abc_reset_caches(cls)
            # A length, not the members: comparing them would hash the program's classes.
            if len(abc_dump(cls)[0]) != len(members):
                abc_reset_registry(cls)
                for member in members:
                    abc_register(cls, member)
        if type_flags != tuple(map(get_flags, baseline_types)):
            taint.append('a standard class was registered as a collection')
        abc_version[0] = abc_token()

    # For class-watch.ts: a version tag on every baseline class (a failed lookup assigns one),
    # and a probe class to find where the tag sits.
    def look_up(cls, name):
        try:
            type.__getattribute__(cls, name)
        except AttributeError:
            pass

    # Pyodide itself retags the JsProxy classes as it converts values; a program cannot use them.
    heap_types = [t for t in baseline_types if t.__flags__ & (1 << 9) and not is_js_class(t)]
    for cls in heap_types:
        look_up(cls, '__sandbox_version_probe__')

    class VersionProbe:
        pass

    # For container-watch.ts: a list and a set of known members, to find where CPython keeps a
    # list's items and a set's table.
    probe_members = (VersionProbe, look_up, all_types)
    list_probe, set_probe = list(probe_members), set(probe_members)

    def touch_probe(step):
        if step == 1:
            VersionProbe.changed = True
        elif step == 4:
            # For container-watch.ts: a change to each container probe, in place.
            list_probe[0] = list_probe[1]
            set_probe.pop()
        elif step == 3:
            # For dict-watch.ts: a write to a watched dict, undone at once.
            linecache.cache['<sandbox-probe>'] = None
            del linecache.cache['<sandbox-probe>']
        else:
            look_up(VersionProbe, 'step%d' % step)

    # The codec registry (codec-watch.ts): its cache is emptied after a program that looked a
    # codec up, by taking the standard search function out (which empties it) and back in.
    import encodings
    search_function = encodings.search_function
    codec_register, codec_unregister, codec_lookup = _codecs.register, _codecs.unregister, _codecs.lookup

    def reset_codecs():
        codec_unregister(search_function)
        codec_register(search_function)

    def probe_search(name):
        return None

    def probe_codecs(step):
        if step == 0:
            codec_register(probe_search)
        elif step == 1:
            codec_unregister(probe_search)
        elif step == 2:
            codec_lookup('utf-8')
        else:
            reset_codecs()

    # The standard streams' newline setting (newline-watch.ts): reconfigure() sets it and nothing
    # reads it back. Set to '\n' here (what CPython gives them off Windows), put back after a
    # program that changed it.
    for stream in streams:
        TextIOWrapper.reconfigure(stream, newline='\n')
    newline_probe = TextIOWrapper(io.BytesIO(), encoding='utf-8', newline='\n')

    def probe_newline(step):
        TextIOWrapper.reconfigure(newline_probe, newline='\r\n' if step == 0 else '\n')

    report['newlineProbe'] = id(newline_probe)
    report['streamAddresses'] = list(map(id, streams))
    report['codecIds'] = {'searchFunction': id(search_function), 'listType': id(list), 'dictType': id(dict)}
    report['typeAddresses'] = list(map(id, heap_types))
    report['dictAddresses'] = list(map(id, watched_dicts))
    report['probeAddress'] = id(VersionProbe)

    def dicts_changed():
        return (list(map(len, watched_dicts)) != dict_lens
                or not all(map(is_, chain(map(dict.values, watched_dicts)), dict_values))
                or not all(map(is_, chain(watched_dicts), dict_keys)))

    # Closure cells of the standard library's functions: cell_contents can be assigned, and
    # that is not an audited event either.
    watched_cells, cell_values = [], []
    # The functions themselves, by id, for the audit hook: their code and defaults are put back
    # by nothing, so changing one replaces the worker. Only these: a function the standard
    # library makes while the program runs is the program's (namedtuple's __new__, whose
    # defaults it then sets, for every typing.NamedTuple), and goes with it. Values kept, so
    # that no later function can have one of these ids.
    baseline_functions = {}
    for function in gc.get_objects():
        if type(function) is FunctionType:
            baseline_functions[id(function)] = function
            for cell in function.__closure__ or ():
                try:
                    value = cell.cell_contents
                except ValueError:
                    continue
                watched_cells.append(cell)
                cell_values.append(value)
    watched_cells, cell_values = tuple(watched_cells), tuple(cell_values)

    # The standard library's functools caches (typing's aliases, re.escape, fnmatch's patterns)
    # keep what a program passed and got: a key whose __eq__ is the program's code, run when a
    # later program looks up an equal-hashing key (typing.List[float] raised there), or a cached
    # result it mutated. They cannot be listed, only emptied: emptied now, so that every program
    # starts from the same state, and after every program (in C, about 0.2 µs each; a program
    # then builds again the few aliases it uses, about 20 µs each).
    cache_wrappers = tuple(value for value in gc.get_objects() if type(value) is functools._lru_cache_wrapper)
    cache_clears = tuple(wrapper.cache_clear for wrapper in cache_wrappers)
    for clear in cache_clears:
        clear()
    # Each cache's own dict, which clearing empties and keeps: its size is read in C after the
    # restore (settings_changed), where cache_info() would build a named tuple per cache.
    cache_dicts = tuple(found for wrapper in cache_wrappers for found in gc.get_referents(wrapper)
                        if type(found) is dict and found is not object.__getattribute__(wrapper, '__dict__'))
    del cache_wrappers
    cell_get = operator.attrgetter('cell_contents')

    def cells_changed():
        try:
            return not all(map(is_, map(cell_get, watched_cells), cell_values))
        except ValueError:
            return True

    # ---- State a program can set up again in place ------------------------------------------
    # Some C objects of the standard library take __init__ again, in place, with no audit event
    # and no dict written (audit R221-1): the property, classmethod and staticmethod objects of
    # its classes (collections.abc.Sized.__dict__['__subclasshook__'].__init__(lambda cls, C: True)
    # made int Sized for every later program; fractions.Fraction.numerator.__init__(…) changed
    # every later numerator; traceback.TracebackException.exc_type_str's named every later
    # AssertionError a ZeroDivisionError), the standard streams (sys.stderr.__init__(io.BytesIO(),
    # …) swallowed every later traceback, sys.stdin.__init__(…) would feed later programs input),
    # struct.Struct objects (another format) and functools.partial objects (__setstate__). What each
    # holds is noted now and compared by identity after every program; a difference replaces the
    # worker. The descriptors, about 430 of them, are compared in wasm memory (descriptor-watch.ts),
    # else by descriptors_changed(), about 0.1 ms a program.
    # Also the standard library's locks: a program could leave one held (tempfile._once_lock.acquire(),
    # or logging._lock handed through _release_save/_acquire_restore to a thread that does not
    # exist), and every later program that took it waited for it until its time limit (R221-3).
    # Locks and Structs are not tracked by the collector: found among the referents of what is.
    def of_kinds(objects, kinds):
        return list(itertools.compress(objects, map(kinds.__contains__, map(type, objects))))

    LockType, RLockType = type(_thread.allocate_lock()), _thread.RLock
    descriptor_family = {cls: base for base in (property, classmethod, staticmethod)
                         for cls in baseline_types if issubclass(cls, base)}
    wanted = frozenset((LockType, RLockType, _struct.Struct, functools.partial, *descriptor_family))
    heap = gc.get_objects()
    found = {}
    for obj in chain((of_kinds(heap, wanted), of_kinds(gc.get_referents(*heap), wanted))):
        found.setdefault(id(obj), obj)
    del heap
    by_kind = collections.defaultdict(list)
    for obj in found.values():
        by_kind[descriptor_family.get(type(obj), type(obj))].append(obj)
    del found
    props, class_methods, static_methods = (tuple(by_kind[kind]) for kind in (property, classmethod, staticmethod))
    get_fget, get_fset, get_fdel = (property.__dict__[name].__get__ for name in ('fget', 'fset', 'fdel'))
    get_cm_func, get_sm_func = classmethod.__dict__['__func__'].__get__, staticmethod.__dict__['__func__'].__get__

    def descriptor_fields():
        return chain((map(get_fget, props), map(get_fset, props), map(get_fdel, props),
                      map(get_cm_func, class_methods), map(get_sm_func, static_methods)))

    descriptor_values = tuple(descriptor_fields())

    def descriptors_changed():
        """Only where descriptor-watch.ts could not be installed."""
        return not all(map(is_, descriptor_fields(), descriptor_values))

    # For descriptor-watch.ts: probes whose fields point at known functions, set up again with
    # others, to find where CPython keeps those fields.
    probe_functions = tuple((lambda: None) for _ in range(6))
    descriptor_probes = (property(*probe_functions[:3]), classmethod(probe_functions[0]), staticmethod(probe_functions[0]))

    def probe_descriptors(step):
        prop, class_method, static_method = descriptor_probes
        property.__init__(prop, *probe_functions[3:])
        classmethod.__init__(class_method, probe_functions[3])
        staticmethod.__init__(static_method, probe_functions[3])

    report['descriptorAddresses'] = list(map(id, props + class_methods + static_methods))
    report['descriptorKinds'] = 'p' * len(props) + 'c' * len(class_methods) + 's' * len(static_methods)
    report['descriptorProbes'] = {'property': id(descriptor_probes[0]), 'classmethod': id(descriptor_probes[1]),
                                  'staticmethod': id(descriptor_probes[2]),
                                  'before': list(map(id, probe_functions[:3])), 'after': list(map(id, probe_functions[3:]))}

    # The standard streams: the buffer under each, the file under that, and that file's
    # descriptor and mode, all read through the C types' own descriptors (nothing the program
    # set on an instance is called). Their settings (encoding, errors, buffering) are put back
    # in finish(), their newline by reset_newlines().
    apply = operator.call
    text_buffer = TextIOWrapper.buffer.__get__
    stream_buffers = tuple(map(text_buffer, streams))
    raw_getters = tuple(type(buffer).raw.__get__ for buffer in stream_buffers)
    stream_raws = tuple(map(apply, raw_getters, stream_buffers))
    FileIO = io.FileIO
    file_fd, file_mode, file_closefd = FileIO.fileno, FileIO.mode.__get__, FileIO.closefd.__get__
    stream_files = tuple(raw for raw in stream_raws if type(raw) is FileIO)

    def file_state():
        return tuple(chain((map(file_fd, stream_files), map(file_mode, stream_files), map(file_closefd, stream_files))))

    file_states = file_state()

    def streams_changed():
        if not all(map(is_, map(text_buffer, streams), stream_buffers)):
            return True
        if not all(map(is_, map(apply, raw_getters, stream_buffers), stream_raws)):
            return True
        try:
            # ints, strs and bools the C getters made: comparing them runs no program code.
            return file_state() != file_states
        except ValueError:
            return 'closed'   # a file closed (a TextIOWrapper of the program's over stdout.buffer, freed)

    structs, partials = tuple(by_kind[_struct.Struct]), tuple(by_kind[functools.partial])
    struct_format, struct_size = _struct.Struct.format.__get__, _struct.Struct.size.__get__
    partial_func, partial_args, partial_keywords = functools.partial.func.__get__, functools.partial.args.__get__, functools.partial.keywords.__get__

    def struct_state():
        return tuple(chain((map(struct_format, structs), map(struct_size, structs))))

    def partial_fields():
        return chain((map(partial_func, partials), map(partial_args, partials), map(partial_keywords, partials)))

    struct_states, partial_values = struct_state(), tuple(partial_fields())

    def objects_changed():
        return struct_state() != struct_states or not all(map(is_, partial_fields(), partial_values))

    # The locks free at start-up (a lock held then, as a running thread's, is not the program's).
    plain_locks = tuple(lock for lock in by_kind[LockType] if not lock.locked())
    rlocks = tuple(lock for lock in by_kind[RLockType] if not lock.locked())
    del by_kind
    lock_held, lock_release = LockType.locked, LockType.release
    rlock_held, rlock_owned, rlock_release_all = RLockType.locked, RLockType._is_owned, RLockType._release_save

    def free_locks():
        """Releases the standard locks the program left held. An RLock held by another thread
        (there is only this one: a program's _acquire_restore made it up) cannot be released
        from here, and replaces the worker. C calls only."""
        if any(map(lock_held, plain_locks)):
            for lock in plain_locks:
                if lock_held(lock):
                    lock_release(lock)
        if any(map(rlock_held, rlocks)):
            for lock in rlocks:
                if rlock_held(lock):
                    if rlock_owned(lock):
                        rlock_release_all(lock)
                    else:
                        taint.append('a standard lock was left held by another thread')

    def lists_changed():
        return any(len(l) != len(c) or not all(map(is_, l, c)) for l, c in zip(watched_lists, list_copies))

    # Only when container-watch.ts could not be installed: about 0.3 ms a program in Pyodide,
    # where the watch reads the same in wasm memory in a few microseconds.
    container_lens = list(map(len, containers))
    container_items = list(chain(containers))

    def containers_changed():
        if list(map(len, containers)) == container_lens and all(map(is_, chain(containers), container_items)):
            return ()
        return range(len(containers))

    def container_differs(i):
        c = containers[i]
        if len(c) != len(container_copies[i]):
            return True
        if container_is_list[i]:
            return not all(map(is_, c, container_copies[i]))
        return sorted(map(id, c)) != set_members[i]

    # ---- Audit hook --------------------------------------------------------------------------
    # It must never call the program's code (no ==, hash, isinstance or attribute access on the
    # program's objects): a callback would run with this frame below it.
    mode = [0]        # 1 while the program runs
    taint = []        # reasons to replace this interpreter before the next program
    grave = []        # what the restore removed, freed later from JavaScript with no frame below
    current = []      # the program's globals
    main_replaced = [False]   # prepare() made sys.modules['__main__'] the program's module

    DENY, IMPORT, FRAMES, SETATTR, SILENT, PICKLE, ENV, EXIT, PASS = range(9)
    policy = {}
    deny_prefixes = ('ctypes.', 'socket.', 'os.exec', 'os.spawn', 'os.posix_spawn', 'os.fork',
                     'os.forkpty', 'os.kill', 'os.killpg', 'os.system', 'os.startfile', 'pty.',
                     'subprocess.', 'webbrowser.', 'urllib.', 'http.client.', 'ftplib.', 'smtplib.',
                     'poplib.', 'imaplib.', 'nntplib.', 'telnetlib.', 'signal.pthread_kill',
                     'gc.get_', 'sys._current_', 'code.__new__', 'marshal.load', 'sys.remote_exec',
                     'sys._set', 'sys.monitoring.register_callback', 'sys.setprofile', 'sys.settrace')
    exact = {'import': IMPORT, 'sys._getframe': FRAMES, 'object.__getattr__': FRAMES,
             'object.__setattr__': SETATTR, 'object.__delattr__': SETATTR,
             'sys.addaudithook': SILENT, 'pickle.find_class': PICKLE, 'os.putenv': ENV, 'os.unsetenv': ENV,
             'sandbox.os_exit': EXIT}

    def classify(event):
        if event in exact:
            return exact[event]
        return DENY if event.startswith(deny_prefixes) else PASS

    def audit(event, args):
        action = policy.get(event)
        if action is None:
            action = policy[event] = classify(event)
        if action == PASS:
            return
        if action == IMPORT:
            if is_blocked(args[0]):
                raise ModuleNotFoundError('No module named %r' % (args[0] if type(args[0]) is str else '?'))
        elif action == FRAMES:
            if not mode[0]:
                # Which read says who asked (a finalizer's sys._getframe, a traceback printed
                # for an error of the runner's own: tb_frame).
                detail = args[1] if event == 'object.__getattr__' and len(args) > 1 and type(args[1]) is str else event
                taint.append('frame introspection outside the program (%s)' % detail)
                raise RuntimeError('frame introspection is not available here')
        elif action == SETATTR:
            # Checked in both modes: a finalizer runs outside the program's time.
            target = args[0]
            if id(target) in baseline_type_ids:
                taint.append('a standard class was changed')
            elif type(target) is FunctionType and id(target) in baseline_functions:
                taint.append('a standard function was changed')
            elif type(args[1]) is not str or args[1] == '__class__':
                taint.append("an object's class was changed")
        elif action == DENY:
            raise PermissionError('%s is not available in the sandbox' % event)
        elif action == SILENT:
            raise RuntimeError('audit hooks are reserved by the sandbox')
        elif action == ENV:
            # The name arrives as bytes (os.fsencode'd); kept unhashed: nothing of the program runs.
            env_names.append(args[0])
        elif action == PICKLE:
            if is_blocked(args[0]):
                raise PermissionError('%s is not available in the sandbox' % args[0])
        elif action == EXIT:
            # From os._exit, or from a program raising the event itself. Only an exact int in C's
            # range: the status goes to JavaScript as a number (a huge one recorded first would
            # have arrived as a BigInt, and been read as no exit at all).
            if not exit_calls and len(args) == 1 and type(args[0]) is int and -2**31 <= args[0] < 2**31:
                exit_calls.append(args[0])

    sys.addaudithook(audit)

    # ---- Entry points ------------------------------------------------------------------------
    def prepare(source, as_exec):
        """Compiles the program. Returns a callable that runs it, or (type, traceback) for a
        program that does not compile, shaped as CPython prints it when running a script.
        as_exec: run it as openai/human-eval does, exec(program, {}), rather than as a script."""
        exit_calls.clear()
        linecache_cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
        try:
            code = compile_program(source)
        except BaseException as error:
            error.__traceback__ = None
            # Errors found after parsing ('return' outside function, 'break' outside loop, a
            # duplicate argument) come without their line: CPython reads it back from the
            # script's file, and this program has none. Without it the caret is lost, in the
            # traceback a refiner is shown too.
            if isinstance(error, SyntaxError) and error.text is None and error.filename == FILENAME:
                lines = source.splitlines(True)
                if isinstance(error.lineno, int) and 0 < error.lineno <= len(lines):
                    error.text = lines[error.lineno - 1]
            try:
                text = ''.join(format_exception_only(type(error), error))
            except BaseException:
                text = type(error).__name__ + '\n'
            return (type(error).__name__, text)
        if as_exec:
            # exec(program, {}): the only name is the one exec adds, __builtins__ (their dict, not
            # the module), so __name__ is found among the builtins, 'builtins', and a main
            # guard's block does not run.
            namespace = {'__builtins__': builtins.__dict__}
        else:
            # As 'python program.py' has it, the namespace is the dict of sys.modules['__main__']:
            # unittest.main() and doctest.testmod() look there for what to test, pickle for the
            # program's classes. restore() puts the runner's module back.
            script = ModuleType('__main__')
            namespace = script.__dict__
            namespace['__file__'] = FILENAME
            namespace['__builtins__'] = builtins
            modules_dict['__main__'] = script
            main_replaced[0] = True
        current[:] = [namespace]
        mode[0] = 1
        return partial(exec_, code, namespace)

    def flush():
        """The program has ended: pushes what it left in the standard streams' buffers.
        Returns the status the program gave os._exit, or None."""
        mode[0] = 0
        for stream in streams[1:]:
            try:
                stream.flush()
            except BaseException:
                pass
        return exit_calls[0] if exit_calls else None

    # Captured now, so that restoring never looks a function up through a module the program
    # may have changed.
    is_not = operator.is_not
    call = operator.call
    repeat = itertools.repeat
    setrecursionlimit, getrecursionlimit = sys.setrecursionlimit, sys.getrecursionlimit
    set_int_max_str_digits, get_int_max_str_digits = sys.set_int_max_str_digits, sys.get_int_max_str_digits
    setswitchinterval, getswitchinterval = sys.setswitchinterval, sys.getswitchinterval
    set_asyncgen_hooks, get_asyncgen_hooks = sys.set_asyncgen_hooks, sys.get_asyncgen_hooks
    set_origin_depth, get_origin_depth = sys.set_coroutine_origin_tracking_depth, sys.get_coroutine_origin_tracking_depth
    gettrace, getprofile = sys.gettrace, sys.getprofile
    get_tool, clear_tool_id, free_tool_id = monitoring.get_tool, monitoring.clear_tool_id, monitoring.free_tool_id
    gc_disable, gc_enable, gc_freeze, gc_garbage = gc.disable, gc.enable, gc.freeze, gc.garbage
    gc_get_threshold, gc_set_threshold, gc_set_debug, gc_get_debug = gc.get_threshold, gc.set_threshold, gc.set_debug, gc.get_debug
    getsignal, setsignal, set_wakeup_fd = _signal.getsignal, _signal.signal, _signal.set_wakeup_fd
    pthread_sigmask, SIG_SETMASK, SIG_BLOCK = _signal.pthread_sigmask, int(signal.SIG_SETMASK), int(signal.SIG_BLOCK)
    atexit_count, atexit_clear = atexit._ncallbacks, atexit._clear
    setcontext, getcontext, Context = decimal.setcontext, decimal.getcontext, decimal.Context
    # The C type's repr: a finalizer may have set a subclass's context whose own repr is its code.
    context_repr = Context.__repr__
    decimal_repr = context_repr(decimal_context)
    template_reprs = tuple(map(context_repr, template_contexts))
    lookup_error, register_error = _codecs.lookup_error, _codecs.register_error
    tracing, stop_tracing = _tracemalloc.is_tracing, _tracemalloc.stop
    faults_enabled, faults_disable = faulthandler.is_enabled, faulthandler.disable
    # faulthandler.register(SIGUSR1) puts a C handler under Python's: a later program's
    # raise_signal then printed a traceback and went on where a fresh interpreter ends.
    # Signals ignored by default are left out: there the hook changes only what is printed.
    # About 0.2 µs a signal, in C (deque(map(…), 0)).
    faults_unregister = faulthandler.unregister
    fault_signals = []
    for number in signal_numbers:
        if number in (signal.SIGCHLD, signal.SIGURG, signal.SIGWINCH, signal.SIGCONT):
            continue
        try:
            faults_unregister(number)
            fault_signals.append(number)
        except (RuntimeError, ValueError, OSError):
            pass
    fault_signals = tuple(fault_signals)
    consume = collections.deque
    # Two settings of C modules that no dict holds: csv's field size limit (csv.field_size_limit(1)
    # made every later csv.reader fail) and struct's cache of compiled formats, keyed by the
    # format a program passed: a str subclass hashing like '<i' answered for it in later programs.
    field_size_limit, field_limit = _csv.field_size_limit, _csv.field_size_limit()
    clear_struct_cache = _struct._clearcache
    environ_obj, setlocale, LC_ALL = os.environ, locale.setlocale, locale.LC_ALL
    putenv, unsetenv = os.putenv, os.unsetenv
    filters_mutated = warnings._filters_mutated

    sys_dict = sys.__dict__
    held_frames = excepthook_globals['held_frames']
    exc_traceback, exc_cause, exc_context = BaseException.__traceback__, BaseException.__cause__, BaseException.__context__

    def release_cut_traceback():
        """The last exception's traceback was cut (runner-traceback-py.ts): detaches the tracebacks
        from it and its chain, then hands the frames to the grave, whose clearing frees a list from
        its end: innermost first, each frame alone. Descriptors, not attributes: no program code."""
        error = sys_dict.get('last_exc')
        for _ in range(100):
            if error is None or not issubclass(type(error), BaseException):
                break
            exc_traceback.__set__(error, None)
            cause = exc_cause.__get__(error)
            error = cause if cause is not None else exc_context.__get__(error)
        sys_dict.pop('last_traceback', None)
        grave.append(held_frames[:])
        held_frames.clear()

    def restore():
        """The program has ended: moves its namespace to the grave and puts back the
        interpreter-level state, with C calls only (the modules come back in settle). Returns
        the reasons this interpreter must be replaced."""
        mode[0] = 0
        gc_disable()
        grave.append(current[:])
        current.clear()
        # Into the grave, not dropped here: dropping it could run the program's code (a weakref
        # callback, or the __del__ of whatever the program put there instead). Looked up only
        # while every key of sys.modules is a str: a key of the program's with the hash of
        # '__main__' (a str subclass) would have its __eq__ called, here, with this frame below
        # it (audit R195-1). Otherwise, and after a program run as exec, settle() puts
        # sys.modules back from its copy, comparing by identity.
        if main_replaced[0]:
            main_replaced[0] = False
            if all(map(is_, map(type, modules_dict), repeat(str))):
                grave.append(modules_dict.get('__main__'))
                modules_dict['__main__'] = runner_main
        if held_frames:
            release_cut_traceback()
        linecache_cache.pop(FILENAME, None)
        if gc_garbage:
            grave.append(gc_garbage[:])
            gc_garbage.clear()
        if atexit_count():
            atexit_clear()
        consume(map(call, cache_clears), 0)
        if gettrace() is not None or getprofile() is not None:
            taint.append('a trace function was installed')
        for tool in range(6):
            if get_tool(tool) is not None:
                clear_tool_id(tool)
                free_tool_id(tool)
        if any(stream.closed for stream in streams):
            taint.append('a standard stream was closed')
        if getrecursionlimit() != recursion_limit:
            setrecursionlimit(recursion_limit)
        if get_int_max_str_digits() != int_digits:
            set_int_max_str_digits(int_digits)
        if getswitchinterval() != switch_interval:
            setswitchinterval(switch_interval)
        if gc_get_threshold() != gc_threshold:
            gc_set_threshold(*gc_threshold)
        gc_set_debug(0)
        if not all(map(is_, map(getsignal, signal_numbers), signal_handlers)):
            for number, handler in zip(signal_numbers, signal_handlers):
                if getsignal(number) is not handler:
                    setsignal(number, handler)
        set_wakeup_fd(-1)
        if not all(map(is_, map(lookup_error, error_names), error_handlers)):
            for name, handler in zip(error_names, error_handlers):
                register_error(name, handler)
        pthread_sigmask(SIG_SETMASK, signal_mask)
        if any(map(is_not, get_asyncgen_hooks(), asyncgen_hooks)):
            set_asyncgen_hooks(*asyncgen_hooks)
        if get_origin_depth() != origin_depth:
            set_origin_depth(origin_depth)
        setcontext(decimal_context.copy())
        if tracing():
            stop_tracing()
        if faults_enabled():
            faults_disable()
        consume(map(faults_unregister, fault_signals), 0)
        if field_size_limit() != field_limit:
            field_size_limit(field_limit)
        clear_struct_cache()
        if not all(map(is_, map(type, module_objs), module_types)):
            taint.append('a module changed its class')
        if not all(map(is_, map(get_attribute, dict_owners, repeat('__dict__')), owned_dicts)):
            taint.append("a standard object's __dict__ was replaced")
        # Before the program's objects are freed: a finalizer taking a lock the program left held
        # would wait for it until the clean-up's budget ran out.
        free_locks()
        return list(taint)

    def settings_changed():
        """After settle: restore() put these back before the grave was freed, and a finalizer run
        by that freeing could change them again (sys.setrecursionlimit(60) in a __del__ failed
        every later program's recursion; a key planted in typing's cache ran its __eq__ in a
        later program's List[float]). Only compared here, in C calls: putting them back again
        would free what the finalizer set and run its code, with nothing left to see what that
        did. True when one differs; the worker is then replaced."""
        return (getrecursionlimit() != recursion_limit or get_int_max_str_digits() != int_digits
                or getswitchinterval() != switch_interval or gc_get_threshold() != gc_threshold
                or gc_get_debug() != 0 or atexit_count() != 0
                or gettrace() is not None or getprofile() is not None
                or any(map(is_not, map(get_tool, range(6)), repeat(None)))
                or not all(map(is_, map(getsignal, signal_numbers), signal_handlers))
                or set_wakeup_fd(-1) != -1
                or not all(map(is_, map(lookup_error, error_names), error_handlers))
                or pthread_sigmask(SIG_BLOCK, ()) != signal_mask
                or any(map(is_not, get_asyncgen_hooks(), asyncgen_hooks))
                or get_origin_depth() != origin_depth
                or type(getcontext()) is not Context or context_repr(getcontext()) != decimal_repr
                or tracing() or faults_enabled() or field_size_limit() != field_limit
                or any(map(len, cache_dicts)))

    def dict_differs(d, snapshot):
        return len(d) != len(snapshot) or not all(map(is_, d.values(), snapshot.values())) or not all(map(is_, d, snapshot))

    def settle(written, moved):
        """Called after the grave is freed and cycles collected (finalizers may run then):
        restores every watched dict, list, set and cell that changed. True when nothing had.

        written: the indices of the watched dicts written since the last call, comma-separated
        (dict-watch.ts sees every write), or None to compare them all here (slower).
        moved: the same for the standard library's lists and sets (container-watch.ts sees any
        change to their tables), or None."""
        changed = False
        candidates = containers_changed() if moved is None else [int(i) for i in moved.split(',') if i]
        for i in candidates:
            if container_differs(i):
                changed = True
                c, snapshot = containers[i], container_copies[i]
                # The grave holds the program's members: clearing must not run their finalizers
                # with this frame below them.
                grave.append(tuple(c))
                if container_is_list[i]:
                    c[:] = snapshot
                else:
                    c.clear()
                    c.update(snapshot)
        if candidates and moved is None:
            # A set refilled, or emptied and refilled by the program, may iterate in another order.
            container_items[:] = chain(containers)
        if written is None:
            candidates = range(len(watched_dicts)) if dicts_changed() else ()
        else:
            candidates = [int(i) for i in written.split(',') if i]
        for i in candidates:
            d, snapshot = watched_dicts[i], dict_copies[i]
            if dict_differs(d, snapshot):
                changed = True
                grave.append(d.copy())
                d.clear()
                d.update(snapshot)
        if lists_changed():
            changed = True
            for l, snapshot in zip(watched_lists, list_copies):
                if len(l) != len(snapshot) or not all(map(is_, l, snapshot)):
                    grave.append(l[:])
                    l[:] = snapshot
        if cells_changed():
            changed = True
            for cell, value in zip(watched_cells, cell_values):
                try:
                    if cell.cell_contents is value:
                        continue
                    grave.append(cell.cell_contents)
                except ValueError:
                    pass
                cell.cell_contents = value
        return not changed

    def reset_newlines():
        """A standard stream's newline setting changed (newline-watch.ts saw it): puts it back."""
        for stream in streams:
            try:
                TextIOWrapper.reconfigure(stream, newline='\n')
            except BaseException:
                taint.append('a standard stream could not be reconfigured')
        return list(taint)

    def finish():
        """With the modules back: the state whose restoring runs standard-library code."""
        # Never put back, so looked at once, here, for the program and its finalizers alike.
        if tuple(map(context_repr, template_contexts)) != template_reprs:
            taint.append('a decimal template context was changed')
        if settings_changed():
            taint.append("a finalizer changed the interpreter's settings after the restore")
        filters_mutated()
        # After settle: the program's objects are freed and collected. A class derived from a
        # standard ABC still alive is held by something the restore does not reach; it would
        # go on answering. Every class derived from one is a direct subclass of one of them
        # (a standard class between them is an ABC too, by its metaclass).
        if tuple(map(len, map(subclasses_of, abc_classes))) != abc_subclass_counts:
            taint.append('a class derived from a standard ABC outlived the program')
        # An ABC caches what its subclasses answered while they lived: every standard ABC's
        # caches emptied, a few microseconds in all, since nothing a program cannot reach says
        # which ones a class of its asked. They fill again as later programs ask.
        consume(map(abc_reset_caches, abc_classes), 0)
        if abc_token() != abc_version[0]:
            restore_abcs()
        # Again after settle: a finalizer may have taken one.
        free_locks()
        changed = streams_changed()
        if changed:
            reason = 'a standard stream was closed' if changed == 'closed' else 'a standard stream was set up again in place (its __init__ called again)'
            if reason not in taint:
                taint.append(reason)
        if objects_changed():
            taint.append('a struct.Struct or functools.partial of the standard library was set up again in place')
        # After settle: the streams' own attributes (a replaced write) are back, and reconfigure
        # flushes through them.
        if tuple(map(stream_setting, streams)) != stream_settings:
            for stream, (encoding, errors, line_buffering, write_through) in zip(streams, stream_settings):
                try:
                    TextIOWrapper.reconfigure(stream, encoding=encoding, errors=errors,
                                              line_buffering=line_buffering, write_through=write_through)
                except BaseException:
                    taint.append('a standard stream could not be reconfigured')
        if dict(environ_obj) != environ:
            environ_obj.clear()
            environ_obj.update(environ)
        if env_names:
            names = {name for name in env_names if type(name) is bytes}
            for name in names:
                value = c_environ.get(name)
                if value is None:
                    unsetenv(name)
                else:
                    putenv(name, value)
            # Those calls were audited too.
            env_names.clear()
        if setlocale(LC_ALL) != locale_all:
            setlocale(LC_ALL, locale_all)
        random_inst.seed()
        gc_enable()
        mark_frozen()
        return list(taint)

    # The collector's permanent generation (freeze-watch.ts): a program's gc.freeze() kept its
    # garbage cycles, and their finalizers, out of every later collection, until a later program
    # unfroze them and they ran there. After the runner's own freeze, one fresh object is frozen
    # alone, so that it is the list's last: a program that froze or unfroze moved that end, and
    # its worker is replaced.
    freeze_marker = [None]
    frozen_probes = []

    def mark_frozen():
        gc_freeze()
        freeze_marker[0] = []
        gc_freeze()
        return id(freeze_marker[0])

    def probe_freeze(step):
        if step == 0:
            frozen_probes.clear()
            return mark_frozen()
        frozen_probes.append([])
        gc_freeze()
        return 0

    report['containerAddresses'] = list(map(id, containers))
    report['containerKinds'] = ''.join('l' if is_list else 's' for is_list in container_is_list)
    report['containerProbes'] = {'list': id(list_probe), 'set': id(set_probe), 'members': list(map(id, probe_members))}
    report['baselineModules'] = len(module_objs)
    report['baselineEntries'] = len(dict_values)
    return {'touch_probe': touch_probe, 'probe_codecs': probe_codecs, 'reset_codecs': reset_codecs,
            'probe_newline': probe_newline, 'reset_newlines': reset_newlines, 'prepare': prepare, 'flush': flush, 'restore': restore, 'settle': settle, 'finish': finish,
            'probe_descriptors': probe_descriptors, 'descriptors_changed': descriptors_changed,
            'grave_clear': grave.clear, 'gc_collect': gc.collect, 'probe_freeze': probe_freeze,
            'report': json.dumps(report)}
`;

/**
 * Standard-library modules imported once at start-up, before the baseline snapshot: those that
 * HumanEval and MBPP solutions use, so a program's `import` finds them already loaded (fast)
 * and any change it makes to them is undone. Modules outside this list still import, fresh for
 * each program, and are dropped after it.
 */
export const BASELINE_MODULES = [
  'typing', 'math', 're', 'collections', 'collections.abc', 'itertools', 'functools', 'heapq',
  'string', 'bisect', 'hashlib', 'statistics', 'fractions', 'operator', 'copy', 'random',
  'datetime', 'decimal', 'cmath', 'sys', 'os', 'json', 'array', 'textwrap', 'numbers',
  'unicodedata', 'dataclasses', 'enum', 'abc', 'io', 'time', 'types', 'struct', 'queue',
  'calendar', 'contextlib', 'inspect', 'pprint', 'traceback', 'secrets', 'base64', 'binascii',
  'difflib', 'locale', 'csv', 'weakref', 'copyreg', 'linecache', 'signal', 'warnings',
];

/**
 * Modules a program must never import: the bridges to JavaScript, the package manager, raw
 * memory access (ctypes), and CPython's test extensions, which can corrupt memory.
 */
export const BLOCKED_MODULES = [
  'js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core', 'micropip', 'pyodide_http',
  'ctypes', '_ctypes', '_testcapi', '_testinternalcapi', '_testbuffer', '_testlimitedcapi',
  '_testclinic', '_testclinic_limited', '_testmultiphase', '_testsinglephase', '_xxtestfuzz',
  '_remote_debugging', 'xxsubtype',
];
