"""What a learner leaves behind, and a busy machine, cost nobody else anything.

One course (01_derivatives). Ten honest learners, one whose honest code burns processor time on
every call, and three who leave a mess with otherwise right answers: a tree of 1,200 nested
folders made with relative mkdir and chdir, the disk filled with 16 MB files until it is full, and
100,000 small files. Graded with `grade --jobs 1` and `--jobs 2`, each in a process of its own
whose temporary folder is a fresh one: everyone gets full marks (the mess is in a bounded tmpfs
that disappears with the submission), grade exits 0 with every report written, and the temporary
folder is empty afterwards. Then the same class is graded while both cores are kept busy by other
processes, with tight processor-time limits: the scores are identical to the idle run's.
"""
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cases as corpus
from cases import A, NAMES, POINTS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
HONEST = [f"honest_{i:02d}" for i in range(10)]

WRAP = '''
@REFERENCE@

{mess}

def @NAME@(*args):
    return _reference(*args)
'''
MESS = {
    "deep_tree": '''
import os
_start = os.getcwd()
for _ in range(1200):
    os.mkdir("d")
    os.chdir("d")
os.chdir(_start)
''',
    "fill_disk": '''
import os
for _place in (".", "/tmp", "/dev/shm"):
    try:
        for _i in range(400):
            with open(os.path.join(_place, f"big{_i}"), "wb") as _f:
                _f.write(b"\\0" * (16 * 2 ** 20 - 1))
    except OSError:
        pass
''',
    "many_files": '''
import os
try:
    for _i in range(100000):
        open(f"small{_i}", "w").close()
except OSError:
    pass
''',
}
BURN = '''
@REFERENCE@

import time


def @NAME@(*args):
    spent = time.process_time() + 0.5  # honest but slow: 0.5 s of processor time per call
    while time.process_time() < spent:
        pass
    return _reference(*args)
'''
SLOW = "honest_but_slow"
STUDENTS = HONEST + [SLOW] + sorted(MESS)
TOTAL = sum(POINTS.values())

GRADE = r'''
import json, sys
from grader.grade import grade
from grader.sandbox import Limits
grade(sys.argv[1], jobs=int(sys.argv[2]), force=True, limits=Limits(**json.loads(sys.argv[3])), quiet=True)
'''
TIGHT = {"cpu": 20, "call_cpu": 1.0, "cell_cpu": 2.0}  # the slow learner needs 0.5 s a call
BURNER = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@pytest.fixture(scope="module")
def course(released_copy):
    course = released_copy
    env = corpus.Env(course=course, marker=b"-", tcp_port=0, udp_port=0, repo=REPO, numpy_init=Path("/"))
    for student in HONEST:
        corpus.honest_build(course, course / "submitted" / student, env)
    corpus.code(chain_rule=BURN)(course, course / "submitted" / SLOW, env)
    for name, mess in MESS.items():
        corpus.code(has_converged=WRAP.replace("{mess}", mess))(course, course / "submitted" / name, env)
    return course


def _environment(tmp):
    env = dict(os.environ, TMPDIR=str(tmp))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    return env


def _scores(course):
    with open(course / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        return {(r["student_id"], r["exercise"]): (r["score"], r["diagnosis"]) for r in csv.DictReader(f)}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_mess_left_behind_costs_nobody_anything(course, tmp_path, jobs):
    done = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course), "--jobs", str(jobs),
                           "--force"], env=_environment(tmp_path), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    scores = _scores(course)
    assert {s for s, _ in scores} == set(STUDENTS)
    for student in STUDENTS:
        for name in NAMES:
            assert scores[(student, name)] == (f"{POINTS[name]:g}", "ok"), (student, name)
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        assert {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)} == {s: TOTAL for s in STUDENTS}
    for student in STUDENTS:
        assert (course / "diagnosis" / student / A / f"{A}.html").is_file()
    assert (course / "report.html").is_file() and (course / "grading_problems.csv").is_file()
    assert os.listdir(tmp_path) == []  # nothing left in the temporary folder
    assert not list((course / "submitted").rglob("big*")) and not list(course.rglob("small1*"))


def test_a_busy_machine_gives_the_same_scores(course, tmp_path):
    def graded():
        done = subprocess.run([sys.executable, "-c", GRADE, str(course), "2", json.dumps(TIGHT)],
                              env=_environment(tmp_path), capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        return _scores(course)

    idle = graded()
    # each in a session of its own, like other users' work: the scheduler shares the cores among
    # sessions (autogroups) first, so burners sharing one session would hardly slow the sandboxes
    burners = [subprocess.Popen([sys.executable, "-c", BURNER.format(seconds=300)], start_new_session=True)
               for _ in range(3 * (os.cpu_count() or 1))]
    try:
        time.sleep(0.5)
        assert all(b.poll() is None for b in burners)  # the cores are busy while the class is graded
        busy = graded()
    finally:
        for b in burners:
            b.kill()
            b.wait()
    assert busy == idle
    assert {d for (s, _), (_, d) in idle.items() if s == SLOW} == {"ok"}
