"""One submission in a sandbox of its own: a new bubblewrap, interpreter and numpy import (about
0.1-0.2 s). Used where no warm zygote can run (no bubblewrap) and when a zygote would not start."""
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..selfcheck_package import copy_judge
from . import confine
from .protocol import PROTOCOL_CAP, STDERR_CAP, Feed, Limits, RunResult, environment, fill_silent_calls, parse, requests
from .scratch import remove_tree

HERE = Path(__file__).parent
SANDBOX_SCRIPTS = ("worker.py", "zygote.py", "scratch.py")  # the grader's own folder is hidden inside


def make_libdir() -> Path:
    """A private directory holding numpy, a copy of grader/judge as `judge` and the sandbox's own
    scripts. numpy is a link to the real one unconfined, a mount point for it confined."""
    libdir = Path(tempfile.mkdtemp(prefix="backprop-lib-"))
    confined = confine.available()[0]
    for name, path in confine.numpy_folders().items():
        if confined:
            (libdir / name).mkdir()
        else:
            (libdir / name).symlink_to(path, target_is_directory=True)
    copy_judge(libdir / "judge")
    for script in SANDBOX_SCRIPTS:
        shutil.copyfile(HERE / script, libdir / script)
    return libdir


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(cells: list, calls: list, limits: Limits = Limits(), trace: Iterable[str] = ()) -> RunResult:
    """Run cells (list of {"id", "code"}) then calls (list of {"exercise", "case", "inputs": wire,
    "public": bool}) in a fresh sandboxed worker; return a RunResult. Never raises for anything
    the learner did; SandboxFailure when the sandbox itself failed."""
    start = time.monotonic()
    confined = confine.available()[0]
    libdir = make_libdir()
    host_home = None if confined else tempfile.mkdtemp(prefix="backprop-run-")
    home = confine.SANDBOX_HOME if confined else host_home
    first, second = requests(cells, calls, limits, trace, confined)
    try:
        proc = subprocess.Popen(confine.command("worker.py", libdir), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=host_home or libdir, env=environment(home),
                                start_new_session=True, close_fds=True)
        feed = Feed(os.dup(proc.stdin.fileno()), first, second)
        proc.stdin.close()
        out, err, killed = _collect(proc, feed, start + limits.wall)
        result = parse(out, calls, feed.hidden_from)
        status = proc.returncode
        if confined and status is not None and status > 128:  # bubblewrap's init: 128 + the worker's signal
            status = 128 - status
        result.killed, result.exit_status = killed, status
        result.stderr = err.decode("utf-8", "replace")
        fill_silent_calls(result, calls)
    finally:
        remove_tree(libdir)
        if host_home:
            remove_tree(host_home)
    result.seconds = time.monotonic() - start
    return result


def _collect(proc, feed, deadline):
    """Feed the request, read the protocol and stderr until both close, the worker exits or the
    deadline passes."""
    buffers = {proc.stdout: bytearray(), proc.stderr: bytearray()}
    caps = {proc.stdout: PROTOCOL_CAP, proc.stderr: STDERR_CAP}
    selector = selectors.DefaultSelector()
    for stream in buffers:
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
    killed, exited_at, reading = False, None, set(buffers)
    try:
        while reading:
            feed.sync(selector)
            now = time.monotonic()
            if now >= deadline:
                killed = proc.poll() is None
                break
            if proc.poll() is not None:
                if exited_at is None:
                    exited_at = now
                    kill_group(proc)  # stray children in its group would hold the pipes open
                elif now - exited_at > 1.0:  # one that left the group holds them: stop waiting for it
                    break
            for key, _ in selector.select(timeout=min(0.2, max(0.0, deadline - now))):
                if key.data is feed:
                    feed.write()
                    continue
                try:
                    chunk = os.read(key.fileobj.fileno(), 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(key.fileobj)
                    reading.discard(key.fileobj)
                    continue
                buffer = buffers[key.fileobj]
                if len(buffer) < caps[key.fileobj]:
                    buffer.extend(chunk[:caps[key.fileobj] - len(buffer)])
                elif key.fileobj is proc.stdout:  # flooding the protocol: stop here
                    killed = True
                    selector.unregister(key.fileobj)
                    reading.discard(key.fileobj)
                if key.fileobj is proc.stdout:
                    feed.read(buffer)
    finally:
        feed.close(selector)
        selector.close()
    kill_group(proc)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return bytes(buffers[proc.stdout]), bytes(buffers[proc.stderr]), killed
