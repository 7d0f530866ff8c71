#!/usr/bin/env python3
"""CPython reference runner for Feedback Lab.

Scores already-assembled programs the way openai/human-eval does: every program runs in a
fresh interpreter process of its own, under a wall-clock limit, and ends as one of three
verdicts: passed, timeout, or failed with the class name of whatever was raised. The project
uses it as the yardstick for its Pyodide sandbox (tests/integration/scoring and bench/), so
both sides are given byte-identical program text and the same per-program time limit.

Input:  JSONL, one {"key": str, "program": str, "timeout_s": float (optional)} per line.
Output: JSONL, one {"key", "verdict": "passed"|"failed"|"timeout", "error_type"} per program,
        written as each finishes (completion order, not input order).

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
Standard library only; Python 3.11+.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Iterator

DEFAULT_TIMEOUT_S = 3.0
DEFAULT_MAX_OUTPUT_CHARS = 1_000_000
DEFAULT_MEMORY_BYTES = 2 * 1024**3
# A C-level loop (sum(range(10**12)), time.sleep in a bare except) cannot be interrupted by the
# in-child alarm; the parent kills the process this long after the deadline.
HARD_KILL_GRACE_S = 1.0

# Runs inside the child before the program. argv: result fd, program path, timeout, memory cap.
# It reports on a pipe of its own rather than on stdout, so nothing the program prints can be
# mistaken for the verdict, and a missing report means the process died (a crash).
CHILD_WRAPPER = r"""
import os, resource, signal, sys

class _Deadline(BaseException):
    pass

def _main():
    fd, path, timeout_s, memory_bytes = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    sys.argv = ['']
    with open(path, encoding='utf-8') as f:
        source = f.read()
    os.unlink(path)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    def on_alarm(signum, frame):
        raise _Deadline()

    signal.signal(signal.SIGALRM, on_alarm)
    program_globals = {'__name__': '__main__', '__builtins__': __builtins__}
    # Fire at the deadline, then again every 250 ms: a bare `except:` in the program can
    # swallow one interruption but not all of them.
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout_s, 0.25)
            exec(compile(source, '<program>', 'exec'), program_globals)
            verdict, error_type = 'passed', ''
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Deadline:
        verdict, error_type = 'timeout', ''
    except BaseException as error:
        verdict, error_type = 'failed', type(error).__name__
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os.write(fd, (verdict + ' ' + error_type).encode())
    os.close(fd)
    # Skip interpreter teardown: atexit handlers and finalizers belong to the program.
    os._exit(0)

_main()
"""


def run_program(program: str, timeout_s: float, max_output_chars: int, memory_bytes: int) -> tuple[str, str]:
    """Runs one program in its own python3 process; returns (verdict, error_type)."""
    with tempfile.TemporaryDirectory(prefix="feedback-lab-ref-") as workdir:
        program_path = os.path.join(workdir, "program.py")
        with open(program_path, "w", encoding="utf-8") as f:
            f.write(program)
        report_read, report_write = os.pipe()
        try:
            child = subprocess.Popen(
                [sys.executable, "-I", "-c", CHILD_WRAPPER, str(report_write), program_path, repr(timeout_s), str(memory_bytes)],
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(report_write,),
                start_new_session=True,
            )
        finally:
            os.close(report_write)
        try:
            return _watch(child, report_read, timeout_s, max_output_chars)
        finally:
            _kill_group(child)
            os.close(report_read)
            if child.stdout:
                child.stdout.close()


def _watch(child: subprocess.Popen[bytes], report_fd: int, timeout_s: float, max_output_chars: int) -> tuple[str, str]:
    assert child.stdout is not None
    hard_deadline = time.monotonic() + timeout_s + HARD_KILL_GRACE_S
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    output_chars = 0
    report = b""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ, "output")
    selector.register(report_fd, selectors.EVENT_READ, "report")
    open_streams = 2
    while open_streams:
        remaining = hard_deadline - time.monotonic()
        if remaining <= 0:
            return "timeout", ""
        for key, _ in selector.select(timeout=remaining):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == "report":
                report += chunk
            else:
                # Count characters, not bytes, as the sandbox does with JS strings.
                output_chars += len(decoder.decode(chunk))
                if output_chars > max_output_chars:
                    return "failed", "OutputLimit"
    selector.close()
    try:
        child.wait(timeout=max(0.0, hard_deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return "timeout", ""
    verdict, _, error_type = report.decode("utf-8", "replace").partition(" ")
    if verdict not in ("passed", "failed", "timeout"):
        return "failed", "Crash"
    return verdict, error_type


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    # The program may have started processes of its own; they share the child's session.
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


def read_requests(stream: IO[str]) -> Iterator[dict]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"line {number}: not JSON ({error})")
        if not isinstance(request, dict) or not isinstance(request.get("key"), str) or not isinstance(request.get("program"), str):
            raise SystemExit(f'line {number}: expected an object with string fields "key" and "program"')
        yield request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score assembled Python programs, one CPython process each (openai/human-eval model).")
    parser.add_argument("input", nargs="?", default="-", help="JSONL of {key, program, timeout_s}; - for stdin (default)")
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
    write_lock = threading.Lock()

    def score(request: dict) -> None:
        timeout_s = float(request.get("timeout_s") or args.timeout)
        verdict, error_type = run_program(request["program"], timeout_s, args.max_output_chars, args.memory_bytes)
        line = json.dumps({"key": request["key"], "verdict": verdict, "error_type": error_type})
        with write_lock:
            sink.write(line + "\n")
            sink.flush()

    with source, ThreadPoolExecutor(max_workers=args.workers) as pool:
        # Consume results as they come so that an error in one surfaces instead of hiding.
        for future in [pool.submit(score, request) for request in read_requests(source)]:
            future.result()
    if sink is not sys.stdout:
        sink.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
