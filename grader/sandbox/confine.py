"""The outer fence: run the worker inside bubblewrap namespaces where the machine allows it.

Why bubblewrap. The worker must see nothing of the course, the reference or the grader, reach no
network, signal nothing outside itself and leave no process behind. Linux namespaces give all
four at a cost of milliseconds (a container would cost a daemon and seconds), and bubblewrap
(Debian's `bubblewrap`) sets them up without a setuid helper when run as root or where
unprivileged user namespaces are allowed. The sandbox sees, read-only: /usr (with every
site-packages folder hidden under an empty tmpfs), the Python installation the same way, numpy's
own folders and the worker's private library folder (at SANDBOX_LIB); its home, SANDBOX_HOME, is a tmpfs of its
own, and nothing of the host's disk is writable. New user, PID, network, IPC and UTS namespaces;
its own session, so it cannot push keystrokes into a terminal; --die-with-parent and the PID
namespace end every process it started when the worker ends or the grader dies. Of all
capabilities it keeps two, inside its own user namespace only: CAP_SYS_ADMIN and CAP_SETPCAP,
which scratch.enter uses to mount each submission's bounded scratch tmpfs and then drops, with
every other capability, before any learner code runs.

Where bubblewrap is missing or refused (macOS, locked containers), `command` returns the bare
worker command; rlimits, the process group and Landlock (worker.py) still apply, and
`available()` says why the namespaces are off so that every grading run can say so.
"""
import shutil
import site
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy

HIDDEN_SITE_PACKAGES = ("site-packages", "dist-packages")
SANDBOX_HOME = "/home/sandbox"  # a tmpfs inside the sandbox; the working folders go below it
# The library folder inside, with numpy bound into it: nothing the worker needs may sit under /tmp,
# which each submission's own tmpfs hides (the host's temporary folder, a venv in it, often does).
SANDBOX_LIB = "/opt/backprop-sandbox"
NUMPY_FOLDERS = ("numpy", "numpy.libs")  # under SANDBOX_LIB inside; mount points in the library folder
CAPABILITIES = ("--cap-drop", "ALL", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP")
PRIVATE_PLACES = ("/tmp", "/dev/shm")  # each submission gets its own tmpfs on these too

# Inside the probe sandbox (the grading sandbox itself): the bounded tmpfs of scratch.enter.
_PROBE = ("import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); "
          f"sys.exit(libc.mount(b'probe', b'{SANDBOX_HOME}', b'tmpfs', 0, b'size=1m,nr_inodes=16') "
          "and ctypes.get_errno())")


@cache
def available() -> tuple[bool, str]:
    """(True, "") when bubblewrap namespaces work here, else (False, reason)."""
    bwrap = shutil.which("bwrap")
    if not sys.platform.startswith("linux"):
        return False, f"no Linux namespaces on {sys.platform}"
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
    argv = _bwrap(bwrap, None, as_pid_1=False) + ["--", _python(), "-I", "-S", "-c", _PROBE]
    probe = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return False, f"bubblewrap cannot create namespaces here: {probe.stderr.strip()[:200]}"
    return True, ""


def _python():
    return str(Path(sys.executable).resolve())


def _python_roots():
    """Folders the interpreter needs: its installation prefix (real paths)."""
    executable = Path(sys.executable).resolve()
    return sorted({Path(sys.base_prefix).resolve(), executable.parent.parent})


def private_places() -> list[str]:
    """The places a submission's own tmpfs may cover: /tmp and /dev/shm, but not a place where the
    interpreter itself is installed."""
    roots = [str(r) for r in _python_roots()]
    return [p for p in PRIVATE_PLACES if not any(r == p or r.startswith(p + "/") for r in roots)]


def _site_folders():
    """Every site-packages folder the grader's Python knows of: hidden inside the sandbox."""
    folders = set(site.getsitepackages()) | {site.getusersitepackages()}
    folders |= {p for p in sys.path if p.rstrip("/").endswith(HIDDEN_SITE_PACKAGES)}
    return sorted(str(Path(f).resolve()) for f in folders if Path(f).exists())


def numpy_folders() -> dict[str, Path]:
    """{name: real path} of numpy's package folder and, where it has one, its bundled libraries."""
    here = Path(numpy.__file__).resolve().parent
    found = {"numpy": here, "numpy.libs": here.parent / "numpy.libs"}
    return {name: path for name, path in found.items() if path.is_dir()}


def _bwrap(bwrap, libdir, as_pid_1):
    """bubblewrap's options: the namespaces, what is shown read-only, the home; libdir (with numpy
    bound into it) at SANDBOX_LIB."""
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", *(["--as-pid-1"] if as_pid_1 else []),
            *CAPABILITIES, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
            "--ro-bind", "/usr", "/usr", "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            argv += ["--symlink", str(target.readlink()), str(target)]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), str(target)]
    for root in _python_roots():
        if not str(root).startswith("/usr/"):
            argv += ["--ro-bind", str(root), str(root)]
    for folder in _site_folders():
        argv += ["--tmpfs", folder]
    if libdir is not None:
        argv += ["--ro-bind", str(libdir), SANDBOX_LIB]
        for name, path in numpy_folders().items():
            argv += ["--ro-bind", str(path), f"{SANDBOX_LIB}/{name}"]
    return argv + ["--tmpfs", SANDBOX_HOME, "--chdir", SANDBOX_HOME]


def command(script: str, libdir: str | Path, *args: object, as_pid_1: bool = False) -> list[str]:
    """The argv that runs `python -I -S LIB/script LIB *args` confined, LIB being the library
    folder libdir shown read-only at SANDBOX_LIB (numpy in it), the home and working folder
    SANDBOX_HOME; or, when namespaces are off, the same command unconfined with LIB = libdir.

    as_pid_1: the script is PID 1 of its PID namespace (the zygote, which reaps and sweeps its
    namespace itself) instead of a child of bubblewrap's own init."""
    ok, _ = available()
    if not ok:
        return [sys.executable, "-I", "-S", str(Path(libdir) / script), str(libdir), *map(str, args)]
    return (_bwrap(shutil.which("bwrap"), libdir, as_pid_1)
            + ["--", _python(), "-I", "-S", f"{SANDBOX_LIB}/{script}", SANDBOX_LIB, *map(str, args)])
