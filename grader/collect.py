"""`backprop-course collect`: put an LMS export into nbgrader's layout, DIR/submitted/<student>/<a>/<a>.ipynb.

An export is a folder or a .zip of notebooks. A notebook's assignment is the assignment id in its
file name ("02_regression", or "regression" alone); its student is the folder it sits in when the
export has one folder per student, else what its file name holds before the assignment id
(Canvas's "jane_doe_123_456_02_regression.ipynb" gives "jane_doe_123_456"). Zip members are read,
never extracted, so a member named "../../x" cannot write outside the course.
"""
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from exercises import ASSIGNMENTS

from .cli import CommandError
from .report_files import atomic_write

MAX_NOTEBOOK = 50 * 2 ** 20  # bytes; a larger file is reported, not copied
SHORT_NAMES = {a.split("_", 1)[1]: a for a in ASSIGNMENTS}


@dataclass(frozen=True)
class Collected:
    source: str  # the file's name in the export
    student: str | None
    assignment: str | None
    problem: str = ""  # why it was not copied ("" when it was)


def _student_id(text):
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._- ")
    return cleaned or None


def identify(member):
    """(student, assignment) from a path inside the export, or Nones where it cannot tell."""
    parts = Path(member).parts
    stem = Path(parts[-1]).stem
    for names in (ASSIGNMENTS, SHORT_NAMES):
        for name in sorted(names, key=len, reverse=True):
            match = re.search(rf"(^|[^A-Za-z0-9]){re.escape(name)}($|[^A-Za-z0-9])", stem)
            if match:
                assignment = names[name] if names is SHORT_NAMES else name
                before = stem[:match.start()]
                student = _student_id(parts[-2]) if len(parts) > 1 and not before.strip("_- ") else _student_id(before)
                return student, assignment
    return None, None


def _members(export):
    """(name, read) for every notebook of a folder or zip export."""
    export = Path(export)
    if export.is_dir():
        for path in sorted(export.rglob("*.ipynb")):
            yield str(path.relative_to(export)), path.stat().st_size, path.read_bytes
    elif zipfile.is_zipfile(export):
        archive = zipfile.ZipFile(export)
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if not info.is_dir() and info.filename.endswith(".ipynb"):
                yield info.filename, info.file_size, lambda info=info: archive.read(info)
    else:
        raise CommandError(f"{export} is neither a folder nor a zip file: give the LMS export's folder or .zip")


def collect(course, export, force=False):
    """Copy the export's notebooks into DIR/submitted; return one Collected per notebook found."""
    submitted = Path(course) / "submitted"
    if not Path(course).is_dir():
        raise CommandError(f"no course directory {course}: run `backprop-course release --course {course}` first")
    out = []
    for name, size, read in _members(export):
        student, assignment = identify(name)
        if assignment is None or student is None:
            out.append(Collected(name, student, assignment, "no assignment id or no student in its name"))
            continue
        if size > MAX_NOTEBOOK:
            out.append(Collected(name, student, assignment, f"larger than {MAX_NOTEBOOK // 2 ** 20} MB"))
            continue
        target = submitted / student / assignment / f"{assignment}.ipynb"
        data = read()
        if target.exists() and target.read_bytes() != data and not force:
            out.append(Collected(name, student, assignment, f"{target} exists and differs (use --force)"))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
        out.append(Collected(name, student, assignment))
    return out


def summary(collected):
    """What collect did, one line per notebook that was not copied, for the terminal."""
    copied = [c for c in collected if not c.problem]
    lines = [f"collected {len(copied)} notebook(s) from {len({c.student for c in copied})} student(s)"]
    lines += [f"  skipped {c.source}: {c.problem}" for c in collected if c.problem]
    return "\n".join(lines)
