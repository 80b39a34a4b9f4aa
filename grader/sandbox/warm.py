"""The warm path: one long-lived sandbox per job slot that forks a fenced child per submission
(zygote.py runs inside it; grader/sandbox/__init__.py tells the design)."""
import json
import os
import selectors
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable

from ..errors import SandboxFailure
from . import confine
from .oneshot import kill_group, make_libdir, run
from .protocol import (PROTOCOL_CAP, STDERR_CAP, Feed, Limits, RunResult, environment, fill_silent_calls,
                       parse, requests)
from .scratch import remove_tree


class ZygoteFailed(Exception):
    """The warm sandbox did not follow its protocol: it is replaced by a fresh one."""


class Zygote:
    """One warm sandbox (see the module docstring): run() grades one submission in a child forked
    from a zygote that has already imported numpy, inside one long-lived bubblewrap sandbox.

    Not thread-safe: one Zygote per job slot. Falls back to the one-shot run() where bubblewrap is
    unavailable or the zygote will not start. When the zygote breaks its protocol, or its cleanup
    fails, it is replaced by a fresh one; a submission during which that happened is run again on
    the fresh one, and if that fails too, SandboxFailure. close() ends the sandbox; a Zygote is
    also a context manager.
    """

    START_TIMEOUT = 120.0  # interpreter start and numpy import inside the sandbox, on a busy machine
    REPLY_TIMEOUT = 30.0  # "forked" after "run"; "end" after "kill"
    MAX_START_FAILURES = 3

    def __init__(self, limits=Limits()):
        self.limits = limits
        self.proc = self.control = self.libdir = self.stderr = None
        self.pid = None  # the zygote's PID in the host's namespace (bwrap's, when confined)
        self.start_failures = 0
        self.runs = self.fallbacks = 0
        self._ready = False
        self._buffer = b""
        self._fds = []

    @property
    def usable(self) -> bool:
        return confine.available()[0] and self.start_failures < self.MAX_START_FAILURES

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- lifecycle ---

    def spawn(self) -> None:
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
        self.libdir = make_libdir()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.stderr = tempfile.TemporaryFile()
        argv = confine.command("zygote.py", self.libdir, theirs.fileno(), confine.SANDBOX_HOME, as_pid_1=True)
        try:
            self.proc = subprocess.Popen(argv,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr,
                                         cwd=self.libdir, env=environment(confine.SANDBOX_HOME), start_new_session=True,
                                         close_fds=True, pass_fds=(theirs.fileno(),))
        finally:
            theirs.close()
        self.control, self.pid, self._buffer, self._fds = ours, self.proc.pid, b"", []

    def close(self) -> None:
        """End the sandbox: kill bubblewrap's process group (the zygote is PID 1 of its namespace,
        so everything in it, and its tmpfs, goes with it) and remove its library folder. Never
        raises."""
        for closing in (self.control, self.stderr):
            if closing is not None:
                try:
                    closing.close()
                except OSError:
                    pass
        if self.proc is not None:
            kill_group(self.proc)
            self.proc.wait()
        for fd in self._fds:
            try:
                os.close(fd)
            except OSError:
                pass
        if self.libdir is not None:
            remove_tree(self.libdir)
        self.proc = self.control = self.libdir = self.stderr = self.pid = None
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
        return self._pop_message()

    def _pop_message(self):
        """The first complete control message of the buffer, as a dict."""
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise ZygoteFailed("garbled control message") from None
        if not isinstance(message, dict):
            raise ZygoteFailed("garbled control message")
        return message

    # --- one submission ---

    def run(self, cells: list, calls: list, trace: Iterable[str] = (),
            limits: Limits | None = None) -> RunResult:
        """Like sandbox.run(cells, calls, limits, trace), in a child of the warm zygote.
        limits: this submission's, default the Zygote's. SandboxFailure when the sandbox failed
        on a fresh slot too."""
        limits = limits or self.limits
        if not self.usable:
            return run(cells, calls, limits, trace)
        failure = None
        for _attempt in range(2):
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
                result, clean = self._run(cells, calls, trace, time.monotonic(), limits)
            except (ZygoteFailed, SandboxFailure, OSError) as exc:
                failure = exc
                self.close()  # a fresh zygote for the next attempt
                continue
            if not clean:
                self.close()
            self.runs += 1
            return result
        raise SandboxFailure(f"the sandbox failed twice: {failure}")

    def _run(self, cells, calls, trace, start, limits):
        """(RunResult, whether the zygote cleaned up after it)."""
        first, second = requests(cells, calls, limits, trace, confined=True)
        offset = self.stderr.seek(0, os.SEEK_END)
        self._send({"kind": "run", "timeout": limits.wall})
        forked = self._receive(time.monotonic() + self.REPLY_TIMEOUT)
        if forked.get("kind") != "forked" or len(self._fds) != 2:
            raise ZygoteFailed("no fds after run")
        request_w, result_r = self._fds
        self._fds = []
        feed = Feed(request_w, first, second)
        try:
            out, end, parent_killed = self._collect(feed, result_r, start + limits.wall)
        finally:
            os.close(result_r)
        self.stderr.seek(offset)
        err = self.stderr.read(STDERR_CAP)
        result = parse(out, calls, feed.hidden_from)
        result.killed = parent_killed or end.get("killed") is True
        status = end.get("status")
        result.exit_status = status if isinstance(status, int) else None
        result.stderr = err.decode("utf-8", "replace")
        fill_silent_calls(result, calls)
        result.seconds = time.monotonic() - start
        return result, end.get("clean") is not False

    def _collect(self, feed, result_r, deadline):
        """Feed the request, read the results and wait for "end"; kill at the deadline."""
        selector = selectors.DefaultSelector()
        os.set_blocking(result_r, False)
        selector.register(result_r, selectors.EVENT_READ, "result")
        selector.register(self.control, selectors.EVENT_READ, "control")
        self.control.setblocking(False)
        out, end, killed, kill_sent_at, end_at, reading = bytearray(), None, False, None, 0.0, True
        try:
            while end is None or reading:
                feed.sync(selector)
                now = time.monotonic()
                if end is not None and now > end_at + 1.0:
                    break  # results pipe held open by nobody we know of: stop waiting
                if kill_sent_at is None and now >= deadline:
                    killed, kill_sent_at = True, now
                    self._send({"kind": "kill"})
                if kill_sent_at is not None and end is None and now > kill_sent_at + self.REPLY_TIMEOUT:
                    raise ZygoteFailed("no end after kill")  # wedged: the caller restarts it
                wait = 0.2 if end is None else 0.05
                if kill_sent_at is None:
                    wait = min(wait, max(0.0, deadline - now))
                for key, _ in selector.select(timeout=wait):
                    if key.data is feed:
                        feed.write()
                    elif key.data == "result":
                        try:
                            chunk = os.read(result_r, 65536)
                        except BlockingIOError:
                            continue
                        if not chunk:
                            selector.unregister(result_r)
                            reading = False
                            continue
                        out.extend(chunk[:PROTOCOL_CAP - len(out)])
                        feed.read(out)
                        if len(out) >= PROTOCOL_CAP:  # flooding the protocol: stop here
                            selector.unregister(result_r)
                            reading = False
                            if kill_sent_at is None:
                                killed, kill_sent_at = True, time.monotonic()
                                self._send({"kind": "kill"})
                    else:
                        end = self._control_message()
                        if end is not None:
                            end_at = time.monotonic()
                            selector.unregister(self.control)
        finally:
            feed.close(selector)
            self.control.setblocking(True)
            selector.close()
        return bytes(out), end, killed

    def _control_message(self):
        """Read what the control channel has: the "end" message once complete, else None."""
        try:
            data, fds, _flags, _addr = socket.recv_fds(self.control, 65536, 4)
        except BlockingIOError:
            return None
        for fd in fds:
            os.close(fd)
        if not data:
            raise ZygoteFailed("the zygote closed its control channel")
        self._buffer += data
        if b"\n" not in self._buffer:
            return None
        end = self._pop_message()
        if end.get("kind") != "end":
            raise ZygoteFailed("unexpected control message")
        return end
