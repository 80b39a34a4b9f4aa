"""`collect` takes a student's identity only from where the LMS puts it.

The attack: a learner hands in a notebook whose file name is another student's ("victim"),
hoping `collect` files it as the victim's submission, replacing theirs (with --force) or getting
there first (without). In an export with a folder per student, the student is the folder; in a
flat LMS export, the prefix the LMS wrote. A name the learner chose never decides whose it is, and
a name that claims another student of the export is refused. Every export is built here.
"""
import zipfile

import pytest

from grader.collect import collect

A = "02_regression"
VICTIM = b'{"victim": "the real submission"}'
FORGED = b'{"mallory": "a forgery"}'
MINE = b'{"mallory": "her own work"}'


def _course(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    return course


def _export(tmp_path, files, kind):
    """The export as a folder, a zip, or a zip whose single top folder holds the student folders."""
    if kind == "folder":
        root = tmp_path / "export"
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        return root
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(f"export/{name}" if kind == "wrapped zip" else name, data)
    return path


def _target(course, student, a=A):
    return course / "submitted" / student / a / f"{a}.ipynb"


def _by_source(collected):
    return {c.source.split("/", 1)[1] if c.source.startswith("export/") else c.source: c for c in collected}


KINDS = ["folder", "zip", "wrapped zip"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("force", [False, True])
def test_a_file_named_after_another_student_is_refused(tmp_path, kind, force):
    course = _course(tmp_path)
    _target(course, "victim").parent.mkdir(parents=True)
    _target(course, "victim").write_bytes(b"collected last week")  # so --force would replace it
    export = _export(tmp_path, {
        f"victim/{A}.ipynb": VICTIM,
        f"mallory/victim_{A}.ipynb": FORGED,
        f"mallory/{A}.ipynb": MINE,
    }, kind)
    done = _by_source(collect(course, export, force=force))
    forged = done[f"mallory/victim_{A}.ipynb"]
    assert "names another student (victim)" in forged.problem and forged.student == "mallory"
    assert _target(course, "mallory").read_bytes() == MINE
    if force:
        assert _target(course, "victim").read_bytes() == VICTIM
    else:
        assert _target(course, "victim").read_bytes() == b"collected last week"
        assert "exists and differs" in done[f"victim/{A}.ipynb"].problem
    assert FORGED not in [p.read_bytes() for p in (course / "submitted").rglob("*.ipynb")]


@pytest.mark.parametrize("kind", KINDS)
def test_a_forgery_cannot_win_the_race_to_an_empty_folder(tmp_path, kind):
    # "aaa" sorts before "victim": the forgery is met first, and there is nothing on disk yet
    course = _course(tmp_path)
    export = _export(tmp_path, {f"victim/{A}.ipynb": VICTIM, f"aaa/victim_{A}.ipynb": FORGED}, kind)
    done = _by_source(collect(course, export))
    assert _target(course, "victim").read_bytes() == VICTIM and not done[f"victim/{A}.ipynb"].problem
    assert "names another student" in done[f"aaa/victim_{A}.ipynb"].problem
    assert not _target(course, "aaa").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_forgery_for_a_student_absent_from_the_export_stays_the_forgers(tmp_path, kind):
    course = _course(tmp_path)
    _target(course, "victim").parent.mkdir(parents=True)
    _target(course, "victim").write_bytes(VICTIM)
    export = _export(tmp_path, {f"mallory/victim_{A}.ipynb": FORGED, f"bob/{A}.ipynb": b"bob"}, kind)
    collect(course, export, force=True)
    assert _target(course, "victim").read_bytes() == VICTIM
    assert _target(course, "mallory").read_bytes() == FORGED


@pytest.mark.parametrize("force", [False, True])
def test_a_flat_file_cannot_claim_a_folder_that_a_student_folder_fills(tmp_path, force):
    course = _course(tmp_path)
    export = _export(tmp_path, {f"victim/{A}.ipynb": VICTIM, f"victim_{A}.ipynb": FORGED}, "zip")
    done = collect(course, export, force=force)
    assert all("2 different notebooks" in c.problem for c in done)
    assert not _target(course, "victim").exists()


def test_canvas_gives_one_id_per_person_and_ignores_late(tmp_path):
    course = _course(tmp_path)
    export = _export(tmp_path, {
        "doejane_12345_67890_01_derivatives.ipynb": b"jane 1",
        "doejane_LATE_12345_67891_regression-1.ipynb": b"jane 2",
        "roejohn_12346_67892_Derivatives.ipynb": b"john 1",
        "roejohn_12346_67893_02_Regression.ipynb": b"john 2",
    }, "folder")
    done = collect(course, export)
    assert not [c.problem for c in done if c.problem]
    assert {c.student for c in done} == {"doejane", "roejohn"}
    assert _target(course, "doejane", "01_derivatives").read_bytes() == b"jane 1"
    assert _target(course, "doejane").read_bytes() == b"jane 2"
    assert _target(course, "roejohn", "01_derivatives").read_bytes() == b"john 1"
    assert _target(course, "roejohn").read_bytes() == b"john 2"


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_a_canvas_original_name_that_looks_like_another_students_prefix(tmp_path, kind):
    course = _course(tmp_path)
    export = _export(tmp_path, {
        f"victim_333_555_{A}.ipynb": VICTIM,
        f"mallory_111_222_victim_333_444_{A}.ipynb": FORGED,
    }, kind)
    done = _by_source(collect(course, export, force=True))
    forged = done[f"mallory_111_222_victim_333_444_{A}.ipynb"]
    assert forged.student == "mallory" and "names another student (victim)" in forged.problem
    assert _target(course, "victim").read_bytes() == VICTIM
    assert not _target(course, "mallory").exists()


def test_a_canvas_lookalike_name_never_reaches_an_absent_victim(tmp_path):
    course = _course(tmp_path)
    _target(course, "victim").parent.mkdir(parents=True)
    _target(course, "victim").write_bytes(VICTIM)
    export = _export(tmp_path, {f"mallory_111_222_victim_333_444_{A}.ipynb": FORGED}, "folder")
    assert collect(course, export, force=True)[0].student == "mallory"
    assert _target(course, "victim").read_bytes() == VICTIM
    assert _target(course, "mallory").read_bytes() == FORGED


def test_two_notebooks_of_one_learner_do_not_let_one_silently_win(tmp_path):
    course = _course(tmp_path)
    export = _export(tmp_path, {f"ann/{A}.ipynb": b"draft", f"ann/final_{A}.ipynb": b"final"}, "zip")
    done = collect(course, export, force=True)
    assert all("2 different notebooks" in c.problem for c in done)
    assert not _target(course, "ann").exists()
