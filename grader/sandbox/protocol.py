"""The grader's side of the worker protocol (worker.py): limits, requests, and a trusted reading
of what comes back. Shared by the one-shot run and the warm zygote."""
import builtins
import json
import os
import re
import selectors
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..errors import SandboxFailure
from ..judge import wire
from ..judge.diagnose import Outcome
from .confine import private_places

PROTOCOL_CAP = 64 * 2 ** 20
STDERR_CAP = 64 * 2 ** 10
AWAIT = b'{"kind": "await"}\n'


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults suit the course's exercises with a wide margin.

    Learner code is limited in processor time, which a busy machine does not eat into; each
    limit has a wall-clock backstop `wall_factor` times longer, for code that sleeps or blocks."""
    cpu: float = 60.0  # processor time for the whole submission, seconds
    call_cpu: float = 5.0  # one call of one function on one case
    cell_cpu: float = 10.0  # one cell at the top level
    wall_factor: float = 5.0
    memory: int = 2 * 2 ** 30  # address space, bytes
    output_cap: int = 2 ** 20  # learner's printed output kept, characters
    file_size: int = 16 * 2 ** 20  # largest file the learner may write, bytes
    open_files: int = 64
    scratch_bytes: int = 64 * 2 ** 20  # the learner's writable space, a tmpfs
    scratch_inodes: int = 4096  # files and folders in it

    @property
    def wall(self) -> float:
        """The wall-clock backstop for the whole submission, seconds."""
        return self.cpu * self.wall_factor


@dataclass(frozen=True)
class CellReport:
    """How a graded test cell ran: its exception (a Python or numpy class name, or "timeout"),
    whether it wrote to stderr, and the repr of the value it ended with."""
    error: str | None = None
    message: str = ""
    line: str = ""
    stderr: bool = False
    shown: str | None = None


@dataclass
class RunResult:
    """What one worker run gave, as trusted plain data."""
    outcomes: dict = field(default_factory=dict)  # (exercise, case) -> Outcome
    missing: set = field(default_factory=set)  # exercises not defined at their test cells
    late: set = field(default_factory=set)  # of those, the ones a later cell defines
    called: dict = field(default_factory=dict)  # exercise -> set of other traced names it called
    cell_errors: dict = field(default_factory=dict)  # cell index -> (error, message)
    graded: dict = field(default_factory=dict)  # cell index -> CellReport, for cells sent as "graded"
    killed: bool = False  # the wall-clock backstop struck
    exit_status: int | None = None
    landlock: int = 0
    output: str = ""
    stderr: str = ""
    seconds: float = 0.0
    cells_done: bool = False  # every cell ran: the calls started
    last_cell: int | None = None  # the cell that started last (the one it stopped in, if not cells_done)
    done: bool = False  # the worker reported every call
    unanswered: set = field(default_factory=set)  # calls with no line of the worker's (filled in)

    @property
    def out_of_time(self) -> bool:
        """The submission was stopped: its processor time ran out (SIGXCPU) or the wall-clock
        backstop struck."""
        return self.killed or self.exit_status == -signal.SIGXCPU


def environment(home: str) -> dict:
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": home,
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _rlimits(limits):
    """The resource limits the worker sets on itself before any learner code runs."""
    return {"RLIMIT_AS": limits.memory, "RLIMIT_CPU": int(limits.cpu) + 2, "RLIMIT_FSIZE": limits.file_size,
            "RLIMIT_NOFILE": limits.open_files, "RLIMIT_CORE": 0, "RLIMIT_NPROC": 0,
            "RLIMIT_MSGQUEUE": 0}


def requests(cells: list, calls: list, limits: Limits, trace: Iterable[str],
             confined: bool) -> tuple[bytes, bytes]:
    """The two request lines (bytes): cells, public calls and settings; then the hidden calls.
    A call is public when its entry says "public": true (a case the learner has seen)."""
    first = {"cells": cells, "calls": [c for c in calls if c.get("public")],
             "cpu": {"call": limits.call_cpu, "cell": limits.cell_cpu},
             "wall": {"call": limits.call_cpu * limits.wall_factor, "cell": limits.cell_cpu * limits.wall_factor},
             "output_cap": limits.output_cap, "trace": list(trace), "rlimits": _rlimits(limits),
             "scratch": {"bytes": limits.scratch_bytes, "inodes": limits.scratch_inodes,
                         "places": private_places()} if confined else None}
    second = {"calls": [c for c in calls if not c.get("public")]}
    return tuple(json.dumps(r, allow_nan=False).encode("utf-8") + b"\n" for r in (first, second))


class Feed:
    """Writes the request to the worker as it reads it: the first line at once, the hidden calls
    only once the worker's "await" line has been read (then EOF). `hidden_from` is the offset in
    the results from which the sandbox held hidden inputs: learner text after it is never trusted.
    sync(selector) before each select keeps the write end registered exactly while there is
    something to write, and closes it once everything is written."""

    def __init__(self, fd, first, second):
        os.set_blocking(fd, False)
        self.fd, self.data, self.second, self.sent = fd, first, second, 0
        self.hidden_from = None
        self._scanned = 0
        self._registered = False

    def sync(self, selector: selectors.BaseSelector) -> None:
        if self.fd is None:
            return
        writing = self.sent < len(self.data)
        if writing != self._registered:
            if writing:
                selector.register(self.fd, selectors.EVENT_WRITE, self)
            else:
                selector.unregister(self.fd)
            self._registered = writing
        if not writing and self.second is None:
            self.close()

    def write(self) -> None:
        try:
            self.sent += os.write(self.fd, self.data[self.sent:self.sent + 65536])
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:  # the worker is gone before reading it all
            self.sent, self.second = len(self.data), None

    def read(self, out: bytearray) -> None:
        """Called with all the results read so far: releases the hidden calls after "await"."""
        if self.second is None:
            return
        at = out.find(AWAIT, max(0, self._scanned - len(AWAIT)))
        while at > 0 and out[at - 1:at] != b"\n":
            at = out.find(AWAIT, at + 1)
        self._scanned = len(out)
        if at >= 0:
            self.hidden_from = len(out)
            self.data, self.second = self.data + self.second, None

    def close(self, selector: selectors.BaseSelector | None = None) -> None:
        if self.fd is not None:
            if self._registered and selector is not None:
                selector.unregister(self.fd)
            self._registered = False
            os.close(self.fd)
            self.fd = None


def parse(data: bytes, calls: list, hidden_from: int | None = None) -> RunResult:
    """Trusted reading of the protocol: JSON lines, values through wire.decode, unknown keys dropped.

    The worker sends its cell and public-call lines before "await"; once the hidden calls were
    released (offset hidden_from), only hidden-call lines and "done" are read: anything else
    there was written by learner code that may hold hidden inputs. A "fault" line before "ready"
    means the sandbox could not be set up: SandboxFailure."""
    result = RunResult()
    expected = {(c["exercise"], c["case"]): bool(c.get("public")) for c in calls}
    seen_ready, offset = False, 0
    for raw in data.split(b"\n"):
        offset += len(raw) + 1  # where this line ends: one not complete before the release is untrusted
        after_release = hidden_from is not None and offset > hidden_from
        try:
            line = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # a truncated last line after a kill, or garbage (nested too deep, too)
        if not isinstance(line, dict):
            continue
        kind = line.get("kind")
        if kind == "fault" and not seen_ready:
            raise SandboxFailure(_text(line.get("reason"), 300))
        if kind == "ready" and not seen_ready:  # the worker's own line comes first; later ones are forged
            seen_ready = True
            result.landlock = line.get("landlock") if isinstance(line.get("landlock"), int) else 0
        elif kind == "done":
            result.output, result.done = _text(line.get("output", ""), 10_000), True
        elif kind == "cells_done" and not after_release:
            result.cells_done = True
        elif kind == "cell_start" and isinstance(line.get("index"), int) and not after_release and not result.cells_done:
            result.last_cell = line["index"]
        elif kind == "cell" and isinstance(line.get("index"), int) and not after_release:
            if line.get("graded") is True:
                result.graded[line["index"]] = _cell_report(line)
            else:
                result.cell_errors[line["index"]] = (_error_name(line.get("error")), _text(line.get("message"), 300))
        elif kind == "call":
            key = (line.get("exercise"), line.get("case"))
            if key not in expected or key in result.outcomes or (after_release and expected[key]):
                continue
            result.outcomes[key] = _outcome(line)
            if line.get("missing") is True:
                result.missing.add(key[0])
                if line.get("late") is True:
                    result.late.add(key[0])
            called = line.get("called")
            if isinstance(called, list):
                result.called.setdefault(key[0], set()).update(str(n) for n in called if isinstance(n, str))
    if not seen_ready:
        raise SandboxFailure("the sandbox never became ready")
    return result


_SURROGATE = re.compile("[\ud800-\udfff]")
_KNOWN_ERRORS = {"LinAlgError", "AxisError", "NotGiven"}  # numpy's, and judge.given's


def _text(value, cap):
    """A learner-supplied string, capped, as valid Unicode: JSON lets lone surrogates through
    (\\udcff), which no UTF-8 report could then be written with; they become U+FFFD."""
    return _SURROGATE.sub("\ufffd", str(value)[:cap])


def _error_name(name):
    """An exception's class name when it is Python's or numpy's; a learner's own class could carry
    anything in its name."""
    if name == "timeout" or name in _KNOWN_ERRORS:
        return name
    known = getattr(builtins, str(name), None)
    return name if isinstance(known, type) and issubclass(known, BaseException) else "an exception of its own class"


def _cell_report(line):
    error = line.get("error")
    shown = line.get("shown")
    return CellReport(None if error is None else _error_name(error), _text(line.get("message", ""), 300),
                      _text(line.get("line", ""), 200), line.get("stderr") is True,
                      None if shown is None else _text(shown, 300))


def _outcome(line):
    if line.get("missing") is True:
        return Outcome(error="missing")
    if line.get("timed_out") is True:
        return Outcome(timed_out=True)
    if line.get("error") is not None:
        return Outcome(error=_error_name(line["error"]), error_message=_text(line.get("error_message", ""), 300),
                       error_line=_text(line.get("error_line", ""), 200))
    changed = line.get("changed")
    changed = changed if type(changed) is int and 0 <= changed < 64 else None
    try:
        return Outcome(value=wire.decode(line.get("value")), changed=changed)
    except Exception:  # malformed wire data: not a value we can grade
        return Outcome(value=wire.Unsupported("malformed result"), changed=changed)


def fill_silent_calls(result: RunResult, calls: list) -> None:
    """Calls with no line: timeouts after a kill or SIGXCPU; otherwise the worker died on its own."""
    for entry in calls:
        key = (entry["exercise"], entry["case"])
        if key in result.outcomes:
            continue
        result.unanswered.add(key)
        if result.out_of_time:
            result.outcomes[key] = Outcome(timed_out=True)
        else:
            status = result.exit_status
            reason = (f"killed by signal {-status}" if status is not None and status < 0
                      else f"exit status {status}")
            result.outcomes[key] = Outcome(error="ProcessDied", error_message=(
                f"the notebook's process stopped before this call ({reason}); "
                "look for exit(), os._exit or a crash in your code"))


def in_sent_order(calls: list) -> list:
    """The calls in the order the worker makes them: the public ones first."""
    return [c for c in calls if c.get("public")] + [c for c in calls if not c.get("public")]


def without_culprit(result: RunResult, calls: list, run: Callable[[list], RunResult],
                    reruns: int = 3) -> RunResult:
    """result, completed: when the worker died or was stopped during a call (after its cells ran),
    the exercise of that call keeps its timeout or error, and the calls it never got to run again
    in a fresh sandbox — run(calls) — without that exercise, up to `reruns` times. So one function
    that never returns, or ends the process, costs that function only."""
    for _ in range(reruns):
        if result.done or not result.cells_done or not result.unanswered:
            break
        order = [(c["exercise"], c["case"]) for c in in_sent_order(calls)]
        culprit = next(k for k in order if k in result.unanswered)[0]
        rest = [c for c in calls if (c["exercise"], c["case"]) in result.unanswered and c["exercise"] != culprit]
        result.unanswered = {k for k in result.unanswered if k[0] == culprit}
        if not rest:
            break
        again = run(rest)
        for c in rest:
            key = (c["exercise"], c["case"])
            result.outcomes[key] = again.outcomes[key]
        result.unanswered |= again.unanswered
        result.missing |= again.missing
        result.late |= again.late
        for name, names in again.called.items():
            result.called.setdefault(name, set()).update(names)
        result.done, result.cells_done = again.done, again.cells_done
    return result
