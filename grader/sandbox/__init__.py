"""Isolated execution of one submission: the trust boundary and the limits.

Design. The learner's code never runs in the grader's process. For each submission, run()
(oneshot.py) starts a fresh interpreter, `sys.executable -I -S worker.py LIBDIR`: -I ignores every
PYTHON* variable and keeps the script's and the current directory off sys.path, -S skips
site-packages. LIBDIR is a private temporary directory holding only a symlink to numpy (and
numpy.libs), a fresh copy of grader/judge (which imports only numpy and itself) and the
sandbox's own scripts, so the worker's sys.path is the standard library plus those: `solutions`,
the catalogue and the expected values are not importable, and the worker never had them in
memory — it receives inputs as JSON wire data, never expected values. It receives them in two
steps: the cells and the public cases first; the hidden cases only after it has reported those,
so no learner text written before then can hold a hidden input, and none written after is shown.

Fences around the process:
- environment cleared except PATH, LANG/LC_ALL and one-thread BLAS settings;
- the only writable place is a tmpfs of its own, bounded in bytes and in inodes, in a mount
  namespace of its own (scratch.py): its working folder, HOME, /tmp and /dev/shm; everything else
  is read-only, every capability is dropped, and the kernel frees it all when the submission's
  last process dies. Nothing a learner leaves behind is walked by the grader;
- processor-time limits per call and per cell (ITIMER_PROF) and per submission (RLIMIT_CPU), so
  a busy machine does not turn honest work into a timeout; each has a wall-clock backstop
  (Limits.wall_factor times longer) for code that sleeps;
- resource limits: RLIMIT_AS (memory), RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_CORE = 0
  and RLIMIT_NPROC = 0 (no fork; the kernel does not enforce it for root). The worker sets them on
  itself, after reading the request and before running any learner code, rather than in a
  preexec_fn: grade() starts workers from several threads, and Python documents preexec_fn as
  unsafe in a threaded program (the child may deadlock before exec);
- its own session (process group); after the wall-clock backstop, or once the worker has exited,
  the parent kills the whole group with SIGKILL, so stray children die with it;
- the worker itself applies a Landlock ruleset when the kernel offers one (Linux ≥ 5.13, no
  privileges needed): read-only access to the standard library, numpy and LIBDIR, read-write only
  to its cwd, no TCP, no signals to processes outside it. Without Landlock the other fences still
  hold;
- learner output goes to a capped buffer (fds 1/2 to /dev/null); the protocol travels on a
  duplicate of the original stdout made before any learner code ran, and the parent stops reading
  it past PROTOCOL_CAP bytes.
What comes back is parsed with json and wire.decode only (protocol.py): values, never code or
pickles. A call with no line after a kill is a timeout; after the worker died by itself, an
error. A sandbox that fails by itself (no "ready", a fault in its set-up, a broken protocol) is
SandboxFailure, never a learner's score.

The warm path: Zygote (warm.py; grade() uses one per job slot). A one-shot run pays a bubblewrap, an
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
reaps them, and only then reports "end"; the child's tmpfs and IPC objects went with its
namespaces. Nothing learner-controlled reaches the next submission: memory — each child is a
fresh fork of the clean zygote, which never held learner data; files — in a tmpfs that no longer
exists; processes — swept. The zygote is non-dumpable, so the child can neither ptrace it nor open
its descriptors through /proc, and as PID 1 it gets no signal from inside its namespace that it
has no handler for (and it installs none). A zygote that still fails — the control channel
closes, no "end" in time, a cleanup that leaves something — is killed with its whole namespace
and replaced by a fresh one, on which the submission runs again. Without bubblewrap there is no
PID namespace to sweep, so there is no zygote either: Zygote.run falls back to the one-shot run,
whose working folder is then a host folder removed by scratch.remove_tree.
Cost per submission on the warm path: about 5 ms plus the learner's own work.
"""
from ..errors import SandboxFailure
from .oneshot import run
from .protocol import Limits, RunResult, without_culprit
from .warm import Zygote, ZygoteFailed

__all__ = ["Limits", "RunResult", "SandboxFailure", "Zygote", "ZygoteFailed", "run", "without_culprit"]
