"""The sandbox worker: runs one submission's cells and calls, and reports plain data, line by line.

Started by grader.sandbox.run as `python -I -S worker.py LIBDIR` in a fresh interpreter (one-shot);
or, on the warm path, imported by zygote.py, whose forked child calls serve() with the request
read from its own pipe and the protocol on another (see grader/sandbox/__init__.py). Either way it
imports only the standard library, numpy and `judge` (a copy of grader/judge in LIBDIR); the
package `solutions` is not on its path and was never in its memory.

Protocol. stdin (one-shot) or the request pipe (zygote child) carries two JSON lines. The first:
    {"cells": [{"id": grade_id, "code": str}, ...],
     "calls": [{"exercise": name, "case": i, "inputs": <wire>}, ...],      (the public cases)
         (a call may carry "given": {callee: [[args, kwargs, value], ...]}: for that call the
          callee's name means judge.given.Given on those recorded calls, error carried forward)
     "cpu": {"call": s, "cell": s}, "wall": {"call": s, "cell": s},      (processor time; backstop)
     "output_cap": chars, "trace": [name, ...],
     "scratch": {"bytes": n, "inodes": n, "places": ["/tmp", ...]} or null,   (tmpfs; null: unconfined)
     "rlimits": {"RLIMIT_AS": bytes, ...}}   (set before any learner code runs)
and, written by the grader only once it has read "await", the second: {"calls": [...]} (hidden).
The original stdout fd is duplicated for the protocol before any learner code runs; fds 1 and 2
then point at /dev/null and sys.stdout/sys.stderr at a capped in-memory buffer. One JSON line is
written (and flushed) per event, so whatever finished survives a later hard kill:
    {"kind": "fault", "reason": str}          the fence could not be set up; no learner code ran
    {"kind": "ready", "landlock": abi or 0}
    {"kind": "cell_start", "index": i}        cell i is about to run
    {"kind": "cell", "index": i, "id": grade_id, "error": type name, "message": str, "line": str}
                                              (a cell {"id": ..., "bind": name} runs nothing: the
                                              function graded as `name` is the one bound there)
    {"kind": "cell", "index": i, "id": grade_id, "graded": true, "error": type name or null, "message": str,
     "line": str, "stderr": bool, "shown": repr of the value the cell ends with, or null}
                                              (a cell marked "graded": always reported, as Jupyter shows it)
    {"kind": "cells_done"}                    every cell has run; the calls follow
    {"kind": "call", "exercise": name, "case": i, "missing": bool, "timed_out": bool,
     "value": <wire>, "error": str|null, "error_message": str, "error_line": str, "called": [name, ...],
     "changed": index of the first argument the call changed in place, or null,
     "late": bool}                            (missing at its test cell, defined by a later cell)
    {"kind": "await"}                         the cells and the public calls are done
    {"kind": "done", "output": first bytes of the learner's printed output}
"""
import ast
import builtins
import ctypes
import json
import linecache
import os
import signal
import sys
import types
import warnings

MAX_MESSAGE = 300


class _Timeout(BaseException):
    """Raised by SIGALRM inside learner code; a BaseException so `except Exception` lets it pass."""


class _CappedText:
    """A text stream that keeps the first `cap` characters and discards the rest."""

    def __init__(self, cap):
        self.cap, self.parts, self.size = cap, [], 0

    def write(self, text):
        text = str(text)
        if self.size < self.cap:
            self.parts.append(text[:self.cap - self.size])
        self.size += len(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        return "".join(self.parts)


class _Flagged:
    """A text stream that passes everything on to another and remembers whether anything came
    (sys.stderr: nbgrader scores 0 a test cell that writes to it)."""

    def __init__(self, target):
        self.target, self.written = target, False

    def write(self, text):
        self.written = self.written or bool(text)
        return self.target.write(text)

    def flush(self):
        pass

    def isatty(self):
        return False


class _Anything:
    """A stand-in for plotting objects: every attribute, call, item and arithmetic gives itself."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self

    def __iter__(self):
        return iter((self, self))  # fig, ax = plt.subplots()

    def __len__(self):
        return 2

    def __exit__(self, *exc):
        return False

    def __float__(self):
        return 0.0

    def __int__(self):
        return 0

    def _self(self, *args, **kwargs):
        return self

    __call__ = __getitem__ = __enter__ = _self
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _self
    __neg__ = __pos__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _self
    __index__ = __int__


STUB_ROOTS = ("matplotlib", "backprop_selfcheck", "IPython", "mpl_toolkits", "seaborn", "tqdm")


class _StubFinder:
    """Imports of plotting, display and self-check modules (and their submodules) get stubs."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname.split(".")[0] not in STUB_ROOTS:
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, _StubFinder, is_package=True)

    @staticmethod
    def create_module(spec):
        module = types.ModuleType(spec.name)
        anything = _Anything()
        module.__getattr__ = lambda attr: anything  # PEP 562: any name the notebook asks for
        noop = lambda *args, **kwargs: None  # noqa: E731
        for name in ("show", "check", "check_all", "result", "display", "use", "close", "savefig"):
            setattr(module, name, noop)
        module.__path__ = []
        return module

    @staticmethod
    def exec_module(module):
        pass


def _install_stubs():
    """Plots are not graded and the self-check is the learner's tool: both become no-ops."""
    for name in list(sys.modules):
        if name.split(".")[0] in STUB_ROOTS:
            del sys.modules[name]
    sys.meta_path.insert(0, _StubFinder)


def _strip_magics(code):
    """IPython line magics and shell escapes (%matplotlib inline, !pip …) are commented out."""
    lines = code.split("\n")
    return "\n".join("# " + line if line.lstrip().startswith(("%", "!")) else line for line in lines)


# --- Landlock: an unprivileged, kernel-enforced file system and network fence (best effort) ---

_SYS_CREATE, _SYS_ADD, _SYS_RESTRICT = 444, 445, 446  # the same numbers on every architecture
_PR_SET_NO_NEW_PRIVS = 38


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _landlock(read_only, read_write):
    """Allow reading only under read_only, writing only under read_write; no TCP; no signals out.

    Returns the Landlock ABI version in force, or 0 when the kernel does not offer it.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        abi = libc.syscall(_SYS_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
        if abi < 1:
            return 0
        fs = (1 << 13) - 1  # EXECUTE … MAKE_SYM
        if abi >= 2:
            fs |= 1 << 13  # REFER
        if abi >= 3:
            fs |= 1 << 14  # TRUNCATE
        if abi >= 5:
            fs |= 1 << 15  # IOCTL_DEV
        net = 0b11 if abi >= 4 else 0  # BIND_TCP, CONNECT_TCP
        scoped = 0b11 if abi >= 6 else 0  # abstract unix sockets, signals
        attr = _RulesetAttr(fs, net, scoped)
        size = ctypes.sizeof(attr) if abi >= 6 else (16 if abi >= 4 else 8)
        ruleset = libc.syscall(_SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
        if ruleset < 0:
            return 0
        file_rights = 1 | 2 | 4 | ((1 << 14) if abi >= 3 else 0)  # EXECUTE, WRITE, READ, TRUNCATE
        read = 1 | 4 | 8  # EXECUTE, READ_FILE, READ_DIR
        for paths, rights in ((read_only, read), (read_write, fs)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                allowed = rights if os.path.isdir(path) else rights & file_rights
                rule = _PathBeneath(allowed, fd)
                libc.syscall(_SYS_ADD, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule),
                             ctypes.c_uint32(0))
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return 0
        if libc.syscall(_SYS_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            return 0
        os.close(ruleset)
        return abi
    except Exception:  # an old kernel or libc: the other fences still hold
        return 0


def _apply_limits(rlimits):
    """Set the resource limits the parent asked for, soft = hard (CPU: SIGXCPU one second before
    SIGKILL); a limit the platform refuses is skipped, the wall-clock kill still holds."""
    import resource
    for name, value in rlimits.items():
        try:
            hard = value + 1 if name == "RLIMIT_CPU" else value
            resource.setrlimit(getattr(resource, name), (int(value), int(hard)))
        except (ValueError, OSError, AttributeError, TypeError):
            pass


def _tracer(name, function, called):
    """function, recording its name in `called` when a call under test reaches it."""
    def traced(*args, **kwargs):
        called.add(name)
        return function(*args, **kwargs)
    try:
        traced.__name__, traced.__qualname__, traced.__doc__ = name, function.__qualname__, function.__doc__
        traced.__wrapped__ = function
    except Exception:
        pass
    return traced


def main() -> None:
    """One-shot mode: the requests on stdin, the protocol on a duplicate of stdout."""
    libdir = sys.argv[1]
    stdlib = [p for p in sys.path if p]
    sys.path.insert(0, libdir)
    import numpy as np  # noqa: F401  (imported before the fence, from the symlink in libdir)
    import judge.run  # noqa: F401

    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    serve(os.fdopen(os.dup(0), "rb"), protocol, libdir, stdlib)


def _read_request(requests):
    line = requests.readline()
    return json.loads(line) if line.strip() else {}


def _fence(request, send):
    """Before any learner code: the private scratch space, no capabilities, the rlimits."""
    import scratch
    place = request.get("scratch")
    if place:
        try:
            scratch.enter(os.getcwd(), place["bytes"], place["inodes"], place.get("places", ()))
        except (scratch.ScratchError, OSError) as exc:
            send({"kind": "fault", "reason": f"sandbox set-up: {exc}"[:300]})
            os._exit(70)
    elif os.geteuid() == 0:  # unconfined, as root: no capability either, where the system lets us drop them
        try:
            scratch.drop_capabilities()
        except (scratch.ScratchError, OSError):
            pass
    _apply_limits(request.get("rlimits", {}))


class _Session:
    """One submission's namespace: its cells and calls, each run within the request's limits and
    reported through send."""

    def __init__(self, request, send):
        self.cpu, self.wall = request.get("cpu", {}), request.get("wall", {})
        self.send = send
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.trace = request.get("trace", [])
        self.called = set()
        self.bound = {}  # exercise -> what its name meant at its test cell
        self.timed_out = set()  # exercises whose call ran out of time once: not waited for again

        def on_timer(signum, frame):
            raise _Timeout()

        signal.signal(signal.SIGALRM, on_timer)
        signal.signal(signal.SIGPROF, on_timer)

    def limited(self, kind, function, *args):
        """function(*args) within kind's processor time, and a wall-clock backstop well above it."""
        signal.setitimer(signal.ITIMER_PROF, float(self.cpu.get(kind, 5)))
        signal.setitimer(signal.ITIMER_REAL, float(self.wall.get(kind, 30)))
        try:
            return function(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.setitimer(signal.ITIMER_PROF, 0)

    def run_cells(self, cells):
        """Each cell in order; a cell that fails is reported and the next one runs. Then the traced
        functions are wrapped, so that a call reports which catalogue functions it used."""
        from judge import run
        for index, cell in enumerate(cells):
            if "bind" in cell:
                self.bound[cell["bind"]] = self.namespace.get(cell["bind"])
                continue
            self.send({"kind": "cell_start", "index": index})
            filename = f"<cell {cell.get('id') or index}>"
            source = _strip_magics(cell["code"])
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            with warnings.catch_warnings():
                pass  # entering and leaving forgets which warnings were shown once, as a new Jupyter cell does
            if cell.get("graded"):
                self.run_graded(index, cell, source, filename)
                continue
            try:
                self.limited("cell", exec, compile(source, filename, "exec"), self.namespace)
            except _Timeout:
                self.send({"kind": "cell", "index": index, "id": cell.get("id"), "error": "timeout",
                           "message": f"the cell used more than {float(self.cpu.get('cell', 10)):g} s of processor time"})
            except BaseException as exc:  # noqa: B036 — SystemExit, KeyboardInterrupt: the learner's
                self.send({"kind": "cell", "index": index, "id": cell.get("id"), "error": type(exc).__name__,
                           "message": str(exc)[:MAX_MESSAGE], "line": run.learner_line(exc)})
        for name in self.trace:
            if isinstance(self.namespace.get(name), types.FunctionType):
                self.namespace[name] = _tracer(name, self.namespace[name], self.called)

    def run_graded(self, index, cell, source, filename):
        """A test cell scored as nbgrader scores it: report whether it raised, wrote to stderr, and
        the value it ends with (what Jupyter would show, which nbgrader reads as partial credit)."""
        from judge import run
        report = {"kind": "cell", "index": index, "id": cell.get("id"), "graded": True, "error": None,
                  "message": "", "line": "", "stderr": False, "shown": None}
        stderr = sys.stderr if isinstance(sys.stderr, _Flagged) else None
        if stderr is not None:
            stderr.written = False
        try:
            report["shown"] = self.limited("cell", _run_showing_last, source, filename, self.namespace)
        except _Timeout:
            report.update(error="timeout",
                          message=f"the cell used more than {float(self.cpu.get('cell', 10)):g} s of processor time")
        except BaseException as exc:  # noqa: B036 — the test's own AssertionError, and anything else
            report.update(error=type(exc).__name__, message=str(exc)[:MAX_MESSAGE], line=run.learner_line(exc))
        report["stderr"] = bool(stderr is not None and stderr.written)
        self.send(report)

    def call(self, entry):
        """Call one exercise's function on one case's inputs and report the outcome."""
        name = entry["exercise"]
        line = {"kind": "call", "exercise": name, "case": entry["case"], "missing": False,
                "timed_out": False, "value": None, "error": None, "error_message": "", "error_line": "",
                "called": [], "changed": None, "late": False}
        function = self.bound[name] if name in self.bound else self.namespace.get(name)
        if not callable(function):
            line["missing"] = True
            line["late"] = callable(self.namespace.get(name))
        elif name in self.timed_out:
            line["timed_out"] = True
        else:
            line.update(self._outcome(name, function, entry["inputs"], entry.get("given")))
        self.send(line)

    def _outcome(self, name, function, inputs, given):
        from judge import given as carried, run, wire
        from judge.diagnose import Outcome
        self.called.clear()
        target = getattr(function, "__wrapped__", function) if name in self.trace else function
        try:
            if given:
                outcome = self.limited("call", carried.call_given, target, wire.decode(inputs), self.namespace,
                                       {callee: wire.decode(calls) for callee, calls in given.items()})
            else:
                outcome = self.limited("call", run.call, target, wire.decode(inputs))
        except _Timeout:
            outcome = Outcome(timed_out=True)
            self.timed_out.add(name)
        except BaseException as exc:  # noqa: B036 — SystemExit and the like, raised by the learner
            outcome = Outcome(error=type(exc).__name__, error_message=str(exc)[:MAX_MESSAGE],
                              error_line=run.learner_line(exc))
        line = {"timed_out": outcome.timed_out, "error": outcome.error, "error_message": outcome.error_message,
                "error_line": outcome.error_line, "called": sorted(self.called - {name}), "changed": outcome.changed}
        if not outcome.timed_out and outcome.error is None:
            try:
                line["value"] = wire.encode(outcome.value)
            except Exception:
                line["value"] = {"__unsupported__": "value"}
        return line


def _run_showing_last(source, filename, namespace):
    """Run a cell as Jupyter does; the repr of the value of its last line when that is an
    expression (not ending in ";") whose value is not None, else None."""
    tree = ast.parse(source, filename)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        last = tree.body.pop()
    exec(compile(tree, filename, "exec"), namespace)
    if last is None:
        return None
    value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    return None if value is None else repr(value)[:MAX_MESSAGE]


def _silence(output):
    """Learner prints go to output (capped); the process's own fds 0-2 lead nowhere."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = sys.__stdout__ = output
    sys.stderr = sys.__stderr__ = _Flagged(output)
    sys.stdin = sys.__stdin__ = None


def _readable(np, libdir, stdlib):
    """What the process may still read once Landlock is on: the interpreter, numpy, the judge."""
    np_dir = os.path.realpath(os.path.dirname(np.__file__))
    np_libs = os.path.join(os.path.dirname(np_dir), "numpy.libs")
    return stdlib + [np_dir, np_libs, os.path.realpath(libdir), "/usr/lib", "/lib", "/lib64",
                     "/usr/lib64", "/usr/share/zoneinfo"]


def serve(requests, protocol, libdir: str, stdlib: list[str]):
    """Fence this process (scratch, capabilities, rlimits, Landlock, fds), run the cells and the
    calls, report on protocol and end the process; never returns. The hidden calls are read from
    requests only after "await" is reported (the protocol above)."""
    import numpy as np

    def send(message):
        protocol.write(json.dumps(message, allow_nan=False) + "\n")
        protocol.flush()

    request = _read_request(requests)
    _fence(request, send)
    output = _CappedText(int(request.get("output_cap", 1_000_000)))
    _silence(output)
    abi = _landlock(_readable(np, libdir, stdlib), [os.getcwd(), os.devnull])
    _install_stubs()
    send({"kind": "ready", "landlock": abi})
    session = _Session(request, send)
    session.run_cells(request.get("cells", []))
    send({"kind": "cells_done"})
    for entry in request.get("calls", []):
        session.call(entry)
    send({"kind": "await"})
    for entry in _read_request(requests).get("calls", []):
        session.call(entry)
    send({"kind": "done", "output": output.getvalue()[:10_000]})
    protocol.close()
    os._exit(0)  # skip interpreter teardown: learner objects' __del__ cannot run after the report

if __name__ == "__main__":
    main()
