"""backprop-course: a thin command line over the Python API, one module per command."""
import argparse
import sys

from .course_config import POLICIES
from .errors import CommandError

EXAMPLES = """examples:
  backprop-course release --course ~/course
  backprop-course release --course ~/course --reset 02_regression
  backprop-course collect --course ~/course --from canvas-export.zip
  backprop-course grade --course ~/course --assignment 02_regression --jobs 2
  backprop-course demo
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backprop-course", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="build or update an nbgrader course directory",
                                  epilog="example:\n  backprop-course release --course ~/course",
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    release.add_argument("--course", required=True, help="the nbgrader course directory (created if absent)")
    release.add_argument("--assignment", action="append", help="release only this assignment (repeatable)")
    release.add_argument("--reset", metavar="ASSIGNMENT", action="append",
                         help="take the package's source notebook of ASSIGNMENT again, even if you edited yours "
                              "(yours is backed up under .backprop-course/backups/; repeatable)")

    grade = commands.add_parser("grade", help="grade DIR/submitted/<student>/<assignment>/*.ipynb",
                                epilog="example:\n  backprop-course grade --course ~/course --jobs 2",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    grade.add_argument("--course", required=True, help="the course directory made by release")
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
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    collect.add_argument("--course", required=True, help="the course directory made by release")
    collect.add_argument("--from", dest="export", required=True, help="the export: a folder or a .zip of notebooks")
    collect.add_argument("--force", action="store_true", help="replace submissions that differ")

    commands.add_parser("demo", help="release and grade the bundled sample class in a temporary directory",
                        epilog="example:\n  backprop-course demo",
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "release":
            from .release import release
            release(args.course, args.assignment, reset=args.reset)
        elif args.command == "grade":
            from .grade import grade
            grade(args.course, args.assignment, jobs=args.jobs, force=args.force, dask=args.dask, policy=args.policy)
        elif args.command == "collect":
            from .collect import collect, summary
            print(summary(collect(args.course, args.export, force=args.force)))
        elif args.command == "demo":
            from .demo import demo
            demo()
    except CommandError as exc:
        print(f"backprop-course {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0
