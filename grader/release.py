"""`backprop-course release --course DIR`: build or update an nbgrader course directory.

1. choose  each assignment's source notebook: the package's, built from exercises/<a>/
           (grader.source_notebook), unless the instructor edited DIR/source/<a>/<a>.ipynb since
           release last wrote it (grader.course_state): then theirs is kept, and `--reset A` takes
           the package's again, backing theirs up;
2. stage   a copy of the course in a temporary directory: the notebooks, the files the instructor
           keeps next to them, source/<a>/backprop_selfcheck/ (public cases of the package's checks
           and of the course's own, DIR/checks/<a>.py), and nbgrader_config.py merged with what the
           package needs (grader.course_config);
3. nbgrader generate_assignment builds release/<a>/ there, into a gradebook of the staging's own;
4. gate    every source notebook passes its own tests in a real kernel, every student version
           fails only on its NotImplementedError stubs, and every graded cell has the same points
           in the source, the student version and the gradebook. The kernels run `jobs` at a time
           while 2 and 3 go on: a source notebook's as soon as it is staged, a student version's
           as soon as nbgrader has written it;
5. install source/<a>/ and nbgrader_config.py into DIR; nbgrader generate_assignment again, in DIR,
           with the course's configuration: release/<a>/ and the course's own gradebook (whatever
           database it configures), whose points are checked once more. submitted/, autograded/,
           feedback/, other assignments and any other file of the instructor stay as they are;
6. secret  the course's secret, made once (grader.seeds): the seed of its hidden cases.

Nothing is written to DIR before the gate has passed. Progress goes to stderr (grader.progress):
a line per assignment through the steps source, generate, student and install.
"""
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from exercises import ASSIGNMENTS

from . import catalogue, course_config, course_state, seeds, source_notebook
from .errors import CommandError, ReleaseConflict
from .progress import StepLines, jobs_or_cores
from .release_gate import Gate, Run
from .release_nbgrader import cell_points, check_points, check_submissions, generate, gradebook_points
from .selfcheck_package import write_selfcheck

STEPS = ("source", "generate", "student", "install")  # the steps of an assignment, as progress shows them


@dataclass(frozen=True)
class Source:
    """The source notebook release installs for one assignment."""
    assignment: str
    data: bytes
    origin: str  # "package", or "kept" (the instructor's edit), or "reset" (theirs backed up)

    @property
    def relative(self) -> str:
        return f"source/{self.assignment}/{self.assignment}.ipynb"


def choose(assignments: list[str] | None) -> list[str]:
    """The assignments to release, in course order; all of them when none is named."""
    if not assignments:
        return list(ASSIGNMENTS)
    unknown = [a for a in assignments if a not in ASSIGNMENTS]
    if unknown:
        raise CommandError(f"unknown assignment {unknown[0]!r}; the assignments are {', '.join(ASSIGNMENTS)}")
    return [a for a in ASSIGNMENTS if a in assignments]


def course_root(course: str | Path) -> Path:
    root = Path(course).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise CommandError(f"{root} exists and is not a directory")
    return root


def packaged_notebook(assignment: str) -> bytes:
    """The bytes of the source notebook of `assignment`, built from its text notebook."""
    return nbformat.writes(source_notebook.build(assignment)).encode("utf-8") + b"\n"


def sources(root: Path, assignments: list[str], reset: list[str]) -> list[Source]:
    """The source notebook to install for each assignment: the instructor's where they edited it
    (unless reset), else the package's."""
    out = []
    for a in assignments:
        packaged = packaged_notebook(a)
        source = Source(a, packaged, "package")
        path = root / source.relative
        if path.is_file() and path.read_bytes() != packaged and course_state.edited(root, source.relative):
            source = Source(a, packaged, "reset") if a in reset else Source(a, path.read_bytes(), "kept")
        out.append(source)
    return out


def stage_config(root: Path, staging: Path) -> tuple[list[str], list[str]]:
    """Write staging's nbgrader_config.py (root's, merged with what the package needs) and root's
    local configuration file; return the settings added to nbgrader_config.py and warnings about it."""
    text, added, warnings = course_config.merged(root)
    for name in (course_config.CONFIG_FILE, course_config.LOCAL_CONFIG_FILE):
        if (root / name).is_file():
            shutil.copy2(root / name, staging / name)
    (staging / course_config.CONFIG_FILE).write_text(text, encoding="utf-8")
    return added, warnings


def stage(root: Path, staging: Path, source: Source, cat: catalogue.Catalogue, policy: str) -> None:
    """Lay out staging/source/<a>/: the files root keeps next to the notebook, the notebook to
    release, and its self-check package."""
    target = staging / "source" / source.assignment
    if (root / "source" / source.assignment).is_dir():  # keep files the instructor added next to the notebook
        shutil.copytree(root / "source" / source.assignment, target,
                        ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    target.mkdir(parents=True, exist_ok=True)
    (staging / source.relative).write_bytes(source.data)
    write_selfcheck(target, source.assignment, cat, policy)


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def check_cells(root: Path, source: Source, cat: catalogue.Catalogue) -> None:
    """Before the gate: ReleaseConflict unless the course's own checks have their test cells in the
    notebook and the course's gradebook can take the notebook's cells."""
    a = source.assignment
    nb = nbformat.reads(source.data.decode("utf-8"), as_version=4)
    points = cell_points(nb)
    for name in cat.names(a):
        if name not in catalogue.EXERCISES and f"test_{name}" not in points:
            raise ReleaseConflict(f"checks/{a}.py defines {name}, but {source.relative} has no test cell "
                                  f"test_{name}: add a solution cell (grade_id {name}_solution) and a graded "
                                  f"test cell (grade_id test_{name}) to it, or take {name} out of the checks")
    check_submissions(root, a, nb)


def check_staged_points(staging: Path, source: Source, db_url: str) -> None:
    """After generate_assignment: ReleaseConflict unless every graded cell has the same points in
    the source, the student version and the staged gradebook."""
    a = source.assignment
    check_points(a, {"the source notebook": cell_points(_read(staging / source.relative)),
                     "the student version": cell_points(_read(staging / "release" / a / f"{a}.ipynb")),
                     "the gradebook": gradebook_points(staging, a, db_url)})


def gate_runs(staging: Path, assignment: str) -> tuple[Run, Run]:
    """The gate's notebooks of an assignment in staging: its source notebook and its student version."""
    return tuple(Run(assignment, kind, staging / folder / assignment / f"{assignment}.ipynb",
                     f"{folder}/{assignment}/{assignment}.ipynb")
                 for kind, folder in (("source", "source"), ("student", "release")))


def build_and_gate(root: Path, staging: Path, chosen: list[Source], cat: catalogue.Catalogue, db_url: str,
                   jobs: int, lines: StepLines) -> list[str]:
    """Stage each assignment and run nbgrader's generate_assignment on it in staging, into the
    gradebook at db_url, while the gate runs jobs kernels at a time: a source notebook is queued as
    soon as it is staged, a student version as soon as nbgrader has written it. Every problem the
    gate found, in course order."""
    policy = course_config.policy(staging)
    runs = {s.assignment: gate_runs(staging, s.assignment) for s in chosen}
    with Gate(jobs, course=root, started=lambda run: lines.begin(run.assignment, run.kind),
              finished=lambda run, problems: lines.end(run.assignment, run.kind, not problems)) as gate:
        for source in chosen:
            stage(root, staging, source, cat, policy)
            gate.submit(runs[source.assignment][0])
        for a, (_, student) in runs.items():
            with lines.step(a, "generate"):
                generate(staging, a, db_url=db_url)
            gate.submit(student)
        found = gate.problems()
    return [problem for pair in runs.values() for run in pair for problem in found[run]]


def _replace(staged, target):
    """Put staged (file or directory) at target; the old target goes only once the new one is in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".{target.name}.incoming")
    outgoing = target.with_name(f".{target.name}.outgoing")
    for leftover in (incoming, outgoing):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        elif leftover.exists():
            leftover.unlink()
    shutil.move(str(staged), str(incoming))
    if target.is_dir():
        target.rename(outgoing)
        incoming.rename(target)
        shutil.rmtree(outgoing)
    else:
        incoming.replace(target)


def install(staging: Path, root: Path, chosen: list[Source], config_changed: bool,
            lines: StepLines) -> list[str]:
    """Put the staged sources and configuration into root, then let nbgrader generate the
    student versions and the gradebook entries there, with the course's own configuration.
    Return a line for each source notebook of the instructor's that was backed up."""
    root.mkdir(parents=True, exist_ok=True)
    backups = []
    for source in chosen:
        if source.origin == "reset":
            backups.append(f"{source.relative}: your version is kept as "
                           f"{course_state.back_up(root, source.relative)}")
        _replace(staging / "source" / source.assignment, root / "source" / source.assignment)
    if config_changed:
        _replace(staging / course_config.CONFIG_FILE, root / course_config.CONFIG_FILE)
    course_state.record(root, {s.relative: s.data for s in chosen if s.origin != "kept"})  # theirs stays theirs
    for source in chosen:
        a = source.assignment
        with lines.step(a, "install"):
            generate(root, a)
            check_points(a, {"the source notebook": cell_points(_read(root / source.relative)),
                             "the course's gradebook": gradebook_points(root, a)})
    return backups


def _summary(root: Path, source: Source, cat: catalogue.Catalogue) -> str:
    points = cell_points(_read(root / source.relative))
    checked = [n for n in cat.names(source.assignment) if f"test_{n}" in points]
    others = len(points) - len(checked)
    kept = {"kept": " (your edited source notebook, kept)", "reset": " (the package's version again)"}
    return (f"released {source.assignment}{kept.get(source.origin, '')}: {len(checked)} diagnosed exercises"
            + (f" and {others} other graded cell(s)" if others else "")
            + f", {sum(points.values()):g} points -> {root / 'release' / source.assignment}")


def _notes(root: Path, chosen: list[Source], cat: catalogue.Catalogue, new_config: bool, added: list[str],
           made_secret: bool) -> None:
    """What release did, beyond its final line: each assignment, kept edits, the configuration, the secret."""
    for source in chosen:
        print(_summary(root, source, cat))
    kept = [s.assignment for s in chosen if s.origin == "kept"]
    if kept:
        print(f"kept your edits of {', '.join(kept)}: `release --reset ASSIGNMENT` takes the package's version "
              "(yours is backed up)")
    if new_config:
        print(f"wrote {root / course_config.CONFIG_FILE}: yours to edit, release only adds what it lacks")
    elif added:
        print(f"{course_config.CONFIG_FILE}: added {', '.join(added)}; everything else in it is as it was")
    if made_secret:
        print(f"made the course's secret {root / seeds.SECRET}: its hidden cases are drawn from it; keep it, "
              "and keep it out of what students can read")


def release(course: str | Path, assignments: list[str] | None = None, reset: list[str] | None = None,
            quiet: bool = False, jobs: int | None = None) -> list[str]:
    """Build or update the nbgrader course directory `course`; return the released assignments.
    reset: assignments whose source notebook goes back to the package's version, even if edited;
    quiet: print only warnings and the final line; jobs: notebooks the gate runs at once
    (default: one per core). The files released do not depend on jobs."""
    started = time.monotonic()
    jobs = jobs_or_cores(jobs)
    root = course_root(course)
    reset = choose(reset) if reset else []
    named = list(assignments or []) + reset  # --reset A releases A; with --assignment, those too
    chosen = sources(root, choose(named or None), reset)
    cat = catalogue.for_course(root)
    strangers = [a for a in cat.assignments if a not in ASSIGNMENTS]
    if strangers:
        raise CommandError(f"{root / catalogue.COURSE_CHECKS / (strangers[0] + '.py')}: {strangers[0]} is not an "
                           f"assignment of the package ({', '.join(ASSIGNMENTS)}); a checks file adds exercises "
                           "to one of them")
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as tmp:
        staging = Path(tmp)
        added, warnings = stage_config(root, staging)
        for source in chosen:  # what cannot be installed is refused before the gate runs
            check_cells(root, source, cat)
        staged_db = "sqlite:///" + str(staging / "gradebook.db")
        with StepLines([s.assignment for s in chosen], STEPS, quiet=quiet) as lines:
            problems = build_and_gate(root, staging, chosen, cat, staged_db, jobs, lines)
            if problems:
                more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
                raise CommandError(f"release gate failed, nothing released: {problems[0]}{more}")
            for source in chosen:
                check_staged_points(staging, source, staged_db)
            new_config = not (root / course_config.CONFIG_FILE).exists()
            backups = install(staging, root, chosen, bool(added) or new_config, lines)
    for line in backups:
        print(line)
    _, made = seeds.ensure(root)
    if not quiet:
        _notes(root, chosen, cat, new_config, added, made)
    for warning in warnings:
        print(f"warning: {warning}")
    print(f"course directory {root} ready: {len(chosen)} assignment(s), {2 * len(chosen)} notebooks "
          f"passed the gate, {time.monotonic() - started:.0f} s")
    return [s.assignment for s in chosen]
