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

The warm path: Zygote (grade() uses one per job slot). A one-shot run pays a bubblewrap, an
interpreter and a numpy import per submission, about 0.1-0.2 s, far more than the learner's code
takes. A Zygote instead starts one long-lived process, grader/sandbox/zygote.py, inside its own
bubblewrap sandbox (the same fences as above) as PID 1 of that sandbox's PID namespace
(bwrap --as-pid-1). It imports numpy and the judge copy once — never `solutions` or the grader —
and for each submission forks a child. The child drops every descriptor but a request pipe and a
result pipe, moves into a fresh folder under the zygote's private home, and runs exactly what the
one-shot worker runs (worker.serve: rlimits, Landlock, capped output, the cells, the calls, one
JSON line per event). The two pipe ends the grader needs travel over a Unix socket (SCM_RIGHTS),
so the zygote never reads a learner's request or results, and the child cannot write on the
control channel. When the child has ended, or its deadline has passed, or the grader says kill,
the zygote kills every other process of its PID namespace (kill(-1, SIGKILL) from PID 1 reaches
them all, whatever their session or process group: a setsid or double-forked escapee dies there),
reaps them, removes the child's folder, anything new in /tmp, /dev/shm and /dev and every System V
IPC object, and only then reports "end". Nothing learner-controlled reaches the next submission:
memory — each child is a fresh fork of the clean zygote, which never held learner data; files —
wiped; processes — swept. The zygote is non-dumpable, so the child can neither ptrace it nor open
its descriptors through /proc, and as PID 1 it gets no signal from inside its namespace that it
has no handler for (and it installs none). A child that still manages to kill or wedge it costs
only its own submission: the grader sees the control channel close, or no "end" in time, kills
that bubblewrap (and with it the whole namespace), grades that submission again one-shot, and
starts a fresh zygote for the next one. Without bubblewrap there is no PID namespace to sweep, so
there is no zygote either: Zygote.run falls back to the one-shot run.
Cost per submission on the warm path: about 5 ms plus the learner's own work.
"""
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from ..judge import wire
from ..judge.diagnose import Outcome
from ..selfcheck_package import copy_judge
from . import confine

WORKER = Path(__file__).with_name("worker.py")
ZYGOTE = Path(__file__).with_name("zygote.py")
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
    copy_judge(libdir / "judge")
    for script in (WORKER, ZYGOTE):  # the grader's own folder is hidden in the sandbox
        shutil.copyfile(script, libdir / script.name)
    return libdir


def _rlimits(limits):
    """The resource limits the worker sets on itself before any learner code runs."""
    return {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": int(limits.timeout) + 2, "RLIMIT_FSIZE": limits.file_size,
            "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0, "RLIMIT_NPROC": 0,
            "RLIMIT_MSGQUEUE": 0}


def _environment(home):
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home,
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return env


def _request(cells, calls, limits, trace):
    return {"cells": cells, "calls": calls, "call_timeout": limits.call_timeout,
            "cell_timeout": limits.cell_timeout, "output_cap": limits.output_cap, "trace": list(trace),
            "rlimits": _rlimits(limits)}


def run(cells, calls, limits=Limits(), trace=()):
    """Run cells (list of {"id", "code"}) then calls (list of {"exercise", "case", "inputs": wire})
    in a fresh sandboxed worker (one-shot: a new bubblewrap and interpreter); return a RunResult.
    Never raises for anything the learner did."""
    start = time.monotonic()
    libdir = _libdir()
    home = tempfile.mkdtemp(prefix="backprop-run-")
    request = _request(cells, calls, limits, trace)
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
    seen_ready = False
    for raw in data.split(b"\n"):
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # a truncated last line after a kill, or garbage (nested too deep, too)
        if not isinstance(line, dict):
            continue
        kind = line.get("kind")
        if kind == "ready" and not seen_ready:  # the worker's own line comes first; later ones are forged
            seen_ready = True
            result.landlock = line.get("landlock") if isinstance(line.get("landlock"), int) else 0
        elif kind == "cell" and isinstance(line.get("index"), int):
            result.cell_errors[line["index"]] = (_text(line.get("error"), 100), _text(line.get("message"), 300))
        elif kind == "done":
            result.output = _text(line.get("output", ""), 10_000)
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


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value, cap):
    """A learner-supplied string, capped, as valid Unicode: JSON lets lone surrogates through
    (\\udcff), which no UTF-8 report could then be written with; they become U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(value)[:cap])


def _outcome(line):
    if line.get("missing") is True:
        return Outcome(error="missing")
    if line.get("timed_out") is True:
        return Outcome(timed_out=True)
    if line.get("error") is not None:
        return Outcome(error=_text(line["error"], 100), error_message=_text(line.get("error_message", ""), 300))
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


class ZygoteFailed(Exception):
    """The warm sandbox did not follow its protocol; the caller falls back to a one-shot run."""


class Zygote:
    """One warm sandbox (see the module docstring): run() grades one submission in a child forked
    from a zygote that has already imported numpy, inside one long-lived bubblewrap sandbox.

    Not thread-safe: one Zygote per job slot. Falls back to the one-shot run() where bubblewrap is
    unavailable, and for a submission during which the zygote broke its protocol (it is then
    started afresh for the next one). close() ends the sandbox; a Zygote is also a context manager.
    """

    START_TIMEOUT = 30.0  # interpreter start and numpy import inside the sandbox
    REPLY_TIMEOUT = 10.0  # "forked" after "run"; "end" after "kill"
    MAX_START_FAILURES = 3

    def __init__(self, limits=Limits()):
        self.limits = limits
        self.proc = self.control = self.libdir = self.home = self.stderr = None
        self.pid = None  # the zygote's PID in the host's namespace (bwrap's, when confined)
        self.start_failures = 0
        self.runs = self.fallbacks = 0
        self._ready = False
        self._buffer = b""
        self._fds = []

    @property
    def usable(self):
        return confine.available()[0] and self.start_failures < self.MAX_START_FAILURES

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- lifecycle ---

    def spawn(self):
        """Start the zygote without waiting for it: run() waits for its "ready" when it needs it.
        Lets it boot while the caller does other work. Nothing happens where it is not usable."""
        if self.usable and self.proc is None:
            try:
                self._spawn()
            except OSError:
                self.close()

    def _start(self):
        if self.proc is None:
            self._spawn()
        ready = self._receive(time.monotonic() + self.START_TIMEOUT)
        if ready.get("kind") != "ready":
            raise ZygoteFailed("no ready message")
        self._ready = True

    def _spawn(self):
        self._ready = False
        self.libdir = _libdir()
        self.home = tempfile.mkdtemp(prefix="backprop-zygote-")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.stderr = tempfile.TemporaryFile()
        argv = [sys.executable, "-I", "-S", str(self.libdir / ZYGOTE.name), str(self.libdir),
                str(theirs.fileno()), self.home]
        try:
            self.proc = subprocess.Popen(confine.command(argv, self.libdir, self.home, as_pid_1=True),
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
                                         cwd=self.home, env=_environment(self.home), start_new_session=True,
                                         close_fds=True, pass_fds=(theirs.fileno(),))
        finally:
            theirs.close()
        self.control, self.pid, self._buffer, self._fds = ours, self.proc.pid, b"", []

    def close(self):
        """End the sandbox: kill bubblewrap's process group (the zygote is PID 1 of its namespace,
        so everything in it dies with it) and remove its folders."""
        if self.control is not None:
            self.control.close()
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc.wait()
        for fd in self._fds:
            os.close(fd)
        if self.stderr is not None:
            self.stderr.close()
        for folder in (self.libdir, self.home):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        self.proc = self.control = self.libdir = self.home = self.stderr = self.pid = None
        self._fds, self._ready = [], False

    # --- control channel ---

    def _send(self, message):
        self.control.sendall((json.dumps(message) + "\n").encode())

    def _receive(self, deadline):
        """The next control message (a dict), collecting passed fds; ZygoteFailed on EOF/timeout."""
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ZygoteFailed("timed out waiting for the zygote")
            self.control.settimeout(remaining)
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.control, 65536, 4)
            except (TimeoutError, socket.timeout):
                raise ZygoteFailed("timed out waiting for the zygote") from None
            except OSError as exc:
                raise ZygoteFailed(f"control channel: {exc}") from None
            self._fds.extend(fds)
            if not data:
                raise ZygoteFailed("the zygote closed its control channel")
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise ZygoteFailed("garbled control message") from None
        if not isinstance(message, dict):
            raise ZygoteFailed("garbled control message")
        return message

    # --- one submission ---

    def run(self, cells, calls, trace=(), limits=None):
        """Like sandbox.run(cells, calls, limits, trace), in a child of the warm zygote.
        limits: this submission's, default the Zygote's."""
        limits = limits or self.limits
        if not self.usable:
            return run(cells, calls, limits, trace)
        if self.proc is not None and self.proc.poll() is not None:
            self.close()  # died since the last submission: a fresh one
        if self.proc is None or not self._ready:
            try:
                self._start()
                self.start_failures = 0
            except (ZygoteFailed, OSError):
                self.start_failures += 1
                self.close()
                self.fallbacks += 1
                return run(cells, calls, limits, trace)
        try:
            result = self._run(cells, calls, trace, time.monotonic(), limits)
        except (ZygoteFailed, OSError):  # the protocol broke: this submission again, one-shot; a fresh zygote next
            self.close()
            self.fallbacks += 1
            return run(cells, calls, limits, trace)
        self.runs += 1
        return result

    def _run(self, cells, calls, trace, start, limits):
        request = json.dumps(_request(cells, calls, limits, trace), allow_nan=False).encode("utf-8")
        offset = self.stderr.seek(0, os.SEEK_END)
        self._send({"kind": "run", "timeout": limits.timeout})
        forked = self._receive(time.monotonic() + self.REPLY_TIMEOUT)
        if forked.get("kind") != "forked" or len(self._fds) != 2:
            raise ZygoteFailed("no fds after run")
        request_w, result_r = self._fds
        self._fds = []
        pipes = {request_w, result_r}  # the ends still open here: each closed exactly once
        try:
            out, end, parent_killed = self._collect(request_w, result_r, request, start + limits.timeout, pipes)
        finally:
            for fd in pipes:
                os.close(fd)
        self.stderr.seek(offset)
        err = self.stderr.read(STDERR_CAP)
        result = _parse(out, calls)
        result.killed = parent_killed or end.get("killed") is True
        status = end.get("status")
        result.exit_status = status if isinstance(status, int) else None
        result.stderr = err.decode("utf-8", "replace")
        _fill_silent_calls(result, calls)
        result.seconds = time.monotonic() - start
        return result

    def _collect(self, request_w, result_r, request, deadline, pipes):
        """Feed the request, read the results and wait for "end"; kill at the deadline."""
        selector = selectors.DefaultSelector()
        os.set_blocking(request_w, False)
        os.set_blocking(result_r, False)
        selector.register(request_w, selectors.EVENT_WRITE, "request")
        selector.register(result_r, selectors.EVENT_READ, "result")
        selector.register(self.control, selectors.EVENT_READ, "control")
        self.control.setblocking(False)
        out, sent, end, killed, kill_sent_at, end_at = bytearray(), 0, None, False, None, 0.0
        try:
            while end is None or selector.get_map().get(result_r) is not None:
                now = time.monotonic()
                if end is not None and now > end_at + 1.0:
                    break  # results pipe held open by nobody we know of: stop waiting
                if kill_sent_at is None and now >= deadline:
                    killed = True
                    kill_sent_at = now
                    self._send({"kind": "kill"})
                if kill_sent_at is not None and end is None and now > kill_sent_at + self.REPLY_TIMEOUT:
                    raise ZygoteFailed("no end after kill")  # wedged: the caller restarts it
                wait = 0.2 if end is None else 0.05
                if kill_sent_at is None:
                    wait = min(wait, max(0.0, deadline - now))
                for key, _ in selector.select(timeout=wait):
                    if key.data == "request":
                        try:
                            sent += os.write(request_w, request[sent:sent + 65536])
                        except (BlockingIOError, InterruptedError):
                            continue
                        except OSError:  # the child is gone before reading it all
                            sent = len(request)
                        if sent >= len(request):  # EOF for the child
                            selector.unregister(request_w)
                            pipes.discard(request_w)
                            os.close(request_w)
                    elif key.data == "result":
                        try:
                            chunk = os.read(result_r, 65536)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            selector.unregister(result_r)
                            continue
                        if len(out) + len(chunk) <= PROTOCOL_CAP:
                            out.extend(chunk)
                        else:  # flooding the protocol: stop here
                            out.extend(chunk[:PROTOCOL_CAP - len(out)])
                            selector.unregister(result_r)
                            if kill_sent_at is None:
                                killed, kill_sent_at = True, time.monotonic()
                                self._send({"kind": "kill"})
                    else:
                        try:
                            data, fds, _flags, _addr = socket.recv_fds(self.control, 65536, 4)
                        except BlockingIOError:
                            continue
                        for fd in fds:
                            os.close(fd)
                        if not data:
                            raise ZygoteFailed("the zygote closed its control channel")
                        self._buffer += data
                        if b"\n" in self._buffer:
                            line, self._buffer = self._buffer.split(b"\n", 1)
                            try:
                                end = json.loads(line)
                            except ValueError:
                                raise ZygoteFailed("garbled control message") from None
                            if not isinstance(end, dict) or end.get("kind") != "end":
                                raise ZygoteFailed("unexpected control message")
                            end_at = time.monotonic()
                            selector.unregister(self.control)
        finally:
            self.control.setblocking(True)
            selector.close()
        return bytes(out), end, killed
