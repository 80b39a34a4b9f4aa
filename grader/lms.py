"""Who is who in an LMS: the instructor's roster, and the LMS identities `collect` has seen.

A roster is a CSV file with a header row: `student_id` (required) and any of `lms_id` (the Canvas
user id), `name` (the full name as the LMS shows it), `email` and `login`; other columns are
ignored. Each row says "this person is that student id". A roster that cannot be trusted is
refused with a CommandError naming the file and the line: no student_id column, an empty or
unusable id, an id twice (in any case, since a case-insensitive file system would merge the
folders), or two rows claiming one Canvas user id, login or email. Two rows may share a name;
a notebook of that name is then reported as ambiguous, not guessed.

DIR/.backprop-course/lms_identities.csv keeps every identity collect has placed a notebook under
(student_id, lms, lms_id, name, login, email) and every roster row given to it (lms "roster"). Rows
are only ever added, never changed or removed; the file is rewritten atomically. Later rows are
newer: collect keeps a Canvas user under the id it was last given (a Canvas user id is one person),
and a full name under the one id it was recorded under (a name recorded under two ids belongs to
namesakes and is not guessed); export takes the newest known name, email and Canvas id of a student.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from .errors import CommandError
from .report_files import atomic_write, safe_cell, safe_csv

IDENTITIES = Path(".backprop-course") / "lms_identities.csv"
CANVAS, MOODLE, PATTERN, ROSTER = "canvas", "moodle", "pattern", "roster"
ROSTER_COLUMNS = ("student_id", "lms_id", "name", "email", "login")
USABLE_ID = re.compile(r"\w[\w.@+-]*")  # a folder name nbgrader and every file system take


@dataclass(frozen=True)
class Person:
    """One identity: a student id and what an LMS or a roster knows of that person."""
    student_id: str
    lms: str = ""  # canvas, moodle, pattern or roster
    lms_id: str = ""  # the Canvas user id
    name: str = ""
    login: str = ""
    email: str = ""


IDENTITY_COLUMNS = tuple(f.name for f in fields(Person))


def strip_accents(text: str) -> str:
    """text without its accents ("Núñez" → "Nunez"; NFKD, combining marks dropped); letters of
    other scripts are kept."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def fold(text: str) -> str:
    """The form names are compared in: accents dropped, case folded, spaces collapsed."""
    return " ".join(strip_accents(text).casefold().split())


def name_id(name: str) -> str | None:
    """A student id from a full name: "José Núñez" → "jose_nunez". Accents are dropped (NFKD), case
    is folded, letters of other scripts are kept, and every run of other characters becomes "_"."""
    return re.sub(r"[\W_]+", "_", fold(name)).strip("_") or None


@dataclass(frozen=True)
class Roster:
    """The people of a roster file, with the look-ups collect and export need."""
    path: Path
    people: tuple[Person, ...]

    def by_canvas(self, user_id: str, login: str) -> Person | None:
        """The row of a Canvas user: by user id, else by login among rows that give no user id."""
        for p in self.people:
            if user_id and p.lms_id == user_id:
                return p
        return next((p for p in self.people if not p.lms_id and login and p.login.casefold() == login.casefold()),
                    None)

    def by_name(self, name: str) -> list[Person]:
        """The rows of a full name, matched without regard to case or accents (namesakes: several)."""
        return [p for p in self.people if p.name and fold(p.name) == fold(name)]

    def by_id(self, student_id: str) -> Person | None:
        """The row whose student id or login is student_id (in any case)."""
        key = student_id.casefold()
        return next((p for p in self.people if p.student_id.casefold() == key), None) or \
            next((p for p in self.people if p.login and p.login.casefold() == key), None)


def read_roster(path: str | Path) -> Roster:
    """The roster at path; CommandError saying what is wrong with a file that cannot be trusted."""
    path = Path(path)
    rows = _read_csv(path, "roster")
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if "student_id" not in header:
        raise CommandError(f"roster {path} has no student_id column (its header is {', '.join(header) or 'empty'}): "
                           f"the first row must name the columns, e.g. student_id,lms_id,name,email,login")
    duplicated = sorted({c for c in header if header.count(c) > 1 and c in ROSTER_COLUMNS})
    if duplicated:
        raise CommandError(f"roster {path} has the column {', '.join(duplicated)} twice")
    columns = {c: header.index(c) for c in ROSTER_COLUMNS if c in header}
    people = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cell = {c: (row[i].strip() if i < len(row) else "") for c, i in columns.items()}
        people.append(_roster_person(path, line, cell))
    _check_unique(path, people)
    return Roster(path, tuple(people))


def _roster_person(path, line, cell):
    student_id = cell["student_id"]
    if not USABLE_ID.fullmatch(student_id):
        raise CommandError(f"roster {path}, line {line}: student_id {student_id!r} is "
                           f"{'empty' if not student_id else 'not usable as a folder name'} (letters, digits and "
                           f"_ . @ + - only, not starting with . + - @)")
    lms_id = cell.get("lms_id", "")
    if lms_id and not lms_id.isdigit():
        raise CommandError(f"roster {path}, line {line}: lms_id {lms_id!r} is not a Canvas user id (digits only)")
    return Person(student_id, ROSTER, lms_id, cell.get("name", ""), cell.get("login", ""), cell.get("email", ""))


def _check_unique(path, people):
    """CommandError when two rows share a student id, a Canvas user id, a login or an email."""
    for field, what in (("student_id", "the student id"), ("lms_id", "the Canvas user id (lms_id)"),
                        ("login", "the login"), ("email", "the email")):
        seen = {}
        for p in people:
            value = getattr(p, field)
            if not value:
                continue
            other = seen.setdefault(value.casefold(), p)
            if other is not p:
                raise CommandError(f"roster {path}: {other.student_id} and {p.student_id} have {what} {value!r}; "
                                   f"each person must be one row")


def _read_csv(path, what):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: a spreadsheet's byte-order mark
            return [[_unsafe_cell(c) for c in row] for row in csv.reader(f)]
    except FileNotFoundError:
        raise CommandError(f"no {what} file {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"cannot read the {what} file {path}: {exc}") from None


def _unsafe_cell(value):
    """A cell as it was before report_files made it spreadsheet-safe (the quote taken off again)."""
    if value.startswith("'") and safe_cell(value[1:]) == value:
        return value[1:]
    return value


def read_identities(root: str | Path) -> list[Person]:
    """The identities recorded in root/.backprop-course/lms_identities.csv, oldest first."""
    path = Path(root) / IDENTITIES
    if not path.is_file():
        return []
    rows = _read_csv(path, "identities")
    header = rows[0] if rows else []
    if not {"student_id", "lms"} <= set(header) or not set(header) <= set(IDENTITY_COLUMNS):
        raise CommandError(f"{path} is not the file collect writes (its columns are {', '.join(header) or 'none'}; "
                           f"expected {', '.join(IDENTITY_COLUMNS)}): move it away, nothing was changed")
    index = {c: header.index(c) for c in header}
    return [Person(**{c: (row[i] if i < len(row) else "") for c, i in index.items()})
            for row in rows[1:] if any(row)]


def record(root: str | Path, people: Iterable[Person]) -> None:
    """Add the people not recorded yet to root/.backprop-course/lms_identities.csv (atomically)."""
    known = read_identities(root)
    seen = {astuple(p) for p in known}
    new = [p for p in dict.fromkeys(people) if astuple(p) not in seen]
    if new:
        atomic_write(Path(root) / IDENTITIES, safe_csv(IDENTITY_COLUMNS, [astuple(p) for p in known + new]))


def recorded_canvas(people: list[Person], user_id: str) -> str | None:
    """The student id a Canvas user was last recorded under (by collect or a roster), or None."""
    ids = [p.student_id for p in people if p.lms in (CANVAS, ROSTER) and p.lms_id == user_id]
    return ids[-1] if ids else None


def recorded_name(people: list[Person], name: str) -> list[str]:
    """The student ids a full name was recorded under (by collect from Moodle, or a roster): one, or
    several for namesakes, whom a name alone cannot tell apart."""
    return list(dict.fromkeys(p.student_id for p in people
                              if p.lms in (MOODLE, ROSTER) and p.name and fold(p.name) == fold(name)))
