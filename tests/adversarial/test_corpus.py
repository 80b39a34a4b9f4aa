"""The adversarial corpus, graded in one batch (issue: hostile and broken submissions).

One course (01_derivatives, released once). Every case of cases.CASES is one student; two
honest learners (the reference submission) sit first and last in the same batch. One grade()
call with tight limits and 2 jobs grades them all. Then:

- the batch returned normally (exit status 0, no exception, never stopped, nobody missing);
- every case's Expect holds (test_case[...]): no score inflation, the attacked exercises at 0
  with the expected diagnosis, the others untouched, the expected grading_problems.csv rows;
- the honest learners have full marks;
- the instructor's files (source/, release/, nbgrader_config.py, submitted/, the checkout's
  exercises/ and solutions/) are byte-identical, nothing new appeared in the course folder but
  the grader's outputs, and the gradebook's assignment/notebook/cell definitions are unchanged;
- no process is left behind, nothing reached the test's 127.0.0.1 listeners;
- the batch stays within time and memory bounds.

Why a subprocess. grade() runs in a child process (the "grader"), started by a small reaper
that is a child subreaper (PR_SET_CHILD_SUBREAPER): every process the batch leaves behind —
a double-forked daemon in its own session included — is re-parented to the reaper, which lists
them after a grace period and kills them by pid. Running the grader apart also means that a
case which did kill or stop its parent fails this test instead of killing pytest.

Debugging: ADVERSARIAL_CASES=name,name runs only those cases (plus the honest learners),
ADVERSARIAL_SKIP=name,name all but those (say, to see past a case that brings the batch down).
"""
import csv
import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy
import pytest

import cases as corpus
from cases import A, ALL, CASES, HONEST, NAMES, POINTS, TOTAL, Env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
LIMITS = {"cpu": 15, "call_cpu": 2, "cell_cpu": 4, "wall_factor": 3, "memory": 2 ** 30}
JOBS = 2
CPU_BUDGET = 60  # processor seconds for the whole batch, grader and sandboxes (13 s measured under load)
DEADLINE = 600  # wall-clock seconds before the batch counts as hung, however busy the machine
GRADER_RSS_BUDGET = 2 ** 30  # bytes
WORKER_RSS_BUDGET = LIMITS["memory"] + 2 ** 28
GRACE = 3.0  # seconds the batch's processes get to end after grade() returned
OUTPUTS = {"grades.csv", "exercise_scores.csv", "grading_problems.csv", "diagnosis", "autograded", "report.html",
           "gradebook.db", "gradebook.db-journal", "gradebook.db-wal", "gradebook.db-shm", ".backprop-course"}


def _selected():
    wanted = set(filter(None, os.environ.get("ADVERSARIAL_CASES", "").split(",")))
    skipped = set(filter(None, os.environ.get("ADVERSARIAL_SKIP", "").split(",")))
    return [c for c in CASES if (not wanted or c.name in wanted) and c.name not in skipped]


SELECTED = _selected()
STUDENTS = {case.name: f"s{i:02d}_{case.name}" for i, case in enumerate(SELECTED)}

GRADER = r'''
import json, resource, sys, time, traceback
course, limits, assignment, out_path = sys.argv[1:5]
from grader.grade import grade
from grader.sandbox import Limits
result = {"ok": False}
start = time.monotonic()
try:
    summary = grade(course, [assignment], jobs=int(sys.argv[5]), force=True, limits=Limits(**json.loads(limits)),
                    quiet=True)
    result.update(ok=True, graded=summary.graded, seconds=summary.seconds, landlock=summary.landlock,
                  problems=len(summary.problems))
except BaseException:
    result["error"] = traceback.format_exc()[-6000:]
result["wall"] = time.monotonic() - start
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
result["cpu"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
result["maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
result["children_maxrss"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
with open(out_path, "w") as f:
    json.dump(result, f)
'''

REAPER = r'''
import ctypes, json, os, signal, subprocess, sys, time
spec = json.loads(sys.stdin.read())
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
me = os.getpid()
start = time.monotonic()


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")[:300]
    except OSError:
        return "?"


def reap(grader_pid=None):
    status = None
    try:
        while True:
            pid, st = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid == grader_pid:
                status = os.waitstatus_to_exitcode(st)
    except ChildProcessError:
        pass
    return status


def descendants():
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                tail = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(tail[1]), []).append((int(d), tail[0]))
    out, todo = [], [me]
    while todo:
        for pid, st in children.get(todo.pop(), []):
            if st != "Z":
                out.append(pid)
            todo.append(pid)
    return out


with open(spec["log"], "wb") as log:
    grader = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], stdin=subprocess.DEVNULL,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
status, stopped, killed = None, 0, False
while status is None:
    status = reap(grader.pid)
    if status is not None:
        break
    if state(grader.pid) in ("T", "t"):
        stopped += 1
        os.kill(grader.pid, signal.SIGCONT)
    if not killed and time.monotonic() - start > spec["deadline"]:
        os.kill(grader.pid, signal.SIGKILL)
        killed = True
    time.sleep(0.05)
wall = time.monotonic() - start
until = time.monotonic() + spec["grace"]
while True:
    reap()
    alive = descendants()
    if not alive or time.monotonic() > until:
        break
    time.sleep(0.1)
leftovers = [{"pid": pid, "cmdline": cmdline(pid), "state": state(pid)} for pid in alive]
for _ in range(50):
    alive = descendants()
    if not alive:
        break
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.1)
    reap()
print(json.dumps({"status": status, "stopped": stopped, "killed": killed, "wall": wall, "leftovers": leftovers,
                  "unkillable": [cmdline(p) for p in descendants()]}))
'''


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(2 ** 20), b""):
            h.update(block)
    return h.hexdigest()


def _digests(root, skip=("__pycache__",)):
    """{relative path: digest | 'link:target' | 'dir'} of everything under root, links not followed."""
    root = Path(root)
    out = {}
    if root.is_symlink() or root.is_file():
        return {".": f"link:{os.readlink(root)}" if root.is_symlink() else _sha(root)}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = f"link:{os.readlink(path)}"
            elif path.is_file():
                out[rel] = _sha(path)
            elif path.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = "special"
    return out


def _protected(course):
    """What no grading run may change: the instructor's files, the submissions, the checkout's."""
    import solutions
    tree = {f"course/{name}": _digests(course / name)
            for name in ("source", "release", "nbgrader_config.py", "submitted")}
    tree["checkout/exercises"] = _digests(REPO / "exercises" / A)
    tree["checkout/solutions"] = {k: v for k, v in _digests(REPO / "solutions").items() if k.endswith(".py")}
    installed = Path(solutions.__file__).resolve().parent
    tree["installed/solutions"] = {k: v for k, v in _digests(installed).items() if k.endswith(".py")}
    return tree


def _course_id(db):
    import sqlite3
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        ids = [row[0] for row in con.execute("SELECT id FROM course")]
    return ids[0] if len(ids) == 1 else "default_course"


def _definitions(course):
    """The gradebook's assignments, notebooks and cells as nbgrader's Gradebook reads them."""
    from nbgrader.api import Gradebook
    db = course / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", course_id=_course_id(db)) as gb:
        out = {}
        for a in gb.assignments:
            for nb in a.notebooks:
                out[(a.name, nb.name)] = {
                    "grade": sorted((c.name, c.max_score, c.cell_type) for c in nb.grade_cells),
                    "solution": sorted(c.name for c in nb.solution_cells),
                    "task": sorted((c.name, c.max_score) for c in nb.task_cells),
                    "source": sorted((c.name, c.cell_type, c.locked, c.source, c.checksum) for c in nb.source_cells),
                }
        return out


def _rows(course, name):
    path = course / name
    if not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _listeners():
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(64)
    tcp.setblocking(False)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.setblocking(False)
    return tcp, udp


def _received(tcp, udp):
    got = []
    while True:
        try:
            conn, peer = tcp.accept()
        except (BlockingIOError, OSError):
            break
        conn.settimeout(0.5)
        try:
            got.append(("tcp", conn.recv(200)))
        except OSError:
            got.append(("tcp", b""))
        conn.close()
    while True:
        try:
            got.append(("udp", udp.recv(200)))
        except (BlockingIOError, OSError):
            break
    return got


@pytest.fixture(scope="module")
def batch(released_copy):
    clock = [("start", time.monotonic())]
    course = released_copy
    base = course.parent
    clock.append(("copy", time.monotonic()))
    tcp, udp = _listeners()
    marker = f"adversarial-grader-{uuid.uuid4().hex}"
    env = Env(course=course, marker=marker.encode(), tcp_port=tcp.getsockname()[1], udp_port=udp.getsockname()[1],
              repo=REPO, numpy_init=Path(numpy.__file__).resolve())
    for student in HONEST:
        corpus.honest_build(course, course / "submitted" / student, env)
    for case in SELECTED:
        case.build(course, course / "submitted" / STUDENTS[case.name], env)

    clock.append(("build", time.monotonic()))
    before = _protected(course)
    definitions = _definitions(course)
    root_entries = set(os.listdir(course))

    child_env = dict(os.environ)
    child_env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    child_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    out_path = base / "grader-result.json"
    spec = {"argv": [sys.executable, "-c", GRADER, str(course), json.dumps(LIMITS), A, str(out_path), str(JOBS),
                     marker],
            "cwd": str(course), "env": child_env, "log": str(base / "grader.log"), "deadline": DEADLINE, "grace": GRACE}
    clock.append(("snapshot", time.monotonic()))
    reaper = subprocess.run([sys.executable, "-c", REAPER], input=json.dumps(spec), capture_output=True, text=True,
                            timeout=DEADLINE + 100, start_new_session=True)
    try:
        watch = json.loads(reaper.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        watch = {"error": f"reaper failed: {reaper.returncode} {reaper.stdout[-2000:]} {reaper.stderr[-2000:]}"}
    try:
        result = json.loads(out_path.read_text())
    except (OSError, ValueError):
        result = {"ok": False, "error": "the grading process wrote no result; log:\n"
                  + (base / "grader.log").read_text(errors="replace")[-4000:]}
    clock.append(("grade", time.monotonic()))
    received = _received(tcp, udp)
    tcp.close()
    udp.close()
    after = _protected(course)
    try:
        definitions_after = _definitions(course)
    except Exception as exc:  # a gradebook that no longer opens
        definitions_after = {"error": repr(exc)}
    clock.append(("check", time.monotonic()))
    timing = {name: round(t - clock[i][1], 1) for i, (name, t) in enumerate(clock[1:])}
    return {"course": course, "watch": watch, "timing": timing, "result": result, "received": received,
            "before": before, "after": after, "definitions": (definitions, definitions_after),
            "new_entries": set(os.listdir(course)) - root_entries - OUTPUTS,
            "missing_entries": root_entries - set(os.listdir(course)),
            "grades": _rows(course, "grades.csv"), "scores": _rows(course, "exercise_scores.csv"),
            "problems": _rows(course, "grading_problems.csv"),
            "log": (base / "grader.log").read_text(errors="replace")[-4000:]}


def _finished(batch):
    assert batch["grades"] is not None and batch["scores"] is not None, (
        f"the batch wrote no grades: {batch['result'].get('error', '')}\n{batch['log']}")


def test_corpus_is_complete():
    """The issue's list, each item covered by at least one case (and at least 30 cases)."""
    names = {c.name for c in CASES}
    assert len(CASES) >= 30
    required = {"loop_top_level", "loop_in_function", "sys_exit_in_function", "os_exit_in_function", "kill_parent",
                "memory_bomb", "spawn", "output_200mb", "deep_recursion", "import_solutions", "read_source_notebook",
                "read_gradebook", "network", "write_course_in_function", "edited_locked_cells", "deleted_test_cells",
                "duplicate_grade_ids", "liar_eq", "liar_protocols", "nan_inf", "huge_arrays", "monkeypatch_numpy",
                "monkeypatch_builtins", "corrupted_json", "non_utf8", "symlink_to_source", "notebook_100mb"}
    assert required <= names, sorted(required - names)
    assert all(c.assignment == A for c in CASES)
    assert all(c.expect.zero == ALL or set(c.expect.zero) <= set(NAMES) for c in CASES)


def test_batch_finished(batch):
    watch, result = batch["watch"], batch["result"]
    assert "error" not in watch, watch
    assert watch["stopped"] == 0, f"the grading process was stopped (SIGSTOP) {watch['stopped']} time(s)"
    assert not watch["killed"], "the grading process did not finish within the deadline"
    assert watch["status"] == 0, f"the grading process ended with status {watch['status']}\n{batch['log']}"
    assert result.get("ok"), f"grade() raised: {result.get('error', '')}\n{batch['log']}"
    assert result["graded"] == len(SELECTED) + len(HONEST)
    _finished(batch)
    students = {r["student_id"] for r in batch["grades"]}
    assert students == set(STUDENTS.values()) | set(HONEST), "students missing from grades.csv"


@pytest.mark.parametrize("student", HONEST)
def test_honest_learners_keep_full_marks(batch, student):
    _finished(batch)
    rows = {r["exercise"]: r for r in batch["scores"] if r["student_id"] == student}
    assert set(rows) == set(NAMES)
    assert {n: r["diagnosis"] for n, r in rows.items()} == {n: "ok" for n in NAMES}
    total = [float(r["score"]) for r in batch["grades"] if r["student_id"] == student]
    assert total == [TOTAL]
    assert not [p for p in batch["problems"] if p["student_id"] == student]


def test_instructor_files_unchanged(batch):
    before, after = batch["before"], batch["after"]
    changed = []
    for area in before:
        for path in sorted(set(before[area]) | set(after[area])):
            if before[area].get(path) != after[area].get(path):
                what = ("deleted" if path not in after[area] else "created" if path not in before[area]
                        else "changed")
                changed.append(f"{area}/{path}: {what}")
    assert not changed, "files changed by the batch:\n" + "\n".join(changed[:50])
    assert not batch["new_entries"], f"new files in the course folder: {sorted(batch['new_entries'])}"
    assert not batch["missing_entries"], f"deleted from the course folder: {sorted(batch['missing_entries'])}"


def test_gradebook_definitions_unchanged(batch):
    before, after = batch["definitions"]
    assert before == after


def test_no_process_left_behind(batch):
    watch = batch["watch"]
    assert "error" not in watch, watch
    assert not watch["leftovers"], (f"{len(watch['leftovers'])} process(es) still running {GRACE:g} s after the "
                                    f"batch: " + "; ".join(f"{p['pid']} {p['cmdline'][:120]}"
                                                          for p in watch["leftovers"][:10]))
    assert not watch["unkillable"]


def test_nothing_reached_the_network(batch):
    assert not batch["received"], f"the test's 127.0.0.1 listeners were reached: {batch['received'][:5]}"


def test_time_and_memory_bounded(batch):
    watch, result = batch["watch"], batch["result"]
    print(f"phases (s): {batch['timing']}; grading {result.get('wall', 0):.1f} s wall, {result.get('cpu', 0):.1f} s "
          f"processor time, grader peak RSS "
          f"{result.get('maxrss', 0) >> 20} MB, worker peak RSS {result.get('children_maxrss', 0) >> 20} MB, "
          f"landlock {result.get('landlock')}")
    # Processor time, not wall-clock time: a busy machine stretches the second, not the first.
    assert "cpu" in result, result
    assert result["cpu"] < CPU_BUDGET, f"the batch took {result['cpu']:.0f} s of processor time"
    assert result.get("maxrss", 0) < GRADER_RSS_BUDGET, f"grading process peak RSS {result.get('maxrss', 0) >> 20} MB"
    assert result.get("children_maxrss", 0) < WORKER_RSS_BUDGET, (
        f"a worker's peak RSS was {result.get('children_maxrss', 0) >> 20} MB (limit {LIMITS['memory'] >> 20} MB)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert own < 2 * 2 ** 30, f"the test process itself peaked at {own >> 20} MB"


@pytest.mark.parametrize("case", SELECTED, ids=[c.name for c in SELECTED])
def test_case(batch, case):
    _finished(batch)
    student, expect = STUDENTS[case.name], case.expect
    rows = {r["exercise"]: r for r in batch["scores"] if r["student_id"] == student}
    grades = [r for r in batch["grades"] if r["student_id"] == student]
    problems = [p["problem"] for p in batch["problems"] if p["student_id"] == student]
    table = "\n".join(f"  {n}: {r['score']}/{r['max_score']} {r['diagnosis']}: {r['message'][:300]}"
                      for n, r in rows.items())
    context = f"{case.name} ({case.why})\n{table}\n  problems: {problems}"
    assert set(rows) == set(NAMES), f"not every exercise was graded\n{context}"
    assert len(grades) == 1, f"grades.csv rows: {grades}\n{context}"
    total = float(grades[0]["score"])
    failures = []
    if abs(total - sum(float(r["score"]) for r in rows.values())) > 1e-9:
        failures.append(f"grades.csv total {total} is not the sum of the exercise scores")
    if total > expect.max_total() + 1e-9:
        failures.append(f"score inflation: total {total:g} > {expect.max_total():g}")
    for name in NAMES:
        r = rows[name]
        if name in expect.zero_set():
            if float(r["score"]) != 0 or r["diagnosis"] == "ok":
                failures.append(f"{name} must score 0, got {r['score']} ({r['diagnosis']})")
            elif expect.allowed(name) and r["diagnosis"] not in expect.allowed(name):
                failures.append(f"{name}: diagnosis {r['diagnosis']}, expected one of {expect.allowed(name)}")
            if expect.message and expect.message not in r["message"]:
                failures.append(f"{name}: message lacks {expect.message!r}")
        elif expect.intact and (r["diagnosis"] != "ok" or float(r["score"]) != POINTS[name]):
            failures.append(f"{name} is not attacked and must stay ok, got {r['score']} ({r['diagnosis']})")
        if expect.tampered and "[tampered]" not in r["message"]:
            failures.append(f"{name}: no [tampered] note")
        if expect.max_message and len(r["message"]) > expect.max_message:
            failures.append(f"{name}: message of {len(r['message'])} characters (> {expect.max_message})")
    if expect.problem is True and not problems:
        failures.append("a grading_problems.csv row is expected")
    if expect.problem is False and problems:
        failures.append(f"no grading_problems.csv row expected, got {problems}")
    if expect.problem_text and not any(expect.problem_text in p for p in problems):
        failures.append(f"no grading_problems.csv row mentions {expect.problem_text!r}")
    assert not failures, "\n".join(failures) + "\n" + context
