"""`grade --dask SCHEDULER_ADDRESS`: the same grading, spread over a Dask distributed cluster.

The client sends each submission as JSON text (the notebook, its assignment's source notebook, the
limits and the grader's fingerprint); a worker computes the assignment's cases once, grades in its
own warm sandbox, exactly as a local run does, and answers with the result as JSON text. Nothing
learner-made is pickled either way. The client stores each result as it arrives.
"""
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from . import discover, sandbox
from .catalogue import COURSE_CHECKS, for_course
from .errors import CommandError, SandboxFailure
from .grade import Plan, grade_submission, make_plan
from .results import SubmissionGrade, fingerprint as grader_fingerprint, from_json, to_json

_REMOTE = threading.local()  # per Dask worker thread: its Zygote
_REMOTE_PLANS = {}  # per Dask worker process: (assignment, source digest, fingerprint) -> Plan
_REMOTE_LOCK = threading.Lock()


def _remote_plan(assignment, source_name, source_text, checks, fingerprint, limits, seed, policy):
    """The Plan of an assignment on a Dask worker, computed there once (the cases are
    deterministic, from the course's seed), with the course's own checks ({file name: text}, the
    instructor's code, which the client sends); refuses to grade with a grader that is not the
    client's."""
    import tempfile
    key = (assignment, hashlib.sha256(repr((source_text, sorted(checks.items()))).encode()).hexdigest(), fingerprint)
    with _REMOTE_LOCK:
        if key not in _REMOTE_PLANS:
            folder = Path(tempfile.mkdtemp(prefix="backprop-source-"))
            path = folder / "source" / assignment / source_name
            path.parent.mkdir(parents=True)
            path.write_text(source_text, encoding="utf-8")
            for name, text in checks.items():
                (folder / COURSE_CHECKS).mkdir(exist_ok=True)
                (folder / COURSE_CHECKS / Path(name).name).write_text(text, encoding="utf-8")
            cat = for_course(folder)
            if grader_fingerprint(limits, seed, cat.files, policy) != fingerprint:
                raise RuntimeError("this Dask worker runs another version of backprop-course than the "
                                   "client: install the same version on every worker")
            _REMOTE_PLANS[key] = make_plan(folder, assignment, seed, cat, policy)
        return _REMOTE_PLANS[key]


def grade_remote(task: str) -> str:
    """A Dask task: one submission in, its SubmissionGrade out, both as JSON text (no pickles of
    learner data either way). The learner's code runs in this worker's sandbox, exactly as in a
    local run; the worker needs only backprop-course installed, not the course directory. When
    the sandbox itself fails, the answer is {"failure": reason} instead."""
    import tempfile
    t = json.loads(task)
    limits = sandbox.Limits(**t["limits"])
    plan = _remote_plan(t["assignment"], t["source_name"], t["source"], t["checks"], t["fingerprint"], limits,
                        t["seed"], t["policy"])
    if not hasattr(_REMOTE, "zygote"):
        import atexit
        _REMOTE.zygote = sandbox.Zygote(limits)
        atexit.register(_REMOTE.zygote.close)  # its sandbox and folders go with the worker
    with tempfile.TemporaryDirectory(prefix="backprop-sub-") as folder:
        path = None
        if t["notebook"] is not None:
            path = Path(folder) / t["name"]
            path.write_bytes(t["notebook"].encode("utf-8", "surrogateescape"))
        sub = discover.Submission(t["student"], t["assignment"], path, t["problem"])
        try:
            g = grade_submission(sub, plan, limits, runner=_REMOTE.zygote)
        except SandboxFailure as exc:
            return json.dumps({"failure": str(exc)[:200]})
    return json.dumps(to_json(g))


def _task(sub, plan, limits, fingerprint, checks):
    """The JSON text a Dask worker needs to grade sub: the notebook's and the source's text, and
    the course's own checks ({file name: text})."""
    notebook = None
    if sub.path is not None:
        notebook = sub.path.read_bytes().decode("utf-8", "surrogateescape")
    return json.dumps({"student": sub.student, "assignment": sub.assignment, "problem": sub.problem,
                       "name": sub.path.name if sub.path else None, "notebook": notebook,
                       "source": plan.source.path.read_text(encoding="utf-8"), "source_name": plan.source.path.name,
                       "checks": checks, "fingerprint": fingerprint,
                       "limits": asdict(limits), "seed": plan.seed, "policy": plan.policy})


def grade_on_dask(address: str, todo: list[tuple[str, str, discover.Submission]], plans: dict[str, Plan],
                  limits: sandbox.Limits, fingerprint: str, course_checks: tuple[Path, ...],
                  store: Callable[[str, str, SubmissionGrade, discover.Submission], int | None],
                  fail: Callable[[str, discover.Submission, str], None]) -> list[int | None]:
    """Submit the todo list to the Dask scheduler at address, a bounded window at a time (memory
    stays flat however big the class), and store each result as it arrives (fail(key, sub,
    reason) where the worker's sandbox failed)."""
    checks = {path.name: path.read_text(encoding="utf-8") for path in course_checks}
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise CommandError("--dask needs Dask: pip install 'backprop-course[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise CommandError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    fresh = []
    try:
        threads = sum(client.nthreads().values()) or 1
        window = max(4, 4 * threads)
        pending = iter(todo)
        futures = as_completed()
        keys = {}

        def submit_next():
            for key, digest, sub in pending:
                try:
                    task = _task(sub, plans[sub.assignment], limits, fingerprint, checks)
                except OSError:  # unreadable here: graded here, as a local run would
                    fresh.append(store(key, digest, grade_submission(sub, plans[sub.assignment], limits), sub))
                    continue
                future = client.submit(grade_remote, task, key=f"backprop-grade-{key}-{digest[:16]}", pure=False)
                keys[future.key] = (key, digest, sub)
                futures.add(future)
                return True
            return False

        for _ in range(window):
            if not submit_next():
                break
        for future in futures:
            key, digest, sub = keys.pop(future.key)
            try:
                answer = json.loads(future.result())
            except Exception as exc:  # the worker could not grade at all (not the learner's doing)
                raise CommandError(f"a Dask worker failed on {key}: {type(exc).__name__}: {exc}") from None
            future.release()
            if "failure" in answer:
                fail(key, sub, answer["failure"])
            else:
                fresh.append(store(key, digest, from_json(answer), sub))
            submit_next()
    finally:
        client.close()
    return fresh
