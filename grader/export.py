"""`backprop-course export`: the gradebook's totals as a file an LMS imports, or as plain CSV.

A score is nbgrader's, as its CsvExportPlugin computes it: the submission's score (autograded
points, the formgrader's manual scores and extra credit) minus its late_submission_penalty, never
below 0; a student without a submission gets 0. The students are the gradebook's, and those of
--roster; names, emails and Canvas user ids come from --roster, else from what collect recorded
(DIR/.backprop-course/lms_identities.csv, grader.lms), else from the gradebook.

- canvas: Canvas's gradebook import ("Import" in the Gradebook's actions): the columns Student, ID,
  SIS User ID, SIS Login ID, Section, then one per assignment, headed by its name, and a "Points
  Possible" row under the header. Canvas finds a student by ID, the Canvas user id collect saw in
  the file names (or --roster's lms_id). It finds an assignment by a header "Name (canvas id)" as
  its own export writes it, else by name, and offers to create a new column for a name it does
  not know: rename the header to the Canvas assignment's, or let Canvas create it. A student whose
  Canvas user id is unknown is written without one, and the summary says so.
- moodle: Moodle's "Import → CSV file": Email address, Full name, then one column per assignment.
  In the import form map "Email address" to "Email address" and each assignment column to its
  grade item. Moodle's file names carry no email, so emails come from --roster (or the
  gradebook); a student without one is left out and named in the summary.
- csv: one row per student and assignment: student_id, name, email, assignment, timestamp,
  raw_score, late_submission_penalty, score, max_score.

Each format is an nbgrader export plugin: in the course directory, `nbgrader export
--exporter=grader.export.CanvasExportPlugin --to canvas.csv` writes the same file
(`--CanvasExportPlugin.roster=roster.csv` gives a roster). Every cell is made spreadsheet-safe,
the file is written atomically, and an existing file is replaced only if it is an earlier export
of the same format.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from . import course_config, lms
from .errors import CommandError
from .lms import CANVAS, MOODLE, ROSTER, Person, Roster
from .report_files import atomic_write, safe_csv

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Email address", "Full name")
CSV_COLUMNS = ("student_id", "name", "email", "assignment", "timestamp", "raw_score", "late_submission_penalty",
               "score", "max_score")


@dataclass(frozen=True)
class Score:
    """A student's total in one assignment, as nbgrader's CsvExportPlugin computes it."""
    student_id: str
    assignment: str
    timestamp: str  # "" without a submission
    raw_score: float
    penalty: float
    score: float  # max(0, raw_score - penalty)
    max_score: float


@dataclass(frozen=True)
class Student:
    """What the export writes of a person besides the scores."""
    student_id: str
    name: str  # "Jane Doe", or "" when nothing says
    sortable: str  # "Doe, Jane" when the gradebook has both names, else ""
    email: str
    canvas_ids: tuple[str, ...]  # Canvas user ids known for this student, oldest first


@dataclass(frozen=True)
class Table:
    """What every format is made from."""
    students: list[Student]
    assignments: list[tuple[str, float]]  # (name, max score) in the gradebook's order
    scores: dict[tuple[str, str], Score]  # (student_id, assignment) -> Score
    ungraded: list[str]  # "student/assignment" handed in (DIR/submitted) but not in the gradebook


@dataclass(frozen=True)
class Rendered:
    """A format's file before it is written."""
    header: list[str]
    rows: list[list[str]]
    students: int  # how many students it holds
    warnings: list[str]


@dataclass(frozen=True)
class Exported:
    """What export wrote."""
    path: Path
    fmt: str
    students: int
    assignments: list[str]
    warnings: list[str]


def _number(x: float) -> str:
    return f"{x:.12g}"


def _display_name(s: Student) -> str:
    return s.name or s.student_id


def _scores(table: Table, s: Student) -> list[str]:
    """A student's scores, one per assignment of the table."""
    return [_number(table.scores[s.student_id, a].score) for a, _ in table.assignments]


class _Plugin(ExportPlugin):
    """What the three formats share: the table they are made from, and how the file is written."""
    roster = Unicode("", help="a roster CSV (student_id, lms_id, name, email, login) for names, emails "
                              "and Canvas user ids").tag(config=True)
    course_root = Unicode("", help="the course directory (default: nbgrader's CourseDirectory.root, else "
                                   "the current directory)").tag(config=True)
    fmt = ""
    default_name = ""
    header_start: tuple[str, ...] = ()  # an existing file whose header starts so is an earlier export

    def export(self, gradebook) -> None:
        """nbgrader's entry point (`nbgrader export --exporter=...`): write the file, log the summary."""
        try:
            exported = self.write(gradebook)
        except CommandError as exc:
            self.log.error("%s", exc)
            raise SystemExit(2) from None
        first, *warnings = summary(exported).splitlines()
        self.log.info("%s", first)
        for line in warnings:
            self.log.warning("%s", line.strip())

    def write(self, gradebook) -> Exported:
        """Write the file from the gradebook; CommandError when it cannot be written as asked."""
        root = self._root()
        roster = lms.read_roster(self.roster) if self.roster else None
        table = read_table(gradebook, root, roster, [str(a) for a in self.assignment], [str(s) for s in self.student])
        rendered = self.render(table)
        out = Path(self.to) if self.to else root / self.default_name
        _write(out, safe_csv(rendered.header, rendered.rows), self.header_start, self.fmt)
        warnings = list(rendered.warnings)
        if table.ungraded:
            warnings.append(f"{len(table.ungraded)} submission(s) in submitted/ are not in the gradebook (not graded "
                            f"yet?) and were exported as 0: {', '.join(table.ungraded)}")
        return Exported(out, self.fmt, rendered.students, [a for a, _ in table.assignments], warnings)

    def _root(self) -> Path:
        coursedir = getattr(self.parent, "coursedir", None)
        return Path(self.course_root or getattr(coursedir, "root", "") or ".")

    def render(self, table: Table) -> Rendered:
        """The file's rows in this format."""
        raise NotImplementedError


class CanvasExportPlugin(_Plugin):
    """Canvas's gradebook import CSV (see the module's docstring)."""
    fmt = CANVAS
    default_name = "canvas_import.csv"
    header_start = CANVAS_COLUMNS

    def render(self, table):
        warnings, unknown, rows, owners = [], [], [], {}
        for s in table.students:
            canvas_id = s.canvas_ids[-1] if s.canvas_ids else ""
            if len(set(s.canvas_ids)) > 1:
                warnings.append(f"{s.student_id} was recorded with the Canvas user ids {', '.join(s.canvas_ids)}: "
                                f"wrote the newest, {canvas_id}")
            if not canvas_id:
                unknown.append(s.student_id)
            elif owners.setdefault(canvas_id, s.student_id) != s.student_id:
                raise CommandError(f"the students {owners[canvas_id]} and {s.student_id} both have the Canvas user id "
                                   f"{canvas_id} (collected under one id, then under another): give --roster with "
                                   f"that lms_id in the row of the one it belongs to")
            student = s.sortable or _display_name(s)
            rows.append([student, canvas_id, "", "", "", *_scores(table, s)])
        if unknown:
            warnings.append(f"{len(unknown)} student(s) have no known Canvas user id and were written without one "
                            f"(Canvas cannot match them by ID): {', '.join(unknown)}; give --roster with lms_id")
        points = ["Points Possible", "", "", "", "", *[_number(m) for _, m in table.assignments]]
        return Rendered([*CANVAS_COLUMNS, *[a for a, _ in table.assignments]], [points, *rows], len(rows), warnings)


class MoodleExportPlugin(_Plugin):
    """Moodle's "Import → CSV file" grades (see the module's docstring)."""
    fmt = MOODLE
    default_name = "moodle_import.csv"
    header_start = MOODLE_COLUMNS

    def render(self, table):
        with_email = [s for s in table.students if s.email]
        if table.students and not with_email:
            raise CommandError("no student has a known email, and Moodle's import identifies students by email: "
                               "give --roster with an email column (Moodle's file names carry none)")
        warnings = []
        missing = [s.student_id for s in table.students if not s.email]
        if missing:
            warnings.append(f"{len(missing)} student(s) without a known email were left out (enter their grades in "
                            f"Moodle, or add their email to --roster): {', '.join(missing)}")
        rows = [[s.email, _display_name(s), *_scores(table, s)] for s in with_email]
        return Rendered([*MOODLE_COLUMNS, *[a for a, _ in table.assignments]], rows, len(rows), warnings)


class PlainCsvExportPlugin(_Plugin):
    """One row per student and assignment, nbgrader's figures with the student's name and email."""
    fmt = "csv"
    default_name = "grades_export.csv"
    header_start = CSV_COLUMNS

    def render(self, table):
        rows = []
        for a, _ in table.assignments:
            for s in table.students:
                g = table.scores[s.student_id, a]
                rows.append([s.student_id, s.name, s.email, a, g.timestamp, _number(g.raw_score), _number(g.penalty),
                             _number(g.score), _number(g.max_score)])
        return Rendered(list(CSV_COLUMNS), rows, len(table.students), [])


FORMATS = {"canvas": CanvasExportPlugin, "moodle": MoodleExportPlugin, "csv": PlainCsvExportPlugin}


def read_table(gradebook, root: Path, roster: Roster | None = None, assignments: list[str] | None = None,
               students: list[str] | None = None) -> Table:
    """The scores of the gradebook's students (and the roster's) in the chosen assignments (default:
    all, in the gradebook's order); CommandError for an assignment the gradebook does not have."""
    known = {a.name: a for a in gradebook.assignments}
    unknown = [a for a in assignments or [] if a not in known]
    if unknown:
        raise CommandError(f"the gradebook has no assignment {', '.join(unknown)} "
                           f"(it has {', '.join(known) or 'none'})")
    chosen = [a for name, a in known.items() if not assignments or name in assignments]
    people = _students(gradebook.students, lms.read_identities(root), roster)
    if students:
        people = [p for p in people if p.student_id in students]
    scores, ungraded = {}, []
    for a in chosen:
        submissions = {sub.student.id: sub for sub in a.submissions}
        for p in people:
            sub = submissions.get(p.student_id)
            scores[p.student_id, a.name] = _score(p.student_id, a, sub)
            if sub is None and (root / "submitted" / p.student_id / a.name).is_dir():
                ungraded.append(f"{p.student_id}/{a.name}")
    return Table(people, [(a.name, a.max_score) for a in chosen], scores, ungraded)


def _score(student_id, assignment, submission) -> Score:
    if submission is None:
        return Score(student_id, assignment.name, "", 0.0, 0.0, 0.0, assignment.max_score)
    raw, penalty = submission.score, submission.late_submission_penalty
    timestamp = "" if submission.timestamp is None else str(submission.timestamp)
    return Score(student_id, assignment.name, timestamp, raw, penalty, max(0.0, raw - penalty), assignment.max_score)


def _students(gradebook_students, recorded: list[Person], roster: Roster | None) -> list[Student]:
    """The gradebook's students and the roster's, sorted by id, each with the newest known name,
    email and Canvas user ids: the roster over the record's roster rows over the LMS's rows over
    the gradebook. A Canvas user id the roster gives one student is no other student's."""
    given = {p.student_id: p for p in roster.people} if roster else {}
    owner = {p.lms_id: p.student_id for p in given.values() if p.lms_id}  # the roster decides whose an id is
    sources = {s.id: [] for s in gradebook_students} | {i: [] for i in given}  # Person rows, lowest priority first
    for s in gradebook_students:
        name = " ".join(filter(None, (s.first_name, s.last_name)))
        sources[s.id].append(Person(s.id, "", "", name, "", s.email or ""))
    for p in [p for p in recorded if p.lms != ROSTER] + [p for p in recorded if p.lms == ROSTER]:
        if p.student_id in sources:
            claimed = owner.get(p.lms_id, p.student_id) != p.student_id
            sources[p.student_id].append(replace(p, lms_id="") if claimed else p)
    sortable = {s.id: f"{s.last_name}, {s.first_name}" for s in gradebook_students if s.first_name and s.last_name}
    return [_merged(i, rows, given.get(i), sortable.get(i, "")) for i, rows in sorted(sources.items())]


def _merged(student_id, rows, given, sortable) -> Student:
    """A Student from its rows (lowest priority first) and its row of --roster, which decides."""
    rows = [*rows, given] if given else rows

    def newest(field):
        return next((getattr(r, field) for r in reversed(rows) if getattr(r, field)), "")
    if given and given.lms_id:
        canvas = (given.lms_id,)
    else:  # each id once, where it was last seen: the newest last
        seen = [r.lms_id for r in rows if r.lms_id and r.lms in (CANVAS, ROSTER)]
        canvas = tuple(reversed(dict.fromkeys(reversed(seen))))
    return Student(student_id, newest("name"), sortable, newest("email"), canvas)


def _write(out: Path, text: str, header_start: tuple[str, ...], fmt: str) -> None:
    """Write out atomically; CommandError if it exists and is not an earlier export of this format."""
    if out.exists() or out.is_symlink():
        if not out.is_file():
            raise CommandError(f"{out} exists and is not a file: choose another --out")
        with open(out, encoding="utf-8", errors="replace") as f:
            first = f.readline()
        if first and not first.startswith(",".join(header_start)):
            raise CommandError(f"{out} exists and is not a {fmt} export of backprop-course (its first line is "
                               f"{first.strip()[:60]!r}): choose another --out, or remove it")
    atomic_write(out, text)


def export(course: str | Path, fmt: str, out: str | Path | None = None, assignments: list[str] | None = None,
           roster: str | Path | None = None) -> Exported:
    """Write the course's grades in fmt ("canvas", "moodle" or "csv") to out (default: a file in
    the course directory named after the format); return what was written."""
    root = Path(course).expanduser()
    if not root.is_dir():
        raise CommandError(f"no course directory {root}: run `backprop-course release --course {root}` first")
    if fmt not in FORMATS:
        raise CommandError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    missing = course_config.missing_database(root)
    if missing:
        raise CommandError(f"{root} has no gradebook ({missing}): release and grade the course first")
    plugin = FORMATS[fmt](to=str(out or ""), assignment=list(assignments or []), roster=str(roster or ""),
                          course_root=str(root))
    with course_config.open_gradebook(root) as gradebook:
        return plugin.write(gradebook)


def summary(exported: Exported) -> str:
    """What export wrote, for the terminal: one line, then one per warning."""
    lines = [f"wrote {exported.path} ({exported.fmt}): {exported.students} student(s), "
             f"{len(exported.assignments)} assignment(s) ({', '.join(exported.assignments) or 'none'})"]
    lines += [f"  warning: {w}" for w in exported.warnings]
    return "\n".join(lines)
