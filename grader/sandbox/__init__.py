"""Isolated execution of one submission (SPEC §5, trust boundary and limits).

Design. The learner's code never runs in the grader's process. For each submission, run() starts
a fresh interpreter, `sys.executable -I -S grader/sandbox/worker.py LIBDIR`: -I ignores every
PYTHON* variable and keeps the script's and the current directory off sys.path, -S skips
site-packages. LIBDIR is a private temporary directory holding only a symlink to numpy (and
numpy.libs) and a fresh copy of grader/judge (which imports only numpy and itself), so the
worker's sys.path is the standard library plus those two: `solutions`, the catalogue and the
hidden cases are not importable, and the worker never had them in memory — it receives inputs as
JSON wire data, never expected values.

Fences around the process:
- environment cleared except PATH, LANG/LC_ALL and one-thread BLAS settings; cwd and HOME a
  private temporary directory, removed afterwards; stdin a file holding the request;
- resource limits: RLIMIT_AS (memory), RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CORE = 0
  and RLIMIT_NPROC = 0 (no fork; the kernel does not enforce it for root). The worker sets them on
  itself, after reading the request and before running any learner code, rather than in a
  preexec_fn: grade() starts workers from several threads, and Python documents preexec_fn as
  unsafe in a threaded program (the child may deadlock before exec);
- its own session (process group); after the wall-clock timeout, or once the worker has exited,
  the parent kills the whole group with SIGKILL, so stray children die with it;
- the worker itself applies a Landlock ruleset when the kernel offers one (Linux ≥ 5.13, no
  privileges needed): read-only access to the standard library, numpy and LIBDIR, read-write only
  to its cwd, no TCP, no signals to processes outside it. Without Landlock the other fences still
  hold, but the learner's code could read files the grading user can read;
- learner output goes to a capped buffer (fds 1/2 to /dev/null); the protocol travels on a
  duplicate of the original stdout made before any learner code ran, and the parent stops reading
  it past PROTOCOL_CAP bytes.
What comes back is parsed with json and wire.decode only: values, never code or pickles. A call
with no line after a kill is a timeout; after the worker died by itself, an error.
"""
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from .. import judge
from . import confine
from ..judge import wire
from ..judge.diagnose import Outcome

WORKER = Path(__file__).with_name("worker.py")
PROTOCOL_CAP = 64 * 2 ** 20
STDERR_CAP = 64 * 2 ** 10


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults suit the course's exercises with a wide margin."""
    timeout: float = 60.0  # wall clock for the whole submission, seconds
    call_timeout: float = 5.0  # one call of one function on one case
    cell_timeout: float = 10.0  # one cell at the top level
    memory: int = 2 * 2 ** 30  # address space, bytes
    output_cap: int = 2 ** 20  # learner's printed output kept, characters
    file_size: int = 16 * 2 ** 20  # largest file the learner may write, bytes
    open_files: int = 64


@dataclass
class RunResult:
    """What one worker run gave, as trusted plain data."""
    outcomes: dict = field(default_factory=dict)  # (exercise, case) -> Outcome
    missing: set = field(default_factory=set)  # exercises not defined after the cells ran
    called: dict = field(default_factory=dict)  # exercise -> set of other traced names it called
    cell_errors: dict = field(default_factory=dict)  # cell index -> (error, message)
    killed: bool = False  # the wall-clock timeout struck
    exit_status: int | None = None
    landlock: int = 0
    output: str = ""
    stderr: str = ""
    seconds: float = 0.0


def _libdir():
    """A private directory holding numpy (symlinked) and a copy of grader/judge as `judge`."""
    libdir = Path(tempfile.mkdtemp(prefix="backprop-lib-"))
    numpy_dir = Path(numpy.__file__).resolve().parent
    (libdir / "numpy").symlink_to(numpy_dir, target_is_directory=True)
    libs = numpy_dir.parent / "numpy.libs"
    if libs.is_dir():
        (libdir / "numpy.libs").symlink_to(libs, target_is_directory=True)
    (libdir / "judge").mkdir()
    for module in Path(judge.__file__).parent.glob("*.py"):
        shutil.copyfile(module, libdir / "judge" / module.name)
    shutil.copyfile(WORKER, libdir / WORKER.name)  # the grader's own folder is hidden in the sandbox
    return libdir


def _rlimits(limits):
    """The resource limits the worker sets on itself before any learner code runs."""
    return {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": int(limits.timeout) + 2, "RLIMIT_FSIZE": limits.file_size,
            "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0, "RLIMIT_NPROC": 0}


def _environment(home):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return env


def run(cells, calls, limits=Limits(), trace=()):
    """Run cells (list of {"id", "code"}) then calls (list of {"exercise", "case", "inputs": wire})
    in a fresh sandboxed worker; return a RunResult. Never raises for anything the learner did."""
    start = time.monotonic()
    libdir = _libdir()
    home = tempfile.mkdtemp(prefix="backprop-run-")
    request = {"cells": cells, "calls": calls, "call_timeout": limits.call_timeout,
               "cell_timeout": limits.cell_timeout, "output_cap": limits.output_cap, "trace": list(trace),
               "rlimits": _rlimits(limits)}
    try:
        with tempfile.TemporaryFile() as stdin:
            stdin.write(json.dumps(request, allow_nan=False).encode("utf-8"))
            stdin.seek(0)
            worker = [sys.executable, "-I", "-S", str(libdir / WORKER.name), str(libdir)]
            proc = subprocess.Popen(confine.command(worker, libdir, home),
                                    stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    cwd=home, env=_environment(home), start_new_session=True, close_fds=True)
            out, err, killed = _collect(proc, start + limits.timeout)
        result = _parse(out, calls)
        result.killed, result.exit_status = killed, proc.returncode
        result.stderr = err.decode("utf-8", "replace")
        _fill_silent_calls(result, calls)
    finally:
        shutil.rmtree(libdir, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    result.seconds = time.monotonic() - start
    return result


def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _collect(proc, deadline):
    """Read the protocol and stderr until both close, the worker exits or the deadline passes."""
    buffers = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    caps = {proc.stdout: PROTOCOL_CAP, proc.stderr: STDERR_CAP}
    selector = selectors.DefaultSelector()
    for stream in buffers:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    killed, exited_at = False, None
    while selector.get_map():
        now = time.monotonic()
        if now >= deadline:
            killed = proc.poll() is None
            break
        if proc.poll() is not None:
            if exited_at is None:
                exited_at = now
                _kill_group(proc)  # stray children in its group would hold the pipes open
            elif now - exited_at > 1.0:  # one that left the group holds them: stop waiting for it
                break
        for key, _ in selector.select(timeout=min(0.2, max(0.0, deadline - now))):
            try:
                chunk = os.read(key.fileobj.fileno(), 65536)
            except BlockingIOError:
                continue
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            buffer = buffers[key.fileobj]
            if len(buffer) < caps[key.fileobj]:
                buffer.extend(chunk[:caps[key.fileobj] - len(buffer)])
            elif key.fileobj is proc.stdout:  # flooding the protocol: stop here
                killed = True
                selector.unregister(key.fileobj)
    _kill_group(proc)
    proc.wait()
    selector.close()
    proc.stdout.close()
    proc.stderr.close()
    return bytes(buffers[proc.stdout]), bytes(buffers[proc.stderr]), killed


def _parse(data, calls):
    """Trusted reading of the protocol: JSON lines, values through wire.decode, unknown keys dropped."""
    result = RunResult()
    expected = {(c["exercise"], c["case"]) for c in calls}
    for raw in data.split(b"\n"):
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # a truncated last line after a kill, or garbage
        if not isinstance(line, dict):
            continue
        kind = line.get("kind")
        if kind == "ready":
            result.landlock = line.get("landlock") if isinstance(line.get("landlock"), int) else 0
        elif kind == "cell" and isinstance(line.get("index"), int):
            result.cell_errors[line["index"]] = (str(line.get("error"))[:100], str(line.get("message"))[:300])
        elif kind == "done":
            result.output = str(line.get("output", ""))[:10_000]
        elif kind == "call":
            key = (line.get("exercise"), line.get("case"))
            if key not in expected or key in result.outcomes:
                continue
            result.outcomes[key] = _outcome(line)
            if line.get("missing") is True:
                result.missing.add(key[0])
            called = line.get("called")
            if isinstance(called, list):
                result.called.setdefault(key[0], set()).update(str(n) for n in called if isinstance(n, str))
    return result


def _outcome(line):
    if line.get("missing") is True:
        return Outcome(error="missing")
    if line.get("timed_out") is True:
        return Outcome(timed_out=True)
    if line.get("error") is not None:
        return Outcome(error=str(line["error"])[:100], error_message=str(line.get("error_message", ""))[:300])
    try:
        return Outcome(value=wire.decode(line.get("value")))
    except Exception:  # malformed wire data: not a value we can grade
        return Outcome(value=wire.Unsupported("malformed result"))


def _fill_silent_calls(result, calls):
    """Calls with no line: timeouts after a kill; otherwise the worker died on its own."""
    for entry in calls:
        key = (entry["exercise"], entry["case"])
        if key in result.outcomes:
            continue
        if result.killed or result.exit_status == -signal.SIGXCPU:
            result.outcomes[key] = Outcome(timed_out=True)
        else:
            status = result.exit_status
            reason = (f"killed by signal {-status}" if status is not None and status < 0
                      else f"exit status {status}")
            result.outcomes[key] = Outcome(error="ProcessDied", error_message=(
                f"the notebook's process stopped before this call ({reason}); "
                "look for exit(), os._exit or a crash in your code"))
