"""The command line's conventions (issue 14): --version, -q/-v before or after the command, and
--course defaulting to the course nbgrader's configuration names, else the current folder."""
import importlib.metadata
import io
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from grader import cli
from grader.course_config import CONFIG_FILE, configured_root

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_grade import A, released  # noqa: E402,F401 (a course made by nbgrader's generate_assignment)


class Terminal(io.StringIO):
    """stderr as a terminal, where grade draws its progress bar."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def own_jupyter_config(tmp_path, monkeypatch):
    """An empty ~/.jupyter of the test's own: the user's nbgrader_config.py there could name a course."""
    folder = tmp_path / "jupyter-config"
    folder.mkdir()
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def handed_in(released, tmp_path_factory):
    """The released course with one submission: the student version, without the free cell that
    never ends (test_grade's source notebook has one), so that grading it is quick."""
    root = tmp_path_factory.mktemp("cli") / "course"
    shutil.copytree(released, root)
    nb = nbformat.read(root / "release" / A / f"{A}.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "while True" not in c.source]
    (root / "submitted" / "s1" / A).mkdir(parents=True)
    nbformat.write(nb, root / "submitted" / "s1" / A / f"{A}.ipynb")
    return root


def _config(folder: Path, root: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CONFIG_FILE).write_text(f"c = get_config()\nc.CourseDirectory.root = {root!r}\n", encoding="utf-8")


def _fake(monkeypatch, module: str, name: str) -> list:
    """Replace grader.<module>.<name> by a stand-in that records the course it is given."""
    calls = []
    monkeypatch.setattr(f"grader.{module}.{name}", lambda course, *args, **kwargs: calls.append(Path(course)))
    return calls


def test_version_is_the_installed_one(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"backprop-course {importlib.metadata.version('backprop-course')}\n"


def test_version_of_a_source_tree_that_is_not_installed(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert cli.version() == "unknown (not installed)"


def test_quiet_and_verbose_go_before_or_after_the_command(capsys):
    parse = cli.build_parser().parse_args
    assert (parse(["-q", "grade"]).quiet, parse(["grade", "--quiet"]).quiet, parse(["grade"]).quiet) == (True, True, False)
    assert (parse(["--verbose", "release"]).verbose, parse(["release", "-v"]).verbose) == (True, True)
    with pytest.raises(SystemExit) as stop:
        cli.main(["-q", "grade", "-v"])
    assert stop.value.code == 2
    assert "-q/--quiet and -v/--verbose exclude each other" in capsys.readouterr().err


@pytest.mark.slow  # nbgrader's generate_assignment, then a grading run: about 11 s
def test_quiet_grade_draws_no_progress_and_prints_one_line(handed_in, monkeypatch, capsys):
    monkeypatch.chdir(handed_in)  # no --course: the current folder
    for argv in (["grade", "--force"], ["-q", "grade", "--force"]):
        with monkeypatch.context() as m:
            terminal = Terminal()
            m.setattr(sys, "stderr", terminal)
            assert cli.main(argv) == 0
        out = capsys.readouterr().out
        if argv[0] == "grade":
            assert "grading [" in terminal.getvalue() and "s1" in out and len(out.splitlines()) > 2
        else:
            assert terminal.getvalue() == ""
            assert out.startswith("graded 1 submission(s), reused 0 unchanged, in ")
            assert out.endswith(f" -> {handed_in.resolve() / 'grades.csv'}\n") and out.count("\n") == 1


def test_course_defaults_to_the_current_folder(tmp_path, monkeypatch):
    calls = _fake(monkeypatch, "grade", "grade")
    (tmp_path / "here" / "source").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "here")
    assert configured_root(tmp_path / "here") == ((tmp_path / "here").resolve(), None)
    assert cli.main(["grade"]) == 0
    assert calls == [(tmp_path / "here").resolve()]
    assert cli.main(["grade", "--course", str(tmp_path / "there")]) == 0  # --course wins
    assert calls[-1] == tmp_path / "there"


def test_course_is_the_root_nbgrader_config_names(tmp_path, monkeypatch, own_jupyter_config):
    calls = _fake(monkeypatch, "grade", "grade")
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    _config(own_jupyter_config, str(tmp_path / "elsewhere"))  # ~/.jupyter's, overridden by the folder's own
    _config(tmp_path / "work", "../course")  # relative: from the current folder, as nbgrader takes it
    monkeypatch.chdir(tmp_path / "work")
    assert configured_root(tmp_path / "work") == (course.resolve(), tmp_path / "work" / CONFIG_FILE)
    assert cli.main(["grade"]) == 0 and calls == [course.resolve()]

    monkeypatch.chdir(course)  # no nbgrader_config.py here: ~/.jupyter's names the course
    assert configured_root(course) == ((tmp_path / "elsewhere").resolve(), own_jupyter_config / CONFIG_FILE)


def test_release_takes_a_folder_that_is_not_a_course_yet(tmp_path, monkeypatch):
    calls = _fake(monkeypatch, "release", "release")
    _config(tmp_path, str(tmp_path / "new-course"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["release"]) == 0
    assert calls == [(tmp_path / "new-course").resolve()]


@pytest.mark.parametrize("command", [["grade"], ["collect", "--from", "export.zip"]])
def test_no_course_says_which_folder_was_taken(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert cli.main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"backprop-course {command[0]}: no --course given, so the course is {tmp_path.resolve()} "
                          "(the current folder), but that is not a released course (it has no source/ folder): "
                          "pass --course DIR")

    _config(tmp_path, str(tmp_path / "gone"))
    assert cli.main(command) == 2
    assert (f"the course is {(tmp_path / 'gone').resolve()} (CourseDirectory.root in {tmp_path / CONFIG_FILE})"
            in capsys.readouterr().err)
