"""The warm sandbox: a long-lived process that forks one fenced child per submission.

Started by grader.sandbox.Zygote as `python -I -S zygote.py LIBDIR CONTROL_FD HOME` inside its own
bubblewrap sandbox with --as-pid-1, so it is PID 1 of a PID namespace of its own. It imports the
standard library, numpy and `judge` (the copy in LIBDIR) once; never `solutions` or the grader,
and never any learner data: a submission's request travels on a pipe that only the forked child
reads, and its results on a pipe that only the grader reads.

Control protocol on CONTROL_FD (a Unix socket to the grader; JSON lines):
    zygote -> grader  {"kind": "ready"}                          once, after the imports
    grader -> zygote  {"kind": "run", "timeout": seconds}        one submission
    zygote -> grader  {"kind": "forked"} + two fds (SCM_RIGHTS): the write end of the request
                      pipe and the read end of the result pipe
    grader -> zygote  {"kind": "kill"}                           optional: the grader's deadline
    zygote -> grader  {"kind": "end", "status": rc, "killed": bool, "clean": bool}   after the sweep
EOF on CONTROL_FD ends the zygote (and, as PID 1, everything in its namespace).

Per submission: fork; the child closes every descriptor but the two pipe ends it needs, moves
into a fresh folder HOME/backprop-run-XXXX, reseeds numpy's global generator from the OS and
calls worker.serve — which mounts the child's own bounded scratch tmpfs on that folder in a mount
and IPC namespace of the child's own and drops every capability (scratch.enter), then sets the
rlimits, Landlock and the capped output and runs the same cells and calls as the one-shot worker.
The zygote waits for the child (a pidfd) or the deadline or a kill from the grader, then sweeps:
kill(-1, SIGKILL), which from PID 1 reaches every other process of the namespace — the child,
and anything it started, whatever its session or process group — until /proc lists nobody but
PID 1, reaping each. With the last of them the kernel frees the child's namespaces: its tmpfs,
its /tmp and /dev/shm, its System V IPC objects. Nothing is left to walk; the zygote removes the
empty folder and reports "end" (clean: false if anything was in the way, and the grader then
starts a fresh zygote).

The zygote keeps CAP_SYS_ADMIN and CAP_SETPCAP of its own user namespace (to let each child mount
its tmpfs); the children drop them. It is non-dumpable (PR_SET_DUMPABLE 0) so that a child can
neither ptrace it nor open /proc/1/fd/*; as PID 1 it receives no signal from inside its namespace
for which it has not installed a handler, and it installs none.
"""
import ctypes
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time

def _others():
    """PIDs of this namespace other than PID 1."""
    return [int(e) for e in os.listdir("/proc") if e.isdigit() and e != "1"]


def _sweep():
    """Kill and reap every process of the namespace but this one."""
    for _ in range(1000):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        if not _others():
            return
        time.sleep(0.002)


def _child(control, request_r, result_w, workdir, libdir, stdlib):
    """In the forked child: keep two pipe ends, fence, run. Never returns."""
    try:
        control.detach()
        keep = {0, 1, 2, request_r, result_w}
        for fd in os.listdir("/proc/self/fd"):
            if int(fd) not in keep:
                try:
                    os.close(int(fd))
                except OSError:
                    pass
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(workdir)
        os.environ["HOME"] = os.environ["PWD"] = workdir
        import numpy
        numpy.random.seed()  # a fresh interpreter's generator starts from OS entropy too
        protocol = os.fdopen(result_w, "w", encoding="utf-8")
        import worker
        worker.serve(os.fdopen(request_r, "rb"), protocol, libdir, stdlib)
    except BaseException:
        pass
    os._exit(70)


def _send(control, message, fds=()):
    data = (json.dumps(message) + "\n").encode()
    if fds:
        socket.send_fds(control, [data], list(fds))
    else:
        control.sendall(data)


def _lines(control):
    """Yield JSON messages from the grader; stop at EOF."""
    buffer = b""
    while True:
        while b"\n" not in buffer:
            chunk = control.recv(65536)
            if not chunk:
                return
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            yield message


def _wait(pid, control, deadline):
    """Wait for the child to end, the deadline or the grader's kill; return (status, killed)."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, True
            ready, _, _ = select.select([pidfd, control], [], [], remaining)
            if pidfd in ready:
                _, status = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(status), False
            if control in ready:
                peek = control.recv(65536, socket.MSG_PEEK)
                if not peek:  # the grader is gone
                    raise SystemExit(0)
                control.recv(len(peek))
                return None, True  # the only message the grader sends meanwhile is kill
    finally:
        os.close(pidfd)


def main() -> None:
    libdir, control_fd, home = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    stdlib = [p for p in sys.path if p]
    sys.path.insert(0, libdir)
    import numpy  # the warm part: every child inherits it
    numpy.random.seed()  # the first seeding from the OS loads its helpers: ~30 ms saved per child
    import judge.run  # noqa: F401
    import judge.wire  # noqa: F401
    import worker  # noqa: F401
    import scratch  # noqa: F401 (also the children's, imported once here)
    import importlib.machinery  # noqa: F401  (used by the stubs)

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # PID 1: a signal with no handler from inside is dropped
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4: no ptrace, no /proc/1/fd for the children
    control = socket.socket(fileno=control_fd)
    _send(control, {"kind": "ready", "pid": os.getpid()})
    for message in _lines(control):
        if message.get("kind") != "run":
            continue
        timeout = float(message.get("timeout", 60))
        workdir = tempfile.mkdtemp(prefix="backprop-run-", dir=home)
        request_r, request_w = os.pipe()
        result_r, result_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            _child(control, request_r, result_w, workdir, libdir, stdlib)
        deadline = time.monotonic() + timeout
        os.close(request_r)
        os.close(result_w)
        _send(control, {"kind": "forked"}, (request_w, result_r))
        os.close(request_w)
        os.close(result_r)
        status, killed = _wait(pid, control, deadline)
        _sweep()
        if status is None:
            status = -signal.SIGKILL
        # The child's files were in its own tmpfs, gone with its mount namespace: the folder is
        # empty here. Should it not be, the grader replaces this zygote.
        clean = scratch.remove_tree(workdir)
        _send(control, {"kind": "end", "status": status, "killed": killed, "clean": clean})


if __name__ == "__main__":
    main()
