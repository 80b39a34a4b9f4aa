"""What `grade` keeps of each graded submission: DIR/.backprop-course/results/<student>/<a>.json.

Each result is written atomically the moment it is known, with a digest of the submission, its
source notebook, the grader's own code, the limits and the course's seed: a run killed midway
loses nothing, and the next run grades only what is new or changed. The reports are written from
these files (StoredGrades), so memory does not grow with the class.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import report_files
from .judge.diagnose import Result

if TYPE_CHECKING:
    from .discover import Submission
    from .sandbox import Limits

RESULTS = Path(".backprop-course") / "results"
CACHE_VERSION = 5


@dataclass(frozen=True)
class SubmissionGrade:
    student: str
    assignment: str
    results: tuple  # Result per exercise, catalogue order
    tampering: tuple = ()  # sentences, for the learner
    notes: tuple = ()  # other remarks (renamed notebook, whole-run timeout …), for the learner
    seconds: float = 0.0
    landlock: int | None = None  # the Landlock ABI the worker ran under, 0 when none, None: no worker
    code: tuple = ()  # (exercise, the learner's code for it), for the feedback page
    cells: tuple = ()  # the grade_id of the cell each result scores, in the gradebook
    remarks: tuple = ()  # for the learner only, not a grading problem (a cell of their own that raised)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.results)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.results)


def fingerprint(limits: Limits, seed: int, course_checks: Sequence[Path] = (), policy: str = "") -> str:
    """A digest of everything a result depends on besides the submission and its source: the
    grader's code, the checks (the package's and the course's own), the reference, the limits,
    the seed of the hidden cases and the grading policy."""
    h = hashlib.sha256(repr((CACHE_VERSION, seed, limits, policy)).encode())
    here = Path(__file__).parent
    import exercises
    import solutions
    files = [*sorted((here / "judge").glob("*.py")), *sorted(exercises.HOME.glob("*/checks.py")),
             *sorted((here / "sandbox").glob("*.py")), here / "restore.py", here / "grade.py", here / "results.py",
             here / "cell_grades.py", *sorted(Path(solutions.__file__).parent.glob("*.py")), *course_checks]
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()


SIDE_FILES = ("timestamp.txt", "submission_secret.txt")  # nbgrader's, copied beside the autograded notebook


def digest(sub: Submission, source_path: Path, fingerprint: str) -> str:
    """A digest of a submission's notebook, its nbgrader files, its source notebook and fingerprint."""
    h = hashlib.sha256(fingerprint.encode())
    h.update(source_path.read_bytes())
    h.update(repr((sub.path.name if sub.path else None, sub.problem)).encode())
    if sub.path is not None:
        for path in (sub.path, *(sub.path.parent / name for name in SIDE_FILES)):
            try:
                h.update(path.read_bytes() if path.exists() else b"-")
            except OSError as exc:
                h.update(repr(exc).encode())
    return h.hexdigest()


def result_path(root: Path, key: str) -> Path:
    return root / RESULTS / f"{key}.json"


def load_cache(root: Path, keys: Iterable[str]) -> dict:
    """{key: stored result} for the submissions in keys that have a readable result file."""
    cache = {}
    for key in keys:
        try:
            data = json.loads(result_path(root, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("version") == CACHE_VERSION and isinstance(data.get("digest"), str):
            cache[key] = {"digest": data["digest"]}  # the grade stays on disk until the reports
    return cache


def store(root: Path, key: str, digest: str, g: SubmissionGrade) -> dict:
    entry = {"version": CACHE_VERSION, "digest": digest, "grade": to_json(g)}
    report_files.atomic_write(result_path(root, key), json.dumps(entry, indent=0))
    return entry


def to_json(g: SubmissionGrade) -> dict:
    return {**asdict(g), "results": [asdict(r) for r in g.results]}


def from_json(d: dict) -> SubmissionGrade:
    return SubmissionGrade(d["student"], d["assignment"], tuple(Result(**r) for r in d["results"]),
                           tuple(d["tampering"]), tuple(d["notes"]), d["seconds"], d.get("landlock"),
                           tuple(tuple(pair) for pair in d.get("code", ())), tuple(d.get("cells", ())),
                           tuple(d.get("remarks", ())))


class StoredGrades(Sequence):
    """The graded submissions, sorted by student and assignment, read back one at a time from
    their result files whenever they are iterated: the reports are written from the files, so
    the grader's memory does not grow with the class."""

    def __init__(self, root, keys):
        self.root = root
        self.keys = sorted(keys, key=lambda k: tuple(k.split("/", 1)))

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        data = json.loads(result_path(self.root, self.keys[index]).read_text(encoding="utf-8"))
        return from_json(data["grade"])
