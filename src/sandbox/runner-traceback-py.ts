/**
 * Part of the Python runner (runner-py.ts prepends it): the hook that prints an uncaught
 * exception, which is where the sandbox's traceback text comes from (Pyodide formats the error
 * it hands to JavaScript through `sys.excepthook`).
 *
 * It prints what `traceback.print_exception` prints, except that a traceback thousands of frames
 * deep loses its middle. A program that raises its recursion limit and then recurses without end
 * (`sys.setrecursionlimit(10**6)` is a common first line) ends with a RecursionError whose
 * traceback has one frame per call. CPython prints 100,000 frames in a fraction of a second;
 * Pyodide needs about 0.2 ms a frame, so formatting alone outlasted the time limit and the
 * sandbox said "timeout" where CPython says RecursionError. The frames cut are the repeats in
 * the middle; both ends stay (where the recursion started, where it failed), and a first line
 * says how many went.
 *
 * Freeing such a traceback is deep too (each frame frees its caller); the hook keeps its frames
 * in a list that the runner detaches from the exception and frees innermost first.
 *
 * The hook runs after the program has ended but may call its code (an exception's `__str__`),
 * so its globals are a namespace of its own, holding nothing of the runner's; the runner
 * restores that namespace after each program like a module's.
 */

export const TRACEBACK_PY = String.raw`
EXCEPTHOOK_PY = '''
import sys
from traceback import TracebackException

# Tracebacks up to the default recursion limit print whole, as in CPython.
LONGEST = 1200
KEPT_AT_EACH_END = 100

# Every frame of a cut traceback, outermost first, kept until the runner frees them in order.
held_frames = []


def cut_middle(tb):
    """Splices the middle out of a traceback deeper than LONGEST; returns how many frames went."""
    entries = []
    while tb is not None:
        entries.append(tb)
        tb = tb.tb_next
    if len(entries) <= LONGEST:
        return 0
    # Each frame holds the one that called it (f_back). Freed with the exception, the innermost
    # would free its caller, and so on: one nested C call per frame, which overflows a browser
    # worker's stack after a few thousand. The runner frees this list from its end instead.
    held_frames.extend([entry.tb_frame for entry in entries])
    cut = len(entries) - 2 * KEPT_AT_EACH_END
    entries[KEPT_AT_EACH_END - 1].tb_next = entries[-KEPT_AT_EACH_END]
    # Dropped from the head on, one at a time, so that each entry is freed alone: dropping the
    # whole run at once would free it from its head, one nested call per entry.
    for i in range(KEPT_AT_EACH_END, len(entries) - KEPT_AT_EACH_END):
        entries[i] = None
    return cut


def format_repeats_once(report):
    """Makes every stack of a report (its causes, contexts and groups too) format each distinct frame
    once. StackSummary.format formats every frame before it folds a recursion's repeats into
    "[Previous line repeated N more times]", and since Python 3.13 a frame's text takes two parses
    of its source line (for the carets): about 0.3 ms a frame in Pyodide, a third of a second for a
    RecursionError. The text of a frame depends only on where it is (file, lines, columns, function)
    (and, for a file named like <string>, its code object) and on its locals, which these reports
    do not capture, so the printed text is unchanged.
    The cache lives on the stacks of this one report: the next program's lines are other lines."""
    texts = {}
    pending, seen = [report], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        remember_frame_texts(current.stack, texts)
        pending.extend([current.__cause__, current.__context__, *(current.exceptions or ())])


def remember_frame_texts(stack, texts):
    format_frame = stack.format_frame_summary

    def format_frame_summary(frame, **options):
        if frame.locals:
            return format_frame(frame, **options)
        # The code object too: a file name like <string> may stand for several sources.
        key = (id(frame._code), frame.filename, frame.lineno, frame.end_lineno, frame.colno, frame.end_colno, frame.name, tuple(sorted(options.items())))
        text = texts.get(key)
        if text is None:
            text = texts[key] = format_frame(frame, **options)
        return text

    # An attribute of this one stack, not of StackSummary: a method on the instance is found first.
    stack.format_frame_summary = format_frame_summary


def excepthook(kind, error, tb, /):
    left_out = 0
    seen = set()
    current, current_tb = error, tb
    while current is not None and id(current) not in seen and len(seen) < 100:
        seen.add(id(current))
        left_out += cut_middle(current_tb)
        cause = current.__cause__
        current = cause if cause is not None else (None if current.__suppress_context__ else current.__context__)
        current_tb = getattr(current, '__traceback__', None)
    # What format_exception does, with each stack's repeated frames formatted once.
    report = TracebackException(type(error), error, tb, compact=True)
    format_repeats_once(report)
    lines = list(report.format())
    if left_out:
        lines.insert(0, '[\\u2026 %s frames cut from the middle of the traceback below by the sandbox \\u2026]\\n' % format(left_out, ','))
    file = sys.stderr
    for line in lines:
        print(line, file=file, end='')
'''


def install_excepthook():
    import sys, builtins
    namespace = {'__name__': 'sandbox_excepthook', '__builtins__': builtins}
    exec(compile(EXCEPTHOOK_PY, '<sandbox excepthook>', 'exec'), namespace)
    sys.excepthook = namespace['excepthook']
    # The caller restores this namespace after every program, with the modules' own: a program
    # called back from the hook could otherwise change it for the programs after it.
    return namespace
`;
