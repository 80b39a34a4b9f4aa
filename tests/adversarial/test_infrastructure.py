"""When the grader's own machinery fails, no learner pays for it.

- The sandbox fails on every slot (here: a scratch size the kernel refuses, so no submission's
  sandbox can be set up): each submission is tried on a fresh slot, then reported as not graded in
  grading_problems.csv with no score and no stored result; the batch ends normally, and the next
  run, with a working sandbox, grades them all.
- The course's own disk fills up while results are written: `grade` stops with one line and exit
  status 2, keeps every result written so far, and once there is room again goes on from there.
"""
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cases as corpus
from grader.grade import RESULTS, grade
from grader.sandbox import Limits

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
STUDENTS = [f"learner_{i:02d}" for i in range(6)]


def _build(course):
    env = corpus.Env(course=course, marker=b"-", tcp_port=0, udp_port=0, repo=REPO, numpy_init=Path("/"))
    for student in STUDENTS:
        corpus.honest_build(course, course / "submitted" / student, env)


@pytest.fixture(scope="module")
def released(released_copy):
    _build(released_copy)
    return released_copy


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_a_sandbox_that_fails_on_every_slot_scores_nobody_and_is_retried_next_run(released, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(released, course, symlinks=True)
    broken = Limits(scratch_bytes=-1)  # the tmpfs mount is refused: no sandbox can be set up
    summary = grade(course, jobs=2, limits=broken, quiet=True)
    assert summary.graded == len(STUDENTS) and len(summary.grades) == 0
    failed = {p.student for p in summary.problems if "not graded, the sandbox failed" in p.problem}
    assert failed == set(STUDENTS)
    assert _rows(course / "grades.csv") == [] and not list((course / RESULTS).rglob("*.json"))
    assert {r["student_id"] for r in _rows(course / "grading_problems.csv")} == set(STUDENTS)

    again = grade(course, jobs=2, quiet=True)
    assert again.graded == len(STUDENTS) and again.reused == 0
    lost = {g.student: [(r.exercise, r.diagnosis, r.message) for r in g.results if r.diagnosis != "ok"]
            for g in again.grades}
    assert {g.student: g.score for g in again.grades} == {s: again.grades[0].max_score for s in STUDENTS}, lost
    assert not again.problems


def _mount_tmpfs(folder, size):
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "course-disk", str(folder)],
                          capture_output=True, text=True)


def _used(folder):
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())


def _result_size(released):
    """Bytes one graded submission takes (its stored result and its autograded notebook): graded
    once in a copy."""
    probe = released.parent / "probe"
    if not probe.exists():
        shutil.copytree(released, probe, symlinks=True)
        for student in STUDENTS[1:]:
            shutil.rmtree(probe / "submitted" / student)
        grade(probe, jobs=1, quiet=True)
    pages = 0
    for folder in (probe / RESULTS, probe / "autograded"):
        size = max(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        pages += size // 4096 + 2  # whole pages, and the temporary file beside it
    return pages * 4096


def test_a_full_course_disk_stops_grade_cleanly_and_it_goes_on_later(released, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    room = _used(released) + 2 * 2 ** 20
    mounted = _mount_tmpfs(disk, room)
    if mounted.returncode != 0:
        pytest.skip(f"needs root to mount a small tmpfs (CI runs as root): {mounted.stderr.strip()}")
    try:
        course = disk / "course"
        shutil.copytree(released, course, symlinks=True)
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as f:  # fill the disk, then leave room for about two results
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
            f.truncate(max(0, f.tell() - 2 * _result_size(released)))
        done = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course), "--jobs", "1"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot write to" in lines[0] and "No space left on device" in lines[0]
        kept = len(list((course / RESULTS).rglob("*.json")))
        assert 0 < kept < len(STUDENTS)

        filler.unlink()
        done = subprocess.run([sys.executable, "-m", "grader", "grade", "--course", str(course), "--jobs", "1"],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert f"graded {len(STUDENTS) - kept} submission(s), reused {kept} unchanged" in done.stdout
        assert {r["student_id"] for r in _rows(course / "grades.csv")} == set(STUDENTS)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
