"""Release, gate stage: run every source and student notebook in a real Jupyter kernel.

- A source notebook must run clean: no error in any cell, and in each graded test cell nothing
  on stderr and no shown value below its points (nbgrader scores a test cell 0 when it writes to
  stderr, and reads a shown number as a partial score).
- A student notebook, run with errors allowed, may fail only because of its stubs: a
  NotImplementedError, or a self-check reporting the exercise as `not_implemented`.

Each notebook runs in a scratch copy of its assignment directory (so nothing it writes ships),
several at a time: the kernels are separate processes, the threads only wait on them. A notebook's
kernel starts as soon as the notebook is handed to the Gate, while release is still building the
others, and is killed as soon as its last cell has run.
"""
import os
import shutil
import subprocess
import site
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

import grader
from .judge import messages
from .notebook import COURSE_ENV

KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds per cell; a full check runs every seeded case of an exercise
STARTUP_TIMEOUT = 120
MISSING_GRADER = "No module named 'grader'"
NO_GRADER = f" (the {KERNEL!r} kernel must run the Python where backprop-course is installed)"


@dataclass(frozen=True)
class Run:
    """One notebook of an assignment to run: `kind` is "source" or "student"; `label` names it in
    messages."""
    assignment: str
    kind: str
    notebook: Path
    label: str


def kernel_env(course: Path | None = None) -> dict[str, str]:
    """The kernel's environment: ours, plus the directory `grader` comes from when it is not an
    installed package (a development checkout), so hidden tests can import it, and the course
    directory, where the hidden tests find the checks the course keeps of its own."""
    env = dict(os.environ)
    if course is not None:
        env[COURSE_ENV] = str(course)
    home = str(Path(grader.__file__).resolve().parent.parent)
    installed = {str(Path(p).resolve()) for p in site.getsitepackages() + [site.getusersitepackages()]}
    if home not in installed:
        env["PYTHONPATH"] = os.pathsep.join([home] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def execute(notebook: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    """Run a copy of notebook's directory in a fresh kernel, errors allowed; the executed notebook."""
    from nbclient import NotebookClient
    with tempfile.TemporaryDirectory(prefix="backprop-gate-") as scratch:
        workdir = Path(scratch) / notebook.parent.name
        shutil.copytree(notebook.parent, workdir, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        nb = nbformat.read(workdir / notebook.name, as_version=4)
        client = NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT,
                                allow_errors=True, resources={"metadata": {"path": str(workdir)}},
                                shutdown_kernel="immediate")  # a polite shutdown waits most of a second
        client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log, not the cells'
        return nb


def _first_line(text):
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def _where(cell, index):
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {grade_id}" if grade_id else f"cell {index}"


def _is_test(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _error(output):
    return f"{output.ename}: {_first_line(output.evalue)}".rstrip(": ")


def _partial(cell):
    """Why nbgrader would give a test cell that shows a value less than its points, else None."""
    from nbgrader.utils import determine_grade
    try:
        score, points = determine_grade(cell)
    except (ValueError, KeyError) as exc:
        return f"shows a value nbgrader cannot score ({exc})"
    if score is not None and score < points:
        return f"shows {score:g}, which nbgrader reads as {score:g} of its {messages.points(points)}"
    return None


def source_problems(nb: nbformat.NotebookNode) -> Iterator[tuple[str, str]]:
    """(cell, reason) for everything that would cost the reference solution a point."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "error":
                yield _where(cell, index), _error(output)
            elif _is_test(cell) and output.output_type == "stream" and output.name == "stderr":
                yield _where(cell, index), f"writes to stderr, which nbgrader scores 0: {_first_line(output.text)}"
        if _is_test(cell) and not any(o.output_type == "error" for o in cell.outputs):
            partial = _partial(cell) if any(o.output_type == "execute_result" for o in cell.outputs) else None
            if partial:
                yield _where(cell, index), partial


def _is_stub_failure(output):
    if output.ename == "NotImplementedError":
        return True
    return output.ename == "AssertionError" and "[not_implemented]" in _first_line(output.evalue)


def student_problems(nb: nbformat.NotebookNode) -> Iterator[tuple[str, str]]:
    """(cell, reason) for every error of the student version not due to a NotImplementedError stub."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "error" and not _is_stub_failure(output):
                yield _where(cell, index), f"{_error(output)} (a student version may fail only on its stubs)"


def check(run: Run, env: dict[str, str]) -> list[str]:
    """Problems of one notebook, as one-line messages."""
    try:
        nb = execute(run.notebook, env)
    except Exception as exc:  # no kernel, dead kernel, cell timeout: the notebook does not run
        return [f"{run.label}: could not run in kernel {KERNEL!r}: {type(exc).__name__}: {_first_line(exc)}"]
    problems = source_problems(nb) if run.kind == "source" else student_problems(nb)
    return [f"{run.label}, {where}: {reason}{NO_GRADER if MISSING_GRADER in reason else ''}"
            for where, reason in problems]


class Gate:
    """Run notebooks in fresh kernels, jobs at a time, from the moment each is submitted.

    started(run) and finished(run, problems) are called from the worker threads. Leaving the
    `with` block cancels the notebooks not started yet and waits for the running ones."""

    def __init__(self, jobs: int, course: Path | None = None, started: Callable[[Run], None] | None = None,
                 finished: Callable[[Run, list[str]], None] | None = None):
        self.env = kernel_env(course)
        self.started, self.finished = started, finished
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="release-gate")
        self.runs: dict[Run, Future] = {}

    def __enter__(self) -> "Gate":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, run: Run) -> None:
        self.runs[run] = self.pool.submit(self._check, run)

    def problems(self) -> dict[Run, list[str]]:
        """Wait for every submitted notebook; the problems of each (none: it passed)."""
        return {run: future.result() for run, future in self.runs.items()}

    def _check(self, run: Run) -> list[str]:
        if self.started:
            self.started(run)
        problems = check(run, self.env)
        if self.finished:
            self.finished(run, problems)
        return problems
