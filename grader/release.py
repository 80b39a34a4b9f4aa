"""`backprop-course release --course DIR`: build or update an nbgrader course directory.

1. stage   a copy of the course in a temporary directory: nbgrader_config.py, the gradebook,
           source/<a>/<a>.ipynb built from exercises/<a>/ (grader.source_notebook) and
           source/<a>/backprop_selfcheck/;
2. nbgrader generate_assignment builds release/<a>/ and records the grade cells in the gradebook;
3. gate    every source notebook passes its own tests in a real kernel, every student version
           fails only on its NotImplementedError stubs;
4. install the staged files into DIR, replacing only what release owns: source/<a>/,
           release/<a>/, gradebook.db, nbgrader_config.py. submitted/, autograded/, feedback/
           and any other file of the instructor stay as they are;
5. secret  the course's secret, made once (grader.seeds): the seed of its hidden cases.

Nothing is written to DIR before the gate has passed.
"""
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat

from exercises import ASSIGNMENTS

from . import catalogue, seeds, source_notebook
from .errors import CommandError
from .release_gate import Run, gate
from .release_nbgrader import CONFIG_FILE, LOCAL_CONFIG_FILE, generate, is_ours, write_config
from .selfcheck_package import write_selfcheck

GRADEBOOK = "gradebook.db"


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


def stage(root: Path, staging: Path, assignments: list[str]) -> None:
    """Lay out the course to release in staging, starting from what root already holds."""
    for name in (GRADEBOOK, LOCAL_CONFIG_FILE):
        if (root / name).is_file():
            shutil.copy2(root / name, staging / name)
    write_config(staging)
    for a in assignments:
        target = staging / "source" / a
        if (root / "source" / a).is_dir():  # keep files the instructor added next to the notebook
            shutil.copytree(root / "source" / a, target,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{a}.ipynb").write_bytes(packaged_notebook(a))
        write_selfcheck(target, a)


def gate_runs(staging: Path, assignments: list[str]) -> Iterator[Run]:
    for a in assignments:
        for kind, folder in (("source", "source"), ("student", "release")):
            yield Run(kind, staging / folder / a / f"{a}.ipynb", f"{folder}/{a}/{a}.ipynb")


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


def install(staging: Path, root: Path, assignments: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    config = root / CONFIG_FILE
    if config.is_file() and not is_ours(config):  # an instructor's own config: keep a copy
        backup = root / f"{CONFIG_FILE}.orig"
        if not backup.exists():
            shutil.copy2(config, backup)
            print(f"kept your previous {CONFIG_FILE} as {backup.name}; put your own settings in {LOCAL_CONFIG_FILE}")
    for a in assignments:
        _replace(staging / "source" / a, root / "source" / a)
        _replace(staging / "release" / a, root / "release" / a)
    _replace(staging / GRADEBOOK, root / GRADEBOOK)
    _replace(staging / CONFIG_FILE, config)


def release(course: str | Path, assignments: list[str] | None = None) -> list[str]:
    """Build or update the nbgrader course directory `course`; return the released assignments."""
    started = time.monotonic()
    root = course_root(course)
    chosen = choose(assignments)
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as tmp:
        staging = Path(tmp)
        stage(root, staging, chosen)
        for a in chosen:
            generate(staging, a)
        problems = gate(gate_runs(staging, chosen))
        if problems:
            more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
            raise CommandError(f"release gate failed, nothing released: {problems[0]}{more}")
        install(staging, root, chosen)
    _, made = seeds.ensure(root)
    for a in chosen:
        names = catalogue.ASSIGNMENTS[a]
        points = sum(catalogue.EXERCISES[n].info.points for n in names)
        print(f"released {a}: {len(names)} exercises, {points:g} points -> {root / 'release' / a / (a + '.ipynb')}")
    if made:
        print(f"made the course's secret {root / seeds.SECRET}: its hidden cases are drawn from it; keep it, "
              "and keep it out of what students can read")
    print(f"course directory {root} ready: {len(chosen)} assignment(s), {2 * len(chosen)} notebooks "
          f"passed the gate, {time.monotonic() - started:.0f} s")
    return chosen
