"""`backprop-course collect`: an LMS export into nbgrader's layout, safely."""
import zipfile

import pytest

from grader.cli import CommandError, main
from grader.collect import collect, identify


@pytest.mark.parametrize("member, expected", [
    ("jane_doe_123_456_02_regression.ipynb", ("jane_doe_123_456", "02_regression")),
    ("s042/02_regression.ipynb", ("s042", "02_regression")),
    ("s042/regression.ipynb", ("s042", "02_regression")),
    ("lee-06_vectorized (1).ipynb", ("lee", "06_vectorized")),
    ("notes.ipynb", (None, None)),
    ("02_regression.ipynb", (None, "02_regression")),
])
def test_identify(member, expected):
    assert identify(member) == expected


def test_folder_and_zip_exports(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    export = tmp_path / "export"
    export.mkdir()
    (export / "ann_01_derivatives.ipynb").write_bytes(b'{"cells": []}')
    (export / "readme.ipynb").write_bytes(b"{}")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("bob/03_classification.ipynb", b"\xff\xfe not utf-8")
        z.writestr("../../evil_02_regression.ipynb", b"{}")  # a traversal attempt: named, never extracted
    done = collect(course, export) + collect(course, archive)
    assert (course / "submitted/ann/01_derivatives/01_derivatives.ipynb").read_bytes() == b'{"cells": []}'
    assert (course / "submitted/bob/03_classification/03_classification.ipynb").read_bytes() == b"\xff\xfe not utf-8"
    assert (course / "submitted/evil/02_regression/02_regression.ipynb").is_file()
    assert not (tmp_path / "evil_02_regression.ipynb").exists()
    assert [c.source for c in done if c.problem] == ["readme.ipynb"]


def test_a_different_existing_submission_is_kept_unless_forced(tmp_path):
    course, export = tmp_path / "course", tmp_path / "export"
    target = course / "submitted/ann/01_derivatives/01_derivatives.ipynb"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    export.mkdir()
    (export / "ann_01_derivatives.ipynb").write_bytes(b"new")
    assert "exists and differs" in collect(course, export)[0].problem and target.read_bytes() == b"old"
    assert collect(course, export, force=True)[0].problem == "" and target.read_bytes() == b"new"


def test_operator_errors(tmp_path, capsys):
    with pytest.raises(CommandError, match="run `backprop-course release"):
        collect(tmp_path / "nowhere", tmp_path)
    (tmp_path / "course").mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert main(["collect", "--course", str(tmp_path / "course"), "--from", str(tmp_path / "file.txt")]) == 2
    assert "neither a folder nor a zip" in capsys.readouterr().err
