#!/usr/bin/env python3
"""CPython reference runner for Feedback Lab.

Scores already-assembled programs the way openai/human-eval does: every program runs in a
process of its own, forked from this runner (as human-eval's multiprocessing.Process forks from
its evaluator), under a wall-clock limit, and ends as one of three verdicts: passed, timeout,
or failed with the class name of whatever was raised. The project uses it as the yardstick for
its Pyodide sandbox (tests/integration/scoring and bench/), so both sides are given
byte-identical program text and the same per-program time limit.

Input:  JSONL, one {"key": str, "program": str, "timeout_s": float (optional),
        "run_as": "script" | "exec" (optional, default "script")} per line.
Output: JSONL, one {"key", "verdict": "passed"|"failed"|"timeout", "error_type"} per program,
        written as each finishes (completion order, not input order).

How a program runs ("run_as"):
- "exec", as human-eval's check_correctness: exec(program, {}), so __name__ is 'builtins' and a
  main guard's block does not run; standard input cannot be read (reading it raises OSError, as
  human-eval's WriteOnlyStringIO does).
- "script", as `python program.py` with standard input at /dev/null: __name__ == '__main__',
  input() raises EOFError. The study's harness ran a subprocess.
Either way the program is compiled on its own (dont_inherit), not under this file's
`from __future__ import annotations`, which made every annotation a string and so let a missing
`from typing import List` pass.

Differences from human-eval, on purpose:
- Output is swallowed but capped: past --max-output-chars characters of stdout+stderr the
  program is killed and fails with error_type "OutputLimit" (the sandbox does the same).
- A process that dies without reporting (os._exit, a signal, an interpreter crash) fails with
  error_type "Crash"; human-eval would call it "timed out".
- builtins such as exit/quit are left alone (human-eval sets them to None, which turns exit()
  into a TypeError); here, as in the sandbox, exit() raises SystemExit and fails as such.
- The address space is capped (RLIMIT_AS) so that memory bombs end in MemoryError, as they do
  against Pyodide's bounded wasm heap.

Like human-eval this is not a security boundary: run only programs you are willing to run.
Standard library only; Python 3.11+ on a POSIX system (fork, setitimer, rlimits).
"""

from __future__ import annotations

import argparse
import codecs
import json
import io
import os
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time
import types
from dataclasses import dataclass, field
from typing import IO, Iterator

DEFAULT_TIMEOUT_S = 3.0
DEFAULT_MAX_OUTPUT_CHARS = 1_000_000
DEFAULT_MEMORY_BYTES = 2 * 1024**3
# A C-level loop (sum(range(10**12)), time.sleep under a bare except) cannot be interrupted by
# the in-child alarm; the runner kills the process this long after the deadline.
HARD_KILL_GRACE_S = 1.0
# The alarm fires at the deadline and then again this often, so that a bare `except:` in the
# program swallows one interruption but not all of them.
ALARM_REPEAT_S = 0.25


class _Deadline(BaseException):
    """Raised in the child by SIGALRM; a BaseException so that `except Exception` cannot catch it."""


@dataclass
class Running:
    key: str
    pid: int
    workdir: str
    hard_deadline: float
    decoder: codecs.IncrementalDecoder
    output_chars: int = 0
    report: bytes = b""
    open_streams: int = 2
    ending: tuple[str, str] | None = field(default=None)


def run_child(program: str, timeout_s: float, run_as: str, memory_bytes: int, output_fd: int, report_fd: int, workdir: str) -> None:
    """In the forked child: run the program, report the verdict on report_fd, never return."""
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        # The report pipe lives at fd 3 and every other inherited descriptor (sibling pipes,
        # the runner's input and output) is closed, so the program sees only its own.
        os.dup2(report_fd, 3)
        os.closerange(4, 65536)
        os.chdir(workdir)
        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        # sys.stdout and sys.stderr follow fds 1 and 2 (their buffers were flushed before the
        # fork); sys.stdin may hold buffered requests of the runner's own input, so replace it.
        sys.stdin = open(0, encoding="utf-8", closefd=False) if run_as == "script" else _Unreadable()
        sys.argv = [""]
        verdict, error_type = execute(program, timeout_s, run_as)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os.write(3, f"{verdict} {error_type}".encode())
    finally:
        # Skip interpreter teardown: atexit handlers and finalizers belong to the program.
        os._exit(0)


class _Unreadable(io.StringIO):
    """Standard input under "exec", as human-eval's WriteOnlyStringIO: reading it raises OSError."""

    def read(self, *args: object, **kwargs: object) -> str:
        raise OSError

    def readline(self, *args: object, **kwargs: object) -> str:
        raise OSError

    def readlines(self, *args: object, **kwargs: object) -> list[str]:
        raise OSError

    def readable(self, *args: object, **kwargs: object) -> bool:
        return False


def execute(program: str, timeout_s: float, run_as: str) -> tuple[str, str]:
    def on_alarm(signum: int, frame: object) -> None:
        raise _Deadline()

    signal.signal(signal.SIGALRM, on_alarm)
    program_globals: dict[str, object] = {}
    if run_as == "script":
        # A script's namespace is the dict of the module sys.modules["__main__"], where
        # unittest.main(), doctest.testmod() and pickle look (the sandbox gives the same). This
        # child runs one program and exits: the runner's own __main__ is not needed back.
        script = types.ModuleType("__main__")
        script.__dict__.update(__file__="program.py", __builtins__=__builtins__)
        sys.modules["__main__"] = script
        program_globals = script.__dict__
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout_s, ALARM_REPEAT_S)
            exec(compile(program, "program.py", "exec", dont_inherit=True), program_globals)
            return "passed", ""
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Deadline:
        return "timeout", ""
    except BaseException as error:
        return "failed", type(error).__name__


class Runner:
    """Keeps up to `workers` children running, watching their output and deadlines in one loop."""

    def __init__(self, workers: int, max_output_chars: int, memory_bytes: int, sink: IO[str]) -> None:
        self.workers = workers
        self.max_output_chars = max_output_chars
        self.memory_bytes = memory_bytes
        self.sink = sink
        self.selector = selectors.DefaultSelector()
        self.running: dict[int, Running] = {}

    def run_all(self, requests: Iterator[tuple[str, str, float, str]]) -> None:
        pending = iter(requests)
        exhausted = False
        try:
            while True:
                while not exhausted and len(self.running) < self.workers:
                    request = next(pending, None)
                    if request is None:
                        exhausted = True
                    else:
                        self.start(*request)
                if not self.running:
                    return
                self.step()
        finally:
            # Interrupted or failed: leave no child behind (one in a C-level loop never ends).
            for child in list(self.running.values()):
                child.ending = child.ending or ("failed", "Crash")
                self.finish(child)

    def start(self, key: str, program: str, timeout_s: float, run_as: str) -> None:
        workdir = tempfile.mkdtemp(prefix="feedback-lab-ref-")
        output_read, output_write = os.pipe()
        report_read, report_write = os.pipe()
        # Flushed first, or the child would inherit buffered output and repeat it.
        self.sink.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(output_read)
            os.close(report_read)
            run_child(program, timeout_s, run_as, self.memory_bytes, output_write, report_write, workdir)
        os.close(output_write)
        os.close(report_write)
        child = Running(
            key=key,
            pid=pid,
            workdir=workdir,
            hard_deadline=time.monotonic() + timeout_s + HARD_KILL_GRACE_S,
            decoder=codecs.getincrementaldecoder("utf-8")(errors="replace"),
        )
        self.running[pid] = child
        self.selector.register(output_read, selectors.EVENT_READ, (child, "output"))
        self.selector.register(report_read, selectors.EVENT_READ, (child, "report"))

    def step(self) -> None:
        now = time.monotonic()
        wait_s = max(0.0, min(child.hard_deadline for child in self.running.values()) - now)
        for key, _ in self.selector.select(timeout=wait_s):
            child, stream = key.data
            if child.ending is not None:
                continue
            chunk = os.read(key.fd, 65536)
            if not chunk:
                self.selector.unregister(key.fd)
                os.close(key.fd)
                child.open_streams -= 1
            elif stream == "report":
                child.report += chunk
            else:
                # Count characters, not bytes, as the sandbox does with JS strings.
                child.output_chars += len(child.decoder.decode(chunk))
                if child.output_chars > self.max_output_chars:
                    child.ending = ("failed", "OutputLimit")
        now = time.monotonic()
        for child in list(self.running.values()):
            if child.ending is None and now >= child.hard_deadline:
                child.ending = ("timeout", "")
            if child.ending is None and child.open_streams == 0:
                child.ending = self.reported(child)
            if child.ending is not None:
                self.finish(child)

    def reported(self, child: Running) -> tuple[str, str]:
        verdict, _, error_type = child.report.decode("utf-8", "replace").partition(" ")
        if verdict not in ("passed", "failed", "timeout"):
            # No report: os._exit, a signal, or the interpreter itself died.
            return "failed", "Crash"
        return verdict, error_type

    def finish(self, child: Running) -> None:
        try:
            # The program may have started processes of its own; they share the child's session.
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        os.waitpid(child.pid, 0)
        for key in list(self.selector.get_map().values()):
            if key.data[0] is child:
                self.selector.unregister(key.fd)
                os.close(key.fd)
        shutil.rmtree(child.workdir, ignore_errors=True)
        del self.running[child.pid]
        verdict, error_type = child.ending or ("failed", "Crash")
        self.sink.write(json.dumps({"key": child.key, "verdict": verdict, "error_type": error_type}) + "\n")
        self.sink.flush()


def read_requests(stream: IO[str], default_timeout_s: float) -> Iterator[tuple[str, str, float, str]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"line {number}: not JSON ({error})")
        if not isinstance(request, dict) or not isinstance(request.get("key"), str) or not isinstance(request.get("program"), str):
            raise SystemExit(f'line {number}: expected an object with string fields "key" and "program"')
        timeout_s = request.get("timeout_s")
        run_as = request.get("run_as", "script")
        if run_as not in ("script", "exec"):
            raise SystemExit(f'line {number}: "run_as" must be "script" or "exec"')
        yield request["key"], request["program"], float(timeout_s) if timeout_s else default_timeout_s, run_as


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score assembled Python programs, one forked process each (openai/human-eval model).")
    parser.add_argument("input", nargs="?", default="-", help="JSONL of {key, program, timeout_s, run_as}; - for stdin (default)")
    parser.add_argument("--output", "-o", default="-", help="JSONL of {key, verdict, error_type}; - for stdout (default)")
    parser.add_argument("--workers", type=int, default=2, help="programs run in parallel (default 2)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds, for requests without timeout_s (default 3)")
    parser.add_argument("--max-output-chars", type=int, default=DEFAULT_MAX_OUTPUT_CHARS, help="stdout+stderr cap before OutputLimit (default 1000000)")
    parser.add_argument("--memory-bytes", type=int, default=DEFAULT_MEMORY_BYTES, help="RLIMIT_AS of each child; 0 for none (default 2 GiB)")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    sink = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    with source:
        Runner(args.workers, args.max_output_chars, args.memory_bytes, sink).run_all(read_requests(source, args.timeout))
    if sink is not sys.stdout:
        sink.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
