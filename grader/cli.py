"""backprop-course: a thin command line over the Python API, one module per command."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .course_config import POLICIES, configured_root
from .errors import CommandError

if TYPE_CHECKING:
    from .grade import Summary

DIST = "backprop-course"
EXAMPLES = """examples:
  backprop-course release --course ~/course
  backprop-course release --course ~/course --reset 02_regression
  backprop-course release --course ~/course --jobs 1   # one notebook at a time in the release gate
  backprop-course collect --course ~/course --from canvas-export.zip
  backprop-course collect --course ~/course --from moodle-export.zip --roster roster.csv
  backprop-course export --course ~/course --format canvas --out canvas-grades.csv
  backprop-course grade --course ~/course --assignment 02_regression --jobs 2
  cd ~/course && backprop-course -q grade     # the course of the current folder; only the result line
  backprop-course demo
"""
COURSE_DEFAULT = ("default: the course root nbgrader's configuration names here, CourseDirectory.root in "
                  "./nbgrader_config.py or in the one of a Jupyter config folder such as ~/.jupyter/; "
                  "else the current folder")


def version() -> str:
    """The installed backprop-course's version; "unknown (not installed)" when run from a source tree."""
    from importlib.metadata import PackageNotFoundError, version as installed
    try:
        return installed(DIST)
    except PackageNotFoundError:
        return "unknown (not installed)"


def _verbosity(after_command: bool) -> argparse.ArgumentParser:
    """-q/--quiet and -v/--verbose, for the top level and (after_command) each subcommand: there
    they default to nothing, so that a flag given before the subcommand stays."""
    parent = argparse.ArgumentParser(add_help=False)
    flags = parent.add_mutually_exclusive_group()
    default = argparse.SUPPRESS if after_command else False
    flags.add_argument("-q", "--quiet", action="store_true", default=default,
                       help="print only errors and the final result line(s); no progress")
    flags.add_argument("-v", "--verbose", action="store_true", default=default,
                       help="print more: nbgrader's log (Python logging at INFO) on stderr")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=DIST, description=__doc__, epilog=EXAMPLES, parents=[_verbosity(False)],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{DIST} {version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    flags = [_verbosity(True)]

    release = commands.add_parser("release", help="build or update an nbgrader course directory",
                                  epilog="example:\n  backprop-course release --course ~/course",
                                  formatter_class=argparse.RawDescriptionHelpFormatter, parents=flags)
    release.add_argument("--course", help=f"the nbgrader course directory, created if absent ({COURSE_DEFAULT})")
    release.add_argument("--assignment", action="append", help="release only this assignment (repeatable)")
    release.add_argument("--reset", metavar="ASSIGNMENT", action="append",
                         help="take the package's source notebook of ASSIGNMENT again, even if you edited yours "
                              "(yours is backed up under .backprop-course/backups/; repeatable)")
    release.add_argument("--jobs", type=int, default=None,
                         help="notebooks the release gate runs at once, each in its own kernel (default: all "
                              "cores); the files released are the same whatever the number")

    grade = commands.add_parser("grade", help="grade DIR/submitted/<student>/<assignment>/*.ipynb",
                                epilog="example:\n  backprop-course grade --course ~/course --jobs 2",
                                formatter_class=argparse.RawDescriptionHelpFormatter, parents=flags)
    grade.add_argument("--course", help=f"the course directory made by release ({COURSE_DEFAULT})")
    grade.add_argument("--assignment", action="append", help="grade only this assignment (repeatable)")
    grade.add_argument("--jobs", type=int, default=None, help="parallel workers (default: all cores)")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade.add_argument("--policy", choices=POLICIES, default=None,
                       help="carry_forward: an exercise wrong only because a function it calls is wrong keeps "
                            "its points; strict: it gets 0 too (default: c.BackpropCourse.policy in the "
                            "course's nbgrader_config.py, else carry_forward)")
    grade.add_argument("--dask", metavar="SCHEDULER_ADDRESS", default=None,
                       help="spread the submissions over a Dask cluster, e.g. tcp://10.0.0.5:8786 "
                            "(needs backprop-course[dask] on this machine and on every worker)")

    collect = commands.add_parser("collect", help="copy an LMS export (folder or .zip) into DIR/submitted",
                                  epilog="example:\n  backprop-course collect --course ~/course --from canvas-export.zip",
                                  formatter_class=argparse.RawDescriptionHelpFormatter, parents=flags)
    collect.add_argument("--course", help=f"the course directory made by release ({COURSE_DEFAULT})")
    collect.add_argument("--from", dest="export", required=True, help="the export: a folder or a .zip of notebooks")
    collect.add_argument("--force", action="store_true", help="replace submissions that differ")
    collect.add_argument("--roster", metavar="CSV",
                         help="the class: a CSV with a student_id column and any of lms_id (Canvas user id), name, "
                              "email, login; a person of the export not in it is reported, not collected")
    collect.add_argument("--pattern", metavar="REGEX",
                         help="name the parts of each file's path in the export yourself: a regular expression "
                              "with the groups (?P<student_id>...) and optionally (?P<assignment>...), "
                              "(?P<file_id>...), as nbgrader's zip_collect takes")

    export = commands.add_parser("export", help="write the gradebook's scores for Canvas, Moodle or as plain CSV",
                                 epilog="example:\n  backprop-course export --course ~/course --format canvas "
                                        "--out canvas-grades.csv",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, parents=flags)
    export.add_argument("--course", help=f"the course directory made by release ({COURSE_DEFAULT})")
    export.add_argument("--format", dest="fmt", required=True, choices=["canvas", "moodle", "csv"],
                        help="canvas: Canvas's gradebook import; moodle: Moodle's grade import (CSV file); "
                             "csv: one row per student and assignment")
    export.add_argument("--out", metavar="FILE", help="where to write (default: canvas_import.csv, "
                                                      "moodle_import.csv or grades_export.csv in the course)")
    export.add_argument("--assignment", action="append", help="export only this assignment (repeatable)")
    export.add_argument("--roster", metavar="CSV", help="names, emails and Canvas user ids (columns as for collect)")

    commands.add_parser("demo", help="release and grade the bundled sample class in a temporary directory",
                        epilog="example:\n  backprop-course demo",
                        formatter_class=argparse.RawDescriptionHelpFormatter, parents=flags)
    return parser


def course(given: str | None, command: str) -> str | Path:
    """The course directory of a command: --course, else the one nbgrader's configuration names
    here, else the current folder. CommandError, naming the folder taken, when that is not a
    released course (it has no source/ folder); release makes one, so it takes any folder."""
    if given:
        return given
    root, named_by = configured_root(Path.cwd())
    if command != "release" and not (root / "source").is_dir():
        taken = f"CourseDirectory.root in {named_by}" if named_by else "the current folder"
        raise CommandError(f"no --course given, so the course is {root} ({taken}), but that is not a released "
                           "course (it has no source/ folder): pass --course DIR, or run the command in the "
                           "course folder")
    return root


def _log_level(quiet: bool, verbose: bool) -> None:
    """-v: Python logging (nbgrader's log) at INFO on stderr; -q: errors only; neither: as it was."""
    if verbose:
        logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(message)s")
    elif quiet:
        logging.getLogger().setLevel(logging.ERROR)


def _grade_result(summary: Summary) -> None:
    """What `grade --quiet` prints: one result line, and a warning on stderr when no fence held."""
    problems = f", {len(summary.problems)} problem(s) (grading_problems.csv)" if summary.problems else ""
    print(f"graded {summary.graded} submission(s), reused {summary.reused} unchanged, in {summary.seconds:.1f} s"
          f"{problems} -> {summary.course / 'grades.csv'}")
    if summary.namespaces and summary.landlock == 0:
        print(f"warning: learner code was not fenced off from your files ({summary.isolation()})", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quiet and args.verbose:
        parser.error("-q/--quiet and -v/--verbose exclude each other")
    _log_level(args.quiet, args.verbose)
    try:
        if "course" in args:
            args.course = course(args.course, args.command)
        if args.command == "release":
            from .release import release
            release(args.course, args.assignment, reset=args.reset, quiet=args.quiet, jobs=args.jobs)
        elif args.command == "grade":
            from .grade import grade
            summary = grade(args.course, args.assignment, jobs=args.jobs, force=args.force, dask=args.dask,
                            policy=args.policy, quiet=args.quiet)
            if args.quiet:
                _grade_result(summary)
        elif args.command == "collect":
            from .collect import collect, summary
            print(summary(collect(args.course, args.export, force=args.force, roster=args.roster,
                                  pattern=args.pattern)))
        elif args.command == "export":
            from .export import export, summary
            print(summary(export(args.course, args.fmt, args.out, args.assignment, roster=args.roster)))
        elif args.command == "demo":
            from .demo import demo
            demo(quiet=args.quiet)
    except CommandError as exc:
        print(f"{DIST} {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0
