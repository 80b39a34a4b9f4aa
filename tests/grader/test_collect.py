"""`backprop-course collect`: an LMS export into nbgrader's layout, safely.

The attacks on a student's identity (a learner's file named after another student) are described
in tests/adversarial/test_collect_identity.py; this file covers the layouts and the operator's view.
"""
import zipfile

import pytest

from grader.cli import CommandError, main
from grader.collect import collect, identify, summary


@pytest.mark.parametrize("member, expected", [
    # flat, named by Canvas: <login>_<userid>_<attachmentid>_<original name>, LATE_ before the user id
    ("jane_doe_123_456_02_regression.ipynb", ("jane_doe", "02_regression")),
    ("doejane_12345_67890_02_regression.ipynb", ("doejane", "02_regression")),
    ("doejane_LATE_12345_67890_regression-1.ipynb", ("doejane", "02_regression")),
    ("doejane_12345_67890_Regression.ipynb", ("doejane", "02_regression")),
    ("doejane_12345_67890_notes.ipynb", ("doejane", None)),
    # flat, named by hand: the student is what comes before the assignment id
    ("jane_doe_02_regression.ipynb", ("jane_doe", "02_regression")),
    ("lee-06_vectorized (1).ipynb", ("lee", "06_vectorized")),
    ("notes.ipynb", (None, None)),
    ("02_regression.ipynb", (None, "02_regression")),
    # folder per student: the folder, whatever the file is called
    ("s042/02_regression.ipynb", ("s042", "02_regression")),
    ("s042/regression.ipynb", ("s042", "02_regression")),
    ("s042/jane_02_REGRESSION.ipynb", ("s042", "02_regression")),
    ("s042/doejane_1_2_02_regression.ipynb", ("s042", "02_regression")),
    ("s042/sub/folder/02_regression.ipynb", ("s042", "02_regression")),
    ("../../s042/02_regression.ipynb", ("s042", "02_regression")),
])
def test_identify(member, expected):
    assert identify(member) == expected


def _course(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    return course


def _folder(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def _submitted(course):
    return {str(p.relative_to(course / "submitted")): p.read_bytes()
            for p in sorted((course / "submitted").rglob("*.ipynb"))}


def test_folder_and_zip_exports(tmp_path):
    course = _course(tmp_path)
    export = _folder(tmp_path / "export", {"ann_01_derivatives.ipynb": b'{"cells": []}', "readme.ipynb": b"{}"})
    archive = _zip(tmp_path / "export.zip", {
        "bob/03_classification.ipynb": b"\xff\xfe not utf-8",
        "../../evil_02_regression.ipynb": b"{}",  # a traversal attempt: named, never extracted
    })
    done = collect(course, export) + collect(course, archive)
    assert (course / "submitted/ann/01_derivatives/01_derivatives.ipynb").read_bytes() == b'{"cells": []}'
    assert (course / "submitted/bob/03_classification/03_classification.ipynb").read_bytes() == b"\xff\xfe not utf-8"
    assert (course / "submitted/evil/02_regression/02_regression.ipynb").is_file()
    assert not (tmp_path / "evil_02_regression.ipynb").exists()
    assert [c.source for c in done if c.problem] == ["readme.ipynb"]


def test_a_wrapping_folder_is_looked_through(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "export.zip", {
        "course-export/ann/02_regression.ipynb": b"ann",
        "course-export/bob/my work/Regression.ipynb": b"bob",
    })
    assert all(not c.problem for c in collect(course, archive))
    assert _submitted(course) == {"ann/02_regression/02_regression.ipynb": b"ann",
                                  "bob/02_regression/02_regression.ipynb": b"bob"}


def test_a_wrapped_canvas_export_is_looked_through(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "submissions.zip", {
        "submissions/doejane_12345_67890_02_regression.ipynb": b"jane",
        "submissions/roejohn_12346_67891_regression.ipynb": b"john",
    })
    assert all(not c.problem for c in collect(course, archive))
    assert _submitted(course) == {"doejane/02_regression/02_regression.ipynb": b"jane",
                                  "roejohn/02_regression/02_regression.ipynb": b"john"}


def test_a_single_student_folder_is_that_student(tmp_path):
    course = _course(tmp_path)
    export = _folder(tmp_path / "export", {"s042/02_regression.ipynb": b"a", "s042/03_classification.ipynb": b"b",
                                           "s042/drafts/notes.ipynb": b"c"})
    collect(course, export)
    assert set(_submitted(course)) == {"s042/02_regression/02_regression.ipynb",
                                       "s042/03_classification/03_classification.ipynb"}


def test_checkpoints_and_macos_metadata_are_not_submissions(tmp_path):
    course = _course(tmp_path)
    export = _folder(tmp_path / "export", {
        "ann/02_regression.ipynb": b"ann",
        "ann/.ipynb_checkpoints/02_regression-checkpoint.ipynb": b"older",
        "__MACOSX/ann/._02_regression.ipynb": b"\x00\x05\x16\x07",
    })
    done = collect(course, export)
    assert _submitted(course) == {"ann/02_regression/02_regression.ipynb": b"ann"}
    assert sorted(c.source for c in done if "hidden" in c.problem) == [
        "__MACOSX/ann/._02_regression.ipynb", "ann/.ipynb_checkpoints/02_regression-checkpoint.ipynb"]


def test_two_different_notebooks_for_one_place_are_both_refused(tmp_path):
    course = _course(tmp_path)
    export = _folder(tmp_path / "export", {
        "ann/02_regression.ipynb": b"first",
        "ann/regression (1).ipynb": b"second",
        "bob/02_regression.ipynb": b"same",
        "bob/02_regression copy.ipynb": b"same",  # byte-identical: copied once
    })
    done = {c.source: c for c in collect(course, export, force=True)}
    assert _submitted(course) == {"bob/02_regression/02_regression.ipynb": b"same"}
    for source in ("ann/02_regression.ipynb", "ann/regression (1).ipynb"):
        assert "2 different notebooks" in done[source].problem and "none was copied" in done[source].problem
    assert not done["bob/02_regression.ipynb"].problem and not done["bob/02_regression copy.ipynb"].problem


def test_a_different_existing_submission_is_kept_unless_forced(tmp_path):
    course = _course(tmp_path)
    target = course / "submitted/ann/01_derivatives/01_derivatives.ipynb"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    export = _folder(tmp_path / "export", {"ann/01_derivatives.ipynb": b"new"})
    assert "exists and differs" in collect(course, export)[0].problem and target.read_bytes() == b"old"
    assert collect(course, export, force=True)[0].problem == "" and target.read_bytes() == b"new"
    assert collect(course, export)[0].problem == ""  # the same bytes again: nothing to say


def test_force_never_replaces_from_a_name_typed_by_hand(tmp_path):
    course = _course(tmp_path)
    target = course / "submitted/ann/01_derivatives/01_derivatives.ipynb"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old")
    export = _folder(tmp_path / "export", {"ann_01_derivatives.ipynb": b"new"})
    problem = collect(course, export, force=True)[0].problem
    assert "--force replaces a submission only" in problem and target.read_bytes() == b"old"
    canvas = _folder(tmp_path / "canvas", {"ann_123_456_01_derivatives.ipynb": b"from canvas"})
    assert collect(course, canvas, force=True)[0].problem == "" and target.read_bytes() == b"from canvas"


def test_summary_lists_what_was_not_copied(tmp_path):
    course = _course(tmp_path)
    export = _folder(tmp_path / "export", {"ann/02_regression.ipynb": b"a", "bob/02_regression.ipynb": b"b",
                                           "bob/notes.ipynb": b"c"})
    text = summary(collect(course, export))
    assert text.splitlines()[0] == "collected 2 notebook(s) from 2 student(s)"
    assert "skipped bob/notes.ipynb: no assignment id" in text


def test_operator_errors(tmp_path, capsys):
    with pytest.raises(CommandError, match="run `backprop-course release"):
        collect(tmp_path / "nowhere", tmp_path)
    (tmp_path / "course").mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert main(["collect", "--course", str(tmp_path / "course"), "--from", str(tmp_path / "file.txt")]) == 2
    assert "neither a folder nor a zip" in capsys.readouterr().err
