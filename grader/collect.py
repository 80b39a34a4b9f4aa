"""`backprop-course collect`: put an LMS export into nbgrader's layout, DIR/submitted/<student>/<a>/<a>.ipynb.

An export is a folder or a .zip of notebooks. Zip members are read, never extracted, so a member
named "../../x" cannot write outside the course. A notebook's student is taken only from what the
LMS (or the instructor) wrote, never from a name the learner chose:

- Canvas, "Download Submissions": "<login>_<user id>_<attachment id>_<original name>", with "LATE_"
  (any case) after the login for a late one. The student is the login (the sortable name lowercased
  without punctuation, "doejane"), or the id that Canvas user id was collected under before: the
  user id is the same in every assignment, the attachment id changes with every file. Late is
  reported (Collected.late), never part of the id. Two users with one login (namesakes) are refused
  until a roster tells them apart.
- Moodle, "Download all submissions": a folder "<Full Name>_<participant id>_assignsubmission_file_"
  per submission, or that prefix on each file's name. The participant id changes per assignment, so
  the student is the full name made an id (grader.lms.name_id: "José Núñez" → "jose_nunez"), the
  same in every assignment. Two participants of one name are refused; online-text submissions are
  reported, not collected.
- a folder per student (by hand or by another LMS): the first folder is the student. One folder
  wrapping the whole export is looked through. A file whose name claims another student of the
  export ("mallory/victim_02_regression.ipynb" next to "victim/") is refused.
- a flat name of no LMS ("jane_doe_02_regression.ipynb"): what comes before the assignment id.
- --pattern REGEX: nbgrader's FileNameCollectorPlugin matches it against the member's path in the
  export ("/" between folders, from the start); its groups student_id (required), assignment and
  file_id name the parts; first_name, last_name and email, if present, are recorded.

With --roster (grader.lms) the roster is the class: a Canvas user is found by lms_id (else login),
a Moodle name by name (case and accents aside), any other id by student_id (else login). Someone
not in it is reported and not collected; collect never invents an id beside a class list. The
identities of the notebooks collect placed, and the roster, are kept in
DIR/.backprop-course/lms_identities.csv for the next collect and for export.

The assignment is the assignment id in the learner's file name, in any case ("02_Regression-1",
or "regression" alone). Notebooks of one export that would land in one place with different
content are all refused, except Canvas resubmissions: files of one Canvas user whose names differ
only by Canvas's "-N" suffix, where the latest upload (largest attachment id, then N) is copied
and the others are reported as superseded. Byte-identical ones are copied once. An existing
different submission is replaced only with --force, and only by a notebook whose student is
certain (an LMS-made name, a per-student folder, or --pattern).

nbgrader's ZipCollectApp is not used: it extracts archives to disk before it looks at the names
and files a notebook under whatever student_id a name yields. Its FileNameCollectorPlugin is used
as it is for --pattern, with the same refusals as the built-in schemes.
"""
import hashlib
import logging
import re
import zipfile
import zlib
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from exercises import ASSIGNMENTS

from . import lms
from .errors import CommandError
from .lms import CANVAS, MOODLE, PATTERN, ROSTER, Person, Roster
from .report_files import atomic_write

MAX_NOTEBOOK = 50 * 2 ** 20  # bytes; a larger file is reported, not copied
# Canvas: "<login>_<userid>_<attachmentid>_<original>" or "<login>_LATE_<userid>_<attachmentid>_<original>".
# The login is the shortest prefix that fits, so digits in the learner's original name cannot shift it.
CANVAS_PREFIX = r"(?P<login>[^/]+?)_(?P<late>(?i:late)_)?(?P<user>\d+)_(?P<attachment>\d+)"
CANVAS_NAME = re.compile(CANVAS_PREFIX + r"_(?P<original>.+)")
CANVAS_PREFIX_ONLY = re.compile(CANVAS_PREFIX)
# Moodle writes a "_" of a name as a space, so the name ends at the first "_".
MOODLE_HEAD = r"(?P<name>[^_/]+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)"
MOODLE_FOLDER = re.compile(MOODLE_HEAD + "_?")
MOODLE_NAME = re.compile(MOODLE_HEAD + r"_(?P<original>.+)")
ONLINE_TEXT = "_assignsubmission_onlinetext_"
RESUBMISSION = re.compile(r"(?P<base>.*?)(?:-(?P<n>\d+))?(?P<ext>\.ipynb)", re.IGNORECASE)  # Canvas's "-N"
READ_ERRORS = (OSError, EOFError, RuntimeError, NotImplementedError, ValueError, zipfile.BadZipFile, zlib.error)
HIDDEN = "a hidden file or folder (editor checkpoint or macOS metadata), not a submission"
NOT_IN_ROSTER = "not in the roster"
SUPERSEDED = "superseded by"
_QUIET = logging.getLogger(__name__ + ".pattern")  # FileNameCollectorPlugin warns of every name it skips
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


@dataclass(frozen=True)
class Collected:
    source: str  # the file's name in the export
    student: str | None
    assignment: str | None
    problem: str = ""  # why it was not copied ("" when it was)
    late: bool = False  # the LMS marked it late (Canvas's LATE_)
    lms: str = ""  # "canvas", "moodle", "pattern", or "" (a folder or a name made by hand)
    note: str = ""  # something the instructor should know even though it was copied


@dataclass(frozen=True)
class _Found:
    """What the export's names say of one file, before the roster and the record are asked."""
    person: str | None  # a folder, a Canvas login, a Moodle full name, a --pattern student_id
    assignment: str | None
    certain: bool  # an LMS-made name, a per-student folder or --pattern, not a name the learner chose
    claims: tuple = ()  # learner-chosen names in the path that might name a student
    lms: str = ""
    lms_id: str = ""  # the Canvas user id (Moodle's participant id changes per assignment)
    participant: str = ""  # the Moodle participant id, to tell namesakes of one export apart
    late: bool = False
    upload: tuple = ()  # Canvas: (attachment id, -N suffix); larger is later
    original: str = ""  # Canvas: the learner's file name without Canvas's -N suffix
    kind: str = ""  # a Moodle submission that is not a file ("onlinetext"): not a notebook
    name: str = ""  # a full name, recorded for export
    email: str = ""


@dataclass(frozen=True)
class _Member:
    name: str  # as the export spells it
    parts: tuple  # its path components, without "", ".", ".." or a drive
    size: int
    read: object  # () -> at most MAX_NOTEBOOK + 1 bytes


@dataclass
class _Known:
    """What collect knows of people before it looks at the export."""
    roster: Roster | None = None
    recorded: list = field(default_factory=list)  # lms.Person rows of lms_identities.csv


def _student_id(text):
    """A folder-safe id from a folder name or a login: accents dropped, other characters "_"."""
    cleaned = re.sub(r"[^\w.-]+", "_", lms.strip_accents(text)).strip("._- ")
    return cleaned or None


def _parts(name):
    """A member name's path components; zip names may use backslashes and hold "..", "/" or "C:"."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return tuple(p for p in parts if p not in ("", ".", "..", "/") and not re.fullmatch(r"[A-Za-z]:", p))


def _hidden(parts):
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _stem(name):
    return PurePosixPath(name).stem


@dataclass(frozen=True)
class _Names:
    """The assignment ids a file name may hold: whole ("02_regression"), or without the number
    before the first "_" ("regression") when that short form belongs to one assignment only."""
    whole: tuple
    short: dict

    @classmethod
    def of(cls, assignments):
        shorts = [a.split("_", 1)[1] for a in assignments if "_" in a]
        short = {a.split("_", 1)[1]: a for a in assignments if "_" in a and shorts.count(a.split("_", 1)[1]) == 1}
        return cls(tuple(assignments), {k: v for k, v in short.items()
                                        if len(k) >= 3 and re.search("[A-Za-z]", k) and k not in assignments})


PACKAGE_NAMES = _Names.of(ASSIGNMENTS)


def _course_names(root):
    """The _Names of the course's assignments (its source/ folders), else the package's."""
    from .discover import assignments
    return _Names.of(list(assignments(root))) if (root / "source").is_dir() else PACKAGE_NAMES


def _assignment(stem, names=PACKAGE_NAMES):
    """(assignment, what the name holds before it) for a file name's stem, or (None, "")."""
    for table in (dict.fromkeys(names.whole), names.short):
        for name in sorted(table, key=len, reverse=True):
            match = re.search(rf"(^|[^A-Za-z0-9]){re.escape(name)}($|[^A-Za-z0-9])", stem, re.IGNORECASE)
            if match:
                return table[name] or name, stem[:match.start()]
    return None, ""


def _identify(parts, names=PACKAGE_NAMES):
    """The _Found of a file from its path inside the export (below any wrapping folder)."""
    name = parts[-1]
    moodle = MOODLE_FOLDER.fullmatch(parts[0]) if len(parts) > 1 else None
    if moodle:
        return _moodle(moodle, parts[1:-1], name, names)
    if len(parts) > 1:  # in a per-student folder: that folder is the student
        assignment, before = _assignment(_stem(name), names)
        return _Found(parts[0], assignment, True, (*parts[1:-1], before))
    moodle = MOODLE_NAME.fullmatch(name)  # first: a Moodle file's original name may look like Canvas's ids
    if moodle:
        return _moodle(moodle, (), moodle["original"], names)
    canvas = CANVAS_NAME.fullmatch(name)
    if canvas:
        return _canvas(canvas, names)
    assignment, before = _assignment(_stem(name), names)
    return _Found(before if assignment else None, assignment, False)


def _moodle(match, folders, original, names):
    assignment, before = _assignment(_stem(original), names)
    name = " ".join(match["name"].split())
    return _Found(name, assignment, True, (*folders, before), MOODLE, participant=match["participant"],
                  kind="" if match["plugin"] == "file" else match["plugin"], name=name)


def _canvas(match, names):
    original = match["original"]
    assignment, before = _assignment(_stem(original), names)
    resubmitted = RESUBMISSION.fullmatch(original)
    base, n = (resubmitted["base"] + resubmitted["ext"], int(resubmitted["n"] or 0)) if resubmitted else (original, 0)
    return _Found(match["login"], assignment, True, (before,), CANVAS, lms_id=match["user"], late=bool(match["late"]),
                  upload=(int(match["attachment"]), n), original=base)


def _pattern_collector(pattern):
    """nbgrader's FileNameCollectorPlugin for --pattern; CommandError for a pattern it cannot use."""
    try:
        groups = re.compile(pattern).groupindex
    except re.error as exc:
        raise CommandError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    if "student_id" not in groups:
        raise CommandError(f"--pattern {pattern!r} has no group (?P<student_id>...): it must say which part of "
                           f"a path is the student, e.g. '(?P<student_id>[^/]+)/(?P<file_id>.*)'")
    from nbgrader.plugins import FileNameCollectorPlugin
    return FileNameCollectorPlugin(named_regexp=pattern, valid_ext=[".ipynb"], log=_QUIET)


def _identify_by_pattern(collector, parts, names=PACKAGE_NAMES):
    """The _Found of a file from the --pattern groups matched against its path."""
    groups = {k: (v or "").strip() for k, v in (collector.collect("/".join(parts)) or {}).items()}
    if not groups.get("student_id"):
        return _Found(None, None, False, lms=PATTERN)
    file_name = groups.get("file_id") or parts[-1]
    assignment, before = _assignment(_stem(file_name), names)
    if groups.get("assignment"):
        assignment = _assignment(groups["assignment"], names)[0]
    name = " ".join(filter(None, (groups.get("first_name"), groups.get("last_name"))))
    return _Found(groups["student_id"], assignment, True, (before,), PATTERN, name=name, email=groups.get("email", ""))


def identify(member: str) -> tuple[str | None, str | None]:
    """(student, assignment) from a path inside the export, without a roster or a record, or Nones
    where it cannot tell."""
    parts = _parts(member)
    if not parts:
        return None, None
    found = _identify(parts)
    return _resolve(found, _Known())[0], found.assignment


def _resolve(found, known):
    """(student id, problem, note) of a _Found: from the roster, else the record, else its names."""
    if found.person is None:
        return None, "", ""
    if found.lms == CANVAS:
        return _resolve_canvas(found, known)
    if found.lms == MOODLE:
        return _resolve_name(found, known)
    student = _student_id(found.person)
    if known.roster is None or student is None:
        return student, "", ""
    row = known.roster.by_id(student)
    if row is None:
        return None, (f"{NOT_IN_ROSTER} {known.roster.path.name} (no student_id or login {student}): add a row and "
                      f"collect again"), ""
    return row.student_id, "", ""


def _resolve_canvas(found, known):
    before = lms.recorded_canvas(known.recorded, found.lms_id)
    if known.roster is None:
        return before or _student_id(found.person), "", ""
    row = known.roster.by_canvas(found.lms_id, found.person)
    if row is None:
        return None, (f"{NOT_IN_ROSTER} {known.roster.path.name} (Canvas user {found.lms_id}, login "
                      f"{found.person}): add a row with lms_id {found.lms_id} and collect again"), ""
    return row.student_id, "", _renamed(f"Canvas user {found.lms_id}", before, row.student_id)


def _resolve_name(found, known):
    before = lms.recorded_name(known.recorded, found.person)
    if known.roster is None:
        if len(before) > 1:
            return None, (f"{found.person} was recorded as {' and as '.join(before)} (namesakes): give --roster "
                          f"to say who this is"), ""
        return (before[0] if before else lms.name_id(found.person)), "", ""
    rows = known.roster.by_name(found.person)
    if not rows:
        return None, (f"{NOT_IN_ROSTER} {known.roster.path.name} (no row named {found.person}): add a row and "
                      f"collect again"), ""
    if len(rows) > 1:
        return None, (f"the roster has {len(rows)} rows named {found.person} ({', '.join(r.student_id for r in rows)})"
                      f" and Moodle's names say no more: put this one in submitted/<id>/ by hand"), ""
    return rows[0].student_id, "", _renamed(found.person, before[0] if len(before) == 1 else None, rows[0].student_id)


def _renamed(who, before, now):
    return f"{who} was collected as {before} before; the roster makes it {now}" if before and before != now else ""


def _namesakes(found, students, known):
    """{k: problem} for files of different Canvas users, or Moodle participants, that would share an id."""
    users, participants = defaultdict(set), defaultdict(set)
    for k, f in found.items():
        if students.get(k) and f.lms == CANVAS:
            users[students[k].casefold()].add(f.lms_id)
        elif students.get(k) and f.lms == MOODLE:
            participants[students[k].casefold()].add(f.participant)
    recorded = defaultdict(set)
    if known.roster is None:  # a roster is the authority; without one, earlier collects are
        for p in known.recorded:
            if p.lms in (CANVAS, ROSTER) and p.lms_id:
                recorded[p.student_id.casefold()].add(p.lms_id)
    problems = {}
    for k, f in found.items():
        key = (students.get(k) or "").casefold()
        if f.lms == CANVAS and key and len(users[key] | recorded[key]) > 1 and recorded[key] != {f.lms_id}:
            problems[k] = (f"Canvas users {', '.join(sorted(users[key] | recorded[key], key=int))} would all be "
                           f"{students[k]} (one login, {f.person}, for different people): not copied; give --roster "
                           f"with each user's lms_id")
        elif f.lms == MOODLE and key and len(participants[key]) > 1:
            ids = ", ".join(sorted(participants[key], key=int))
            problems[k] = (f"{len(participants[key])} Moodle participants ({ids}) would all be {students[k]} "
                           f"(namesakes, or blind marking): not copied; put them in submitted/<id>/ by hand")
    return problems


def _claimed_ids(text):
    """The student ids a learner-chosen name could claim: all of it, and the person of an LMS-like prefix."""
    ids = {_student_id(text)}
    canvas = CANVAS_PREFIX_ONLY.fullmatch(text.strip("_- "))
    if canvas:
        ids.add(_student_id(canvas["login"]))
    moodle = MOODLE_FOLDER.fullmatch(text.strip("- "))
    if moodle:
        ids.add(lms.name_id(moodle["name"]))
    return {i.casefold() for i in ids if i}


def _lms_person(name):
    """The person an LMS-made file or folder name is of (casefolded), or None."""
    for pattern, group in ((MOODLE_FOLDER, "name"), (MOODLE_NAME, "name"), (CANVAS_NAME, "login")):
        match = pattern.fullmatch(name)
        if match:
            return match[group].casefold()
    return None


def _wrapped(paths):
    """True when a single folder holds the whole export: several student folders, or LMS-made names
    of several people (a folder per student with one student in it is not a wrapper)."""
    if not paths or any(len(p) < 2 for p in paths) or len({p[0] for p in paths}) > 1:
        return False
    folders = {p[1] for p in paths if len(p) > 2}
    if folders:
        return len(folders) > 1
    people = [_lms_person(p[1]) for p in paths]
    return all(people) and len(set(people)) > 1


def _read_file(path):
    with open(path, "rb") as f:
        return f.read(MAX_NOTEBOOK + 1)


def _read_member(archive, info):
    with archive.open(info) as f:
        return f.read(MAX_NOTEBOOK + 1)


def _wanted(name):
    """A notebook, or a Moodle online text (reported, so that a learner who pasted code is not missed)."""
    return name.lower().endswith(".ipynb") or ONLINE_TEXT in name


@contextmanager
def _export(export):
    """The _Member list of a folder or zip export (the zip stays open while it is used)."""
    export = Path(export)
    if export.is_dir():
        yield [_Member(str(p.relative_to(export)), _parts(p.relative_to(export).as_posix()), p.stat().st_size,
                       lambda p=p: _read_file(p))
               for p in sorted(export.rglob("*")) if p.is_file() and _wanted(p.relative_to(export).as_posix())]
    elif zipfile.is_zipfile(export):
        with zipfile.ZipFile(export) as archive:
            yield [_Member(i.filename, _parts(i.filename), i.file_size, lambda i=i: _read_member(archive, i))
                   for i in sorted(archive.infolist(), key=lambda i: i.filename)
                   if not i.is_dir() and _wanted(i.filename)]
    else:
        raise CommandError(f"{export} is neither a folder nor a zip file: give the LMS export's folder or .zip")


def collect(course: str | Path, export: str | Path, force: bool = False, roster: str | Path | None = None,
            pattern: str | None = None) -> list[Collected]:
    """Copy the export's notebooks into DIR/submitted; return one Collected per file found.

    roster: a CSV file of the class (grader.lms); a person not in it is not collected.
    pattern: a regular expression with a group student_id, matched against each file's path."""
    root = Path(course)
    if not root.is_dir():
        raise CommandError(f"no course directory {course}: run `backprop-course release --course {course}` first")
    known = _Known(lms.read_roster(roster) if roster is not None else None, lms.read_identities(root))
    collector = _pattern_collector(pattern) if pattern is not None else None
    with _export(export) as members:
        collected = _collect(root / "submitted", members, force, known, collector, _course_names(root))
    placed = [_person(c, found) for c, found in collected if not c.problem and _recordable(found)]
    lms.record(root, [*(known.roster.people if known.roster else ()), *placed])
    return [c for c, _ in collected]


def _recordable(found):
    """Whether a placed notebook tells something of its person worth keeping for export."""
    return found.lms in (CANVAS, MOODLE) or (found.lms == PATTERN and bool(found.name or found.email))


def _person(collected, found):
    login = found.person if found.lms == CANVAS else ""
    return Person(collected.student, found.lms, found.lms_id, found.name, login, found.email)


def _collect(submitted, members, force, known, collector, names):
    """[(Collected, _Found)] in the members' order."""
    out = {}
    visible = [k for k, m in enumerate(members) if m.parts and not _hidden(m.parts)]
    skip = 1 if collector is None and _wrapped([members[k].parts for k in visible]) else 0
    found = {k: (_identify_by_pattern(collector, members[k].parts, names) if collector
                 else _identify(members[k].parts[skip:], names)) for k in visible}
    for k, m in enumerate(members):
        if k not in found:
            out[k] = Collected(m.name, None, None, HIDDEN)
    resolved = {k: _resolve(f, known) for k, f in found.items()}
    students = {k: r[0] for k, r in resolved.items()}
    problems = {k: r[1] for k, r in resolved.items() if r[1]}
    problems.update(_namesakes(found, students, known))
    certain = {s.casefold() for k, s in students.items() if s and found[k].certain}

    def result(k, problem=""):
        f = found[k]
        return Collected(members[k].name, students[k], f.assignment, problem, f.late, f.lms, resolved[k][2])

    digests = {}
    for k, f in found.items():
        problem = _not_a_notebook(f) or problems.get(k) or _examine(members[k], f, students[k], certain)
        digest = ""
        if not problem:
            problem, digest = _read_digest(members[k])
        if problem:
            out[k] = result(k, problem)
        else:
            digests[k] = digest

    groups = defaultdict(list)  # where each notebook would land; case-insensitive file systems merge cases
    for k in digests:
        groups[(students[k].casefold(), found[k].assignment)].append(k)
    for ks in groups.values():
        latest = _latest_upload(ks, found)
        if latest is not None:
            for k in ks:
                if digests[k] != digests[latest]:
                    out[k] = result(k, f"{SUPERSEDED} {members[latest].name}, a later upload of this file by the same "
                                       f"Canvas user: not copied")
            ks = [k for k in ks if digests[k] == digests[latest]]
        if len({digests[k] for k in ks}) > 1:
            names = ", ".join(members[k].name for k in ks)
            for k in ks:
                out[k] = result(k, f"{len(ks)} different notebooks of this export would land in submitted/"
                                   f"{students[k]}/{found[k].assignment} ({names}): none was copied; keep the right "
                                   f"one and collect again")
            continue
        first = latest if latest is not None else next((k for k in ks if found[k].certain), ks[0])
        problem = _place(submitted, members[first], students[first], found[first], digests[first], force)
        for k in ks:
            out[k] = result(k, problem)
    return [(out[k], found.get(k)) for k in range(len(members))]


def _latest_upload(ks, found):
    """The member that is the latest of several Canvas uploads of one file by one user, else None."""
    fs = [found[k] for k in ks]
    if len(ks) < 2 or any(f.lms != CANVAS for f in fs) or len({(f.lms_id, f.original) for f in fs}) > 1:
        return None
    uploads = sorted(f.upload for f in fs)
    if uploads[-1] == uploads[-2]:
        return None
    return max(ks, key=lambda k: found[k].upload)


def _not_a_notebook(found):
    """Why a file is no submission to collect ("" when it may be one)."""
    if found.kind:
        what = "an online text" if found.kind == "onlinetext" else f"a {found.kind} submission"
        return f"{what} of Moodle, not a notebook: not collected"
    if found.lms == PATTERN and found.person is None:
        return "does not match --pattern (or its student_id group is empty)"
    return ""


def _examine(member, found, student, certain):
    """Why the notebook cannot be copied, judged from its names and size ("" when it may be read)."""
    if found.assignment is None or student is None:
        return "no assignment id or no student in its name"
    others = certain - {student.casefold()}
    claimed = sorted({c for text in found.claims for c in _claimed_ids(text)} & others)
    if claimed:
        return f"names another student ({', '.join(claimed)}) of this export, but it is {student}'s: not copied"
    if member.size > MAX_NOTEBOOK:
        return f"larger than {MAX_NOTEBOOK // 2 ** 20} MB"
    return ""


def _read_digest(member):
    """(problem, "") when the notebook cannot be read, else ("", the digest of its bytes)."""
    try:
        data = member.read()
    except READ_ERRORS as exc:
        return f"unreadable: {exc}", ""
    if len(data) > MAX_NOTEBOOK:
        return f"larger than {MAX_NOTEBOOK // 2 ** 20} MB", ""
    return "", hashlib.sha256(data).hexdigest()


def _place(submitted, member, student, found, digest, force):
    """Write one notebook to its place; the problem, or "" when it was copied."""
    target = submitted / student / found.assignment / f"{found.assignment}.ipynb"
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
            if not found.certain:
                return (f"{target} exists and differs; --force replaces a submission only with a notebook whose "
                        f"student is certain (in a per-student folder, or named by the LMS), not with a name "
                        f"typed by hand: put it in a folder named after the student")
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return ""


def summary(collected: list[Collected]) -> str:
    """What collect did, for the terminal: a count, the late notebooks, notes, and one line per file
    that was not copied."""
    copied = [c for c in collected if not c.problem]
    lines = [f"collected {len(copied)} notebook(s) from {len({c.student for c in copied})} student(s)"]
    lines += [f"  late (marked by Canvas): {c.student}/{c.assignment} ({c.source})" for c in copied if c.late]
    lines += [f"  note: {note}" for note in dict.fromkeys(c.note for c in collected if c.note)]
    lines += [f"  skipped {c.source}: {c.problem}" for c in collected if c.problem]
    return "\n".join(lines)
