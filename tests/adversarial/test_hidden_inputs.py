"""Hidden case inputs never reach what a learner sees, and each course has hidden cases of its own.

Learners try to get the hidden inputs out through the feedback: an exception whose message, or
whose class name, carries them; a returned dict keyed by them; a cell that forges the worker's
"await" line and then reads what the grader sends; a scan of the worker's memory. Each is right
on the public (worked) cases, so only the hidden ones can go wrong. No feedback page and no CSV
holds any of the hidden inputs afterwards. Two courses released separately grade with different
hidden cases, drawn from a secret that is never under release/ or source/.
"""
import csv
from pathlib import Path

import pytest

import cases as corpus
from cases import A
from grader import seeds
from grader.grade import grade, make_plan
from grader.release import release

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TARGET = "chain_rule"  # two numbers in, one out

PUBLIC_ONLY = '''
@REFERENCE@

_public = {public}


def _is_public(args):
    return [float(a) for a in args] in _public
'''
ATTACKS = {
    "leak_message": PUBLIC_ONLY + '''

def @NAME@(*args):
    if _is_public(args):
        return _reference(*args)
    raise ValueError("LEAK " + " ".join(repr(float(a)) for a in args))
''',
    "leak_class_name": PUBLIC_ONLY + '''

def @NAME@(*args):
    if _is_public(args):
        return _reference(*args)
    name = "LEAK_" + "_".join(repr(float(a)).replace(".", "p").replace("-", "m") for a in args)
    raise type(name, (Exception,), {})("x")
''',
    "leak_dict_keys": PUBLIC_ONLY + '''

def @NAME@(*args):
    if _is_public(args):
        return _reference(*args)
    return {" ".join(repr(float(a)) for a in args): 1.0}
''',
    "leak_forged_await": '''
import os, time
for _fd in range(64):
    try:
        os.write(_fd, b'\\n{"kind": "await"}\\n')
    except OSError:
        pass
time.sleep(1.0)
_got = b""
for _fd in range(64):
    try:
        os.set_blocking(_fd, False)
        _got += os.read(_fd, 1 << 20)
    except OSError:
        pass
raise RuntimeError("LEAK " + _got.decode("utf-8", "replace")[:250])
''',
    "leak_memory_scan": '''
import gc
_seen = []
for _obj in gc.get_objects():
    if isinstance(_obj, dict) and "inputs" in _obj:
        _seen.append(repr(_obj)[:100])
if _seen:
    raise RuntimeError("LEAK " + " ".join(_seen)[:280])
@REFERENCE@


def @NAME@(*args):
    return _reference(*args) + 1.0  # wrong on purpose: the message is shown
''',
}


@pytest.fixture(scope="module")
def course(released_copy):
    course = released_copy
    plan = make_plan(course, A)
    public = [[float(a) for a in c.inputs] for c in plan.cases[TARGET] if c.worked]
    env = corpus.Env(course=course, marker=b"-", tcp_port=0, udp_port=0, repo=REPO, numpy_init=Path("/"))
    corpus.honest_build(course, course / "submitted" / "honest", env)
    for name, attack in ATTACKS.items():
        corpus.code(**{TARGET: attack.replace("{public}", repr(public))})(course, course / "submitted" / name, env)
    grade(course, jobs=2, quiet=True)
    return course


def _hidden_numbers(course):
    """Every hidden input of the attacked exercise, as the learners' code would write it."""
    plan = make_plan(course, A)
    numbers = [float(a) for c in plan.cases[TARGET] if not c.worked for a in c.inputs]
    assert len(numbers) >= 6
    texts = set()
    for x in numbers:
        texts |= {repr(x), repr(x).replace(".", "p").replace("-", "m"), f"{x:.6f}"}
    return texts


def _reports(course):
    paths = [course / "exercise_scores.csv", course / "grading_problems.csv", course / "grades.csv",
             course / "report.html", *sorted((course / "diagnosis").rglob("*.html"))]
    return {str(p.relative_to(course)): p.read_text(encoding="utf-8") for p in paths}


def test_no_report_holds_a_hidden_input(course):
    hidden = _hidden_numbers(course)
    for name, text in _reports(course).items():
        found = sorted(h for h in hidden if h in text)
        assert not found, f"{name} shows hidden inputs {found}"


def test_every_attack_still_costs_the_attacked_exercise(course):
    with open(course / "exercise_scores.csv", newline="", encoding="utf-8") as f:
        rows = {(r["student_id"], r["exercise"]): r for r in csv.DictReader(f)}
    honest = rows[("honest", TARGET)]
    assert honest["diagnosis"] == "ok", (honest["message"], (course / "grading_problems.csv").read_text())
    for name in ATTACKS:
        assert rows[(name, TARGET)]["score"] == "0", name
    message = rows[("leak_message", TARGET)]["message"]
    assert "raised ValueError (at line" in message and "LEAK" not in message.split("(at")[0]
    assert "an exception of its own class" in rows[("leak_class_name", TARGET)]["message"]


def test_two_courses_released_separately_have_different_hidden_cases(course, tmp_path):
    other = tmp_path / "other"
    release(other, [A])
    mine, theirs = make_plan(course, A), make_plan(other, A)
    for name in mine.names:
        public = [repr(c.inputs) for c in mine.cases[name] if c.worked]
        assert public == [repr(c.inputs) for c in theirs.cases[name] if c.worked]
        hidden = [repr(c.inputs) for c in mine.cases[name] if not c.worked]
        assert hidden and hidden != [repr(c.inputs) for c in theirs.cases[name] if not c.worked], name
    key = (course / seeds.SECRET).read_bytes().strip()
    assert len(key) == 64 and key != (other / seeds.SECRET).read_bytes().strip()
    for folder in ("release", "source"):
        for path in (course / folder).rglob("*"):
            assert not path.is_file() or key not in path.read_bytes(), path
    assert oct((course / seeds.SECRET).stat().st_mode & 0o777) == "0o600"
