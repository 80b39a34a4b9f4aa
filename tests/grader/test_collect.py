"""`backprop-course collect`: an LMS export into nbgrader's layout, safely.

The attacks on a student's identity (a learner's file named after another student) are described
in tests/adversarial/test_collect_identity.py; this file covers the layouts and the operator's view.
"""
import re
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
    # Canvas as instructors met it: "late" in any case, the learner's name in any case, Canvas's -N
    ("doejane_late_12345_67890_02_regression.ipynb", ("doejane", "02_regression")),
    ("doejane_12345_67890_02_Regression.ipynb", ("doejane", "02_regression")),
    ("doejane_12345_67890_02_regression-2.ipynb", ("doejane", "02_regression")),
    ("doejane_12345_67890_03_Classification.IPYNB", ("doejane", "03_classification")),
    ("núñezjosé_12348_67890_02_regression.ipynb", ("nunezjose", "02_regression")),
    # Moodle, a folder per submission or flat: the full name, not the participant id
    ("Jane Doe_1234_assignsubmission_file_/02_regression.ipynb", ("jane_doe", "02_regression")),
    ("Jane Doe_1234_assignsubmission_file_/sub/Regression.ipynb", ("jane_doe", "02_regression")),
    ("Jane Doe_1234_assignsubmission_file_02_regression.ipynb", ("jane_doe", "02_regression")),
    ("José Núñez_1235_assignsubmission_file_12_34_regression.ipynb", ("jose_nunez", "02_regression")),
    ("Mary-Jane  O'Brien_7_assignsubmission_file_regression.ipynb", ("mary_jane_o_brien", "02_regression")),
    ("Jane Doe_1234_assignsubmission_onlinetext_/onlinetext.html", ("jane_doe", None)),
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


def test_the_courses_own_assignments_are_recognised(tmp_path):
    course = _course(tmp_path)
    for a, notebook in (("hw0", "hw0.ipynb"), ("07_attention", "attention.ipynb"), ("02_regression", "02_regression.ipynb")):
        _folder(course / "source" / a, {notebook: b"{}"})
    export = _folder(tmp_path / "export", {
        "doejane_12345_67890_HW0.ipynb": b"1", "doejane_12345_67891_attention.ipynb": b"2",
        "Jane Doe_1234_assignsubmission_file_/hw0.ipynb": b"3", "ann/07_attention.ipynb": b"4",
        "ann/01_derivatives.ipynb": b"5",  # a package assignment this course does not have
    })
    done = {c.source: c for c in collect(course, export)}
    assert (done["doejane_12345_67890_HW0.ipynb"].assignment, done["doejane_12345_67891_attention.ipynb"].assignment,
            done["Jane Doe_1234_assignsubmission_file_/hw0.ipynb"].assignment,
            done["ann/07_attention.ipynb"].assignment) == ("hw0", "07_attention", "hw0", "07_attention")
    assert done["ann/01_derivatives.ipynb"].problem and done["ann/01_derivatives.ipynb"].assignment is None
    assert (course / "submitted/doejane/07_attention/07_attention.ipynb").read_bytes() == b"2"


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


# --- Canvas and Moodle exports, as instructors reported them (issue 14) -------------------------

def _collected(course):
    """{student: [assignments]} of DIR/submitted."""
    out = {}
    for path in sorted((course / "submitted").glob("*/*/*.ipynb")):
        out.setdefault(path.parts[-3], []).append(path.parts[-2])
    return out


def _identities(course):
    import csv
    with open(course / ".backprop-course/lms_identities.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_canvas_gives_one_id_per_person_whatever_the_assignment_and_lateness(tmp_path):
    # reported: an id per assignment, "late" kept in the id, "..._Regression.ipynb" skipped
    course = _course(tmp_path)
    first = _zip(tmp_path / "a02.zip", {"doejane_12345_67890_02_Regression.ipynb": b"jane 2",
                                        "roejohn_late_12346_67891_regression.ipynb": b"john 2"})
    second = _zip(tmp_path / "a03.zip", {"doejane_LATE_12345_77001_03_classification.ipynb": b"jane 3",
                                         "roejohn_12346_77002_Classification.ipynb": b"john 3"})
    done = collect(course, first) + collect(course, second)
    assert [c.problem for c in done] == ["", "", "", ""]
    assert _collected(course) == {"doejane": ["02_regression", "03_classification"],
                                  "roejohn": ["02_regression", "03_classification"]}
    assert [(c.student, c.late, c.lms) for c in done] == [
        ("doejane", False, "canvas"), ("roejohn", True, "canvas"), ("doejane", True, "canvas"),
        ("roejohn", False, "canvas")]
    assert "late (marked by Canvas): roejohn/02_regression (roejohn_late_12346_67891_regression.ipynb)" in summary(done)


def test_a_canvas_resubmission_supersedes_the_earlier_upload(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "a02.zip", {
        "smithann_12347_67892_02_regression.ipynb": b"first try",
        "smithann_12347_67899_02_regression-1.ipynb": b"second try",
        "smithann_LATE_12347_67950_02_regression-2.ipynb": b"third try, late",
    })
    done = {c.source: c for c in collect(course, archive)}
    assert _submitted(course) == {"smithann/02_regression/02_regression.ipynb": b"third try, late"}
    latest = "smithann_LATE_12347_67950_02_regression-2.ipynb"
    assert not done[latest].problem and done[latest].late
    for older in ("smithann_12347_67892_02_regression.ipynb", "smithann_12347_67899_02_regression-1.ipynb"):
        assert done[older].problem.startswith(f"superseded by {latest}")
    assert f"skipped smithann_12347_67892_02_regression.ipynb: superseded by {latest}" in summary(list(done.values()))


def test_two_different_files_of_one_canvas_user_are_not_resubmissions(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "a02.zip", {"smithann_12347_67892_02_regression.ipynb": b"the work",
                                          "smithann_12347_67899_scratch_regression.ipynb": b"scratch"})
    assert all("2 different notebooks" in c.problem for c in collect(course, archive))
    assert not (course / "submitted").exists()


def test_canvas_namesakes_are_refused_and_a_known_user_keeps_the_id(tmp_path):
    course = _course(tmp_path)
    collect(course, _folder(tmp_path / "a02", {"doejane_12345_1_02_regression.ipynb": b"jane"}))
    # a second Jane Doe (another user id, the same login) joins; the first changes her name
    done = collect(course, _folder(tmp_path / "a03", {"doejane_99999_2_03_classification.ipynb": b"other jane",
                                                      "smithjane_12345_3_03_classification.ipynb": b"jane"}))
    assert "Canvas users 12345, 99999 would all be doejane" in done[0].problem and "--roster" in done[0].problem
    assert not done[1].problem and done[1].student == "doejane"
    assert _collected(course) == {"doejane": ["02_regression", "03_classification"]}
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,lms_id\ns1,12345\ns2,99999\n")
    done = collect(course, tmp_path / "a03", roster=roster)
    assert [(c.student, c.problem) for c in done] == [("s2", ""), ("s1", "")]
    assert done[1].note == "Canvas user 12345 was collected as doejane before; the roster makes it s1"


def test_moodle_folders_and_flat_names_give_one_id_per_person(tmp_path):
    course = _course(tmp_path)
    folders = _zip(tmp_path / "a02.zip", {
        "Jane Doe_1234_assignsubmission_file_/02_regression.ipynb": b"jane 2",
        "José Núñez_1235_assignsubmission_file_/Regression.ipynb": b"jose 2",
        "José Núñez_1235_assignsubmission_onlinetext_/onlinetext.html": b"<p>see the notebook</p>",
    })
    flat = _zip(tmp_path / "a03.zip", {  # other participant ids: Moodle numbers them per assignment
        "Jane Doe_5678_assignsubmission_file_03_classification.ipynb": b"jane 3",
        "José Núñez_5679_assignsubmission_file_classification.ipynb": b"jose 3",
    })
    done = collect(course, folders) + collect(course, flat)
    assert _collected(course) == {"jane_doe": ["02_regression", "03_classification"],
                                  "jose_nunez": ["02_regression", "03_classification"]}
    text = {c.source: c.problem for c in done}["José Núñez_1235_assignsubmission_onlinetext_/onlinetext.html"]
    assert text == "an online text of Moodle, not a notebook: not collected"
    assert {(r["student_id"], r["lms"], r["name"]) for r in _identities(course)} == {
        ("jane_doe", "moodle", "Jane Doe"), ("jose_nunez", "moodle", "José Núñez")}


def test_a_wrapped_moodle_export_is_looked_through(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "a02.zip", {"export/Jane Doe_1_assignsubmission_file_/02_regression.ipynb": b"j",
                                          "export/Ann Lee_2_assignsubmission_file_/02_regression.ipynb": b"a"})
    collect(course, archive)
    assert _collected(course) == {"ann_lee": ["02_regression"], "jane_doe": ["02_regression"]}


def test_moodle_namesakes_are_refused(tmp_path):
    course = _course(tmp_path)
    archive = _zip(tmp_path / "a02.zip", {"Jane Doe_1234_assignsubmission_file_/02_regression.ipynb": b"one",
                                          "Jane Doe_1240_assignsubmission_file_/02_regression.ipynb": b"two"})
    done = collect(course, archive)
    assert all("2 Moodle participants (1234, 1240) would all be jane_doe" in c.problem for c in done)
    assert not (course / "submitted").exists()


ROSTER = ("student_id,lms_id,name,email,login\n"
          "s001,12345,\"Doe, Jane\",jane@example.org,\n"
          "s002,,José Núñez,jose@example.org,\n"
          "s003,,,,ann\n")


def test_a_roster_names_everyone_and_nobody_else(tmp_path):
    course = _course(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    export = _folder(tmp_path / "export", {
        "doejane_LATE_12345_1_02_regression.ipynb": b"jane",
        "JOSE NUNEZ_77_assignsubmission_file_02_regression.ipynb": b"jose",  # case and accents aside
        "ann/02_regression.ipynb": b"ann",
        "roejohn_12346_2_02_regression.ipynb": b"john",
    })
    done = {c.source: c for c in collect(course, export, roster=roster)}
    assert _collected(course) == {"s001": ["02_regression"], "s002": ["02_regression"], "s003": ["02_regression"]}
    john = done["roejohn_12346_2_02_regression.ipynb"]
    assert john.student is None and john.problem.startswith(
        "not in the roster roster.csv (Canvas user 12346, login roejohn): add a row with lms_id 12346")
    rows = _identities(course)
    assert {"student_id": "s002", "lms": "roster", "lms_id": "", "name": "José Núñez", "login": "",
            "email": "jose@example.org"} in rows
    assert [(r["student_id"], r["lms_id"]) for r in rows if r["lms"] == "canvas"] == [("s001", "12345")]


@pytest.mark.parametrize("text, message", [
    ("id,name\ns1,Jane\n", "has no student_id column"),
    ("student_id,name\ns1,Jane\nS1,John\n", "s1 and S1 have the student id 'S1'"),
    ("student_id,lms_id\ns1,12345\ns2,12345\n", "s1 and s2 have the Canvas user id (lms_id) '12345'"),
    ("student_id,email\ns1,a@x.org\ns2,A@x.org\n", "s1 and s2 have the email"),
    ("student_id,lms_id\ns1,doejane\n", "line 2: lms_id 'doejane' is not a Canvas user id"),
    ("student_id,name\n,Jane\n", "line 2: student_id '' is empty"),
    ("student_id,name\n../x,Jane\n", "line 2: student_id '../x' is not usable as a folder name"),
    ("", "has no student_id column"),
])
def test_a_roster_that_cannot_be_trusted_is_refused(tmp_path, text, message):
    course = _course(tmp_path)
    (tmp_path / "roster.csv").write_text(text, encoding="utf-8")
    export = _folder(tmp_path / "export", {"ann/02_regression.ipynb": b"ann"})
    with pytest.raises(CommandError, match=re.escape(message)):
        collect(course, export, roster=tmp_path / "roster.csv")
    assert not (course / "submitted").exists()


def test_identities_are_kept_across_collects_and_never_lost(tmp_path):
    course = _course(tmp_path)
    collect(course, _folder(tmp_path / "a", {"doejane_12345_1_02_regression.ipynb": b"jane"}))
    collect(course, _folder(tmp_path / "b", {"roejohn_12346_2_02_regression.ipynb": b"john",
                                             "doejane_12345_3_03_classification.ipynb": b"jane"}))
    assert [(r["student_id"], r["lms_id"], r["login"]) for r in _identities(course)] == [
        ("doejane", "12345", "doejane"), ("roejohn", "12346", "roejohn")]
    path = course / ".backprop-course/lms_identities.csv"
    path.write_text("who,what\nx,y\n")
    with pytest.raises(CommandError, match="is not the file collect writes"):
        collect(course, tmp_path / "b")
    assert path.read_text() == "who,what\nx,y\n"


def test_a_pattern_names_the_parts_with_nbgraders_collector(tmp_path):
    course = _course(tmp_path)
    export = _zip(tmp_path / "export.zip", {
        "hw/s042--attempt2_02_regression.ipynb": b"s042",
        "hw/s043--Jane Doe--jane@example.org--02_regression.ipynb": b"s043",
        "hw/s044--notes.ipynb": b"s044",
        "hw/readme.ipynb": b"",
    })
    pattern = r"hw/(?P<student_id>s\d+)--(?:(?P<first_name>\w+) (?P<last_name>\w+)--(?P<email>[^-]+)--)?(?P<file_id>.*)"
    done = {c.source: c for c in collect(course, export, pattern=pattern)}
    assert _submitted(course) == {"s042/02_regression/02_regression.ipynb": b"s042",
                                  "s043/02_regression/02_regression.ipynb": b"s043"}
    assert done["hw/readme.ipynb"].problem == "does not match --pattern (or its student_id group is empty)"
    assert done["hw/s044--notes.ipynb"].problem.startswith("no assignment id")
    assert [(r["student_id"], r["lms"], r["name"], r["email"]) for r in _identities(course)] == [
        ("s043", "pattern", "Jane Doe", "jane@example.org")]
    by_assignment = _zip(tmp_path / "by_assignment.zip", {"03_classification/s045.ipynb": b"s045"})
    done = collect(course, by_assignment, pattern=r"(?P<assignment>[^/]+)/(?P<student_id>[^/.]+)\.ipynb")
    assert not done[0].problem and _collected(course)["s045"] == ["03_classification"]


@pytest.mark.parametrize("pattern, message", [
    ("(?P<student_id>[^/]+", "is not a regular expression"),
    ("(?P<who>[^/]+)/.*", "has no group (?P<student_id>...)"),
])
def test_a_pattern_that_cannot_work_is_refused(tmp_path, pattern, message):
    course = _course(tmp_path)
    with pytest.raises(CommandError, match=re.escape(message)):
        collect(course, _folder(tmp_path / "export", {"ann/02_regression.ipynb": b"a"}), pattern=pattern)


def test_collect_from_the_command_line_with_roster_and_pattern(tmp_path, capsys):
    course = _course(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,login\ns1,ann\n")
    export = _folder(tmp_path / "export", {"ann/02_regression.ipynb": b"a", "bob/02_regression.ipynb": b"b"})
    assert main(["collect", "--course", str(course), "--from", str(export), "--roster", str(roster),
                 "--pattern", r"(?P<student_id>[^/]+)/(?P<file_id>.*)"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("collected 1 notebook(s) from 1 student(s)")
    assert "skipped bob/02_regression.ipynb: not in the roster roster.csv (no student_id or login bob)" in out
    assert main(["collect", "--course", str(course), "--from", str(export), "--roster", str(tmp_path / "no.csv")]) == 2
    assert "no roster file" in capsys.readouterr().err
