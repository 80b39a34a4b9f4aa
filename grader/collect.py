"""`backprop-course collect`: put an LMS export into nbgrader's layout, DIR/submitted/<student>/<a>/<a>.ipynb.

An export is a folder or a .zip of notebooks. A notebook's student is taken only from where the
LMS (or the instructor) puts it, never from a name the learner chose:

- folder per student (notebooks inside per-student folders; one folder wrapping all the student
  folders, as in a zip of the export's folder, is looked through): the student is the folder, the
  first path component. A notebook whose name claims another student of the export
  ("mallory/victim_02_regression.ipynb" next to a folder "victim") is refused.
- flat: the student comes from the LMS's file-name pattern. Canvas names a download
  "<login>_<userid>_<attachmentid>_<original name>", with "LATE_" before the user id for a late
  one: the student is <login>, and the assignment is looked for in the original name only (a
  learner-chosen original name that claims another student of the export is refused too). A name
  that follows no LMS pattern (an instructor's "jane_doe_02_regression.ipynb") gives the student
  before the assignment id.

The assignment is the assignment id in the (original) file name, in any case ("02_regression", or
"regression" alone). Notebooks of one export that would land in the same place with different
content are all refused; byte-identical ones are copied once. An existing different submission is
replaced only with --force, and only by a notebook whose student is certain (a student folder or an
LMS-made name). Zip members are read, never extracted, so a member named "../../x" cannot write
outside the course.
"""
import hashlib
import re
import zipfile
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from exercises import ASSIGNMENTS

from .errors import CommandError
from .report_files import atomic_write

MAX_NOTEBOOK = 50 * 2 ** 20  # bytes; a larger file is reported, not copied
SHORT_NAMES = {a.split("_", 1)[1]: a for a in ASSIGNMENTS}
# Canvas: "<login>_<userid>_<attachmentid>_<original>" or "<login>_LATE_<userid>_<attachmentid>_<original>".
# The login is the shortest prefix that fits, so digits in the learner's original name cannot shift it.
LMS_PREFIX = r"(?P<login>[^/]+?)_(?:LATE_)?(?P<user>\d+)_(?P<attachment>\d+)"
LMS_NAME = re.compile(LMS_PREFIX + r"_(?P<original>.+)")
LMS_PREFIX_ONLY = re.compile(LMS_PREFIX)
READ_ERRORS = (OSError, EOFError, RuntimeError, NotImplementedError, ValueError, zipfile.BadZipFile, zlib.error)
HIDDEN = "a hidden file or folder (editor checkpoint or macOS metadata), not a submission"


@dataclass(frozen=True)
class Collected:
    source: str  # the file's name in the export
    student: str | None
    assignment: str | None
    problem: str = ""  # why it was not copied ("" when it was)


@dataclass(frozen=True)
class _Identity:
    student: str | None
    assignment: str | None
    certain: bool  # the student comes from a per-student folder or an LMS-made name
    claims: tuple = ()  # learner-chosen names in the path that might name a student


@dataclass(frozen=True)
class _Member:
    name: str  # as the export spells it
    parts: tuple  # its path components, without "", ".", ".." or a drive
    size: int
    read: object  # () -> at most MAX_NOTEBOOK + 1 bytes


def _student_id(text):
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._- ")
    return cleaned or None


def _parts(name):
    """A member name's path components; zip names may use backslashes and hold "..", "/" or "C:"."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return tuple(p for p in parts if p not in ("", ".", "..", "/") and not re.fullmatch(r"[A-Za-z]:", p))


def _hidden(parts):
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _assignment(stem):
    """(assignment, what the name holds before it) for a file name's stem, or (None, "")."""
    for names in (ASSIGNMENTS, SHORT_NAMES):
        for name in sorted(names, key=len, reverse=True):
            match = re.search(rf"(^|[^A-Za-z0-9]){re.escape(name)}($|[^A-Za-z0-9])", stem, re.IGNORECASE)
            if match:
                return (names[name] if names is SHORT_NAMES else name), stem[:match.start()]
    return None, ""


def _identify(parts):
    """The _Identity of a notebook from its path inside the export (below any wrapping folder)."""
    name = parts[-1]
    if len(parts) > 1:  # in a per-student folder: that folder is the student
        assignment, before = _assignment(PurePosixPath(name).stem)
        return _Identity(_student_id(parts[0]), assignment, True, (*parts[1:-1], before))
    lms = LMS_NAME.fullmatch(name)
    if lms:
        assignment, before = _assignment(PurePosixPath(lms["original"]).stem)
        return _Identity(_student_id(lms["login"]), assignment, True, (before,))
    assignment, before = _assignment(PurePosixPath(name).stem)
    return _Identity(_student_id(before) if assignment else None, assignment, False)


def identify(member: str) -> tuple[str | None, str | None]:
    """(student, assignment) from a path inside the export, or Nones where it cannot tell."""
    parts = _parts(member)
    if not parts:
        return None, None
    ident = _identify(parts)
    return ident.student, ident.assignment


def _claimed_ids(text):
    """The student ids a learner-chosen name could claim: all of it, and the login of an LMS-like prefix."""
    ids = {_student_id(text)}
    lms = LMS_PREFIX_ONLY.fullmatch(text.strip("_- "))
    if lms:
        ids.add(_student_id(lms["login"]))
    return {i.casefold() for i in ids if i}


def _wrapped(paths):
    """True when a single folder holds the whole export: several student folders, or LMS-made names
    of several students (a folder per student with one student in it is not a wrapper)."""
    if not paths or any(len(p) < 2 for p in paths) or len({p[0] for p in paths}) > 1:
        return False
    folders = {p[1] for p in paths if len(p) > 2}
    if folders:
        return len(folders) > 1
    matches = [LMS_NAME.fullmatch(p[1]) for p in paths]
    return all(matches) and len({m["login"].casefold() for m in matches}) > 1


def _read_file(path):
    with open(path, "rb") as f:
        return f.read(MAX_NOTEBOOK + 1)


def _read_member(archive, info):
    with archive.open(info) as f:
        return f.read(MAX_NOTEBOOK + 1)


@contextmanager
def _export(export):
    """The _Member list of a folder or zip export (the zip stays open while it is used)."""
    export = Path(export)
    if export.is_dir():
        yield [_Member(str(p.relative_to(export)), _parts(p.relative_to(export).as_posix()), p.stat().st_size,
                       lambda p=p: _read_file(p))
               for p in sorted(export.rglob("*.ipynb")) if p.is_file()]
    elif zipfile.is_zipfile(export):
        with zipfile.ZipFile(export) as archive:
            yield [_Member(i.filename, _parts(i.filename), i.file_size, lambda i=i: _read_member(archive, i))
                   for i in sorted(archive.infolist(), key=lambda i: i.filename)
                   if not i.is_dir() and i.filename.endswith(".ipynb")]
    else:
        raise CommandError(f"{export} is neither a folder nor a zip file: give the LMS export's folder or .zip")


def collect(course: str | Path, export: str | Path, force: bool = False) -> list[Collected]:
    """Copy the export's notebooks into DIR/submitted; return one Collected per notebook found."""
    submitted = Path(course) / "submitted"
    if not Path(course).is_dir():
        raise CommandError(f"no course directory {course}: run `backprop-course release --course {course}` first")
    with _export(export) as members:
        return _collect(submitted, members, force)


def _collect(submitted, members, force):
    out = {}
    visible = [k for k, m in enumerate(members) if m.parts and not _hidden(m.parts)]
    skip = 1 if _wrapped([members[k].parts for k in visible]) else 0
    idents = {k: _identify(members[k].parts[skip:]) for k in visible}
    for k, m in enumerate(members):
        if k not in idents:
            out[k] = Collected(m.name, None, None, HIDDEN)
    students = {i.student.casefold() for i in idents.values() if i.certain and i.student}

    digests = {}
    for k, ident in idents.items():
        problem, digest = _examine(members[k], ident, students)
        if problem:
            out[k] = Collected(members[k].name, ident.student, ident.assignment, problem)
        else:
            digests[k] = digest

    groups = defaultdict(list)  # where each notebook would land; case-insensitive file systems merge cases
    for k in digests:
        groups[(idents[k].student.casefold(), idents[k].assignment)].append(k)
    for ks in groups.values():
        if len({digests[k] for k in ks}) > 1:
            names = ", ".join(members[k].name for k in ks)
            for k in ks:
                out[k] = Collected(members[k].name, idents[k].student, idents[k].assignment,
                                   f"{len(ks)} different notebooks of this export would land in submitted/"
                                   f"{idents[k].student}/{idents[k].assignment} ({names}): none was copied; "
                                   f"keep the right one and collect again")
            continue
        first = next((k for k in ks if idents[k].certain), ks[0])  # byte-identical: copied once
        problem = _place(submitted, members[first], idents[first], digests[first], force)
        for k in ks:
            out[k] = Collected(members[k].name, idents[k].student, idents[k].assignment, problem)
    return [out[k] for k in range(len(members))]


def _examine(member, ident, students):
    """(problem, "") when the notebook cannot be copied, else ("", the digest of its bytes)."""
    if ident.assignment is None or ident.student is None:
        return "no assignment id or no student in its name", ""
    others = students - {ident.student.casefold()}
    claimed = sorted({c for text in ident.claims for c in _claimed_ids(text)} & others)
    if claimed:
        return (f"names another student ({', '.join(claimed)}) of this export, but it is {ident.student}'s: "
                f"not copied"), ""
    too_large = f"larger than {MAX_NOTEBOOK // 2 ** 20} MB"
    if member.size > MAX_NOTEBOOK:
        return too_large, ""
    try:
        data = member.read()
    except READ_ERRORS as exc:
        return f"unreadable: {exc}", ""
    if len(data) > MAX_NOTEBOOK:
        return too_large, ""
    return "", hashlib.sha256(data).hexdigest()


def _place(submitted, member, ident, digest, force):
    """Write one notebook to its place; the problem, or "" when it was copied."""
    target = submitted / ident.student / ident.assignment / f"{ident.assignment}.ipynb"
    try:
        data = member.read()
    except READ_ERRORS as exc:
        return f"unreadable: {exc}"
    if hashlib.sha256(data).hexdigest() != digest:
        return "changed while it was being collected: collect again"
    if target.exists() or target.is_symlink():
        if not target.is_file():
            return f"{target} exists and is not a file"
        if target.read_bytes() != data:
            if not force:
                return f"{target} exists and differs (use --force)"
            if not ident.certain:
                return (f"{target} exists and differs; --force replaces a submission only with a notebook whose "
                        f"student is certain (in a per-student folder, or named by the LMS), not with a name "
                        f"typed by hand: put it in a folder named after the student")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return ""


def summary(collected: list[Collected]) -> str:
    """What collect did, one line per notebook that was not copied, for the terminal."""
    copied = [c for c in collected if not c.problem]
    lines = [f"collected {len(copied)} notebook(s) from {len({c.student for c in copied})} student(s)"]
    lines += [f"  skipped {c.source}: {c.problem}" for c in collected if c.problem]
    return "\n".join(lines)
