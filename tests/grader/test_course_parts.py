"""The parts behind the instructor's own course, without kernels: the merged nbgrader_config.py,
what release remembers of what it wrote, the course's own checks, graded cells run in the sandbox
and scored by nbgrader's rule, and assignments of the instructor's own found in source/."""
import pytest

from grader import catalogue, course_config, course_state, discover, sandbox
from grader.cell_grades import GradedCell, judge_cell
from grader.errors import CommandError, CourseChecksError
from grader.sandbox.protocol import CellReport

THEIRS = """\
c = get_config()
c.CourseDirectory.course_id = "ml101"
c.CourseDirectory.db_url = "postgresql://grader@db.example.org/ml101"
c.Exchange.root = "/srv/nbgrader/exchange"
c.ExecutePreprocessor.interrupt_on_timeout = True
"""


def test_a_new_course_gets_the_whole_file(tmp_path):
    text, added, warnings = course_config.merged(tmp_path)
    assert (added, warnings) == ([], [])
    (tmp_path / course_config.CONFIG_FILE).write_text(text)
    config = course_config.load_config(tmp_path)
    assert config.CourseDirectory.course_id == course_config.COURSE_ID
    assert list(config.Autograde.autograde_preprocessors) == list(course_config.AUTOGRADE_PREPROCESSORS)
    assert course_config.merged(tmp_path)[1:] == ([], [])  # nothing missing: left as it is
    assert course_config.db_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/gradebook.db"


def test_an_instructors_file_keeps_everything_and_gets_only_what_it_lacks(tmp_path):
    (tmp_path / course_config.CONFIG_FILE).write_text(THEIRS)
    text, added, warnings = course_config.merged(tmp_path)
    assert text.startswith(THEIRS) and warnings == []
    assert added == ["Execute.timeout", "Autograde.autograde_preprocessors"]
    (tmp_path / course_config.CONFIG_FILE).write_text(text)
    config = course_config.load_config(tmp_path)
    assert config.CourseDirectory.course_id == "ml101"
    assert config.Exchange.root == "/srv/nbgrader/exchange"
    assert config.ExecutePreprocessor.interrupt_on_timeout is True
    assert config.Execute.timeout == course_config.EXECUTE_TIMEOUT
    assert course_config.db_url(tmp_path) == "postgresql://grader@db.example.org/ml101"
    assert course_config.merged(tmp_path) == (text, [], [])  # merged once, then stable


def test_an_instructors_own_setting_is_kept_with_a_warning(tmp_path):
    own = THEIRS + "c.Execute.timeout = 30\nc.Autograde.autograde_preprocessors = ['nbgrader.preprocessors.Execute']\n"
    (tmp_path / course_config.CONFIG_FILE).write_text(own)
    text, added, warnings = course_config.merged(tmp_path)
    assert (text, added) == (own, [])
    assert len(warnings) == 1 and "GradeInSandbox" in warnings[0] and "kernel" in warnings[0]


def test_a_config_that_does_not_run_is_a_clear_error(tmp_path):
    (tmp_path / course_config.CONFIG_FILE).write_text("c = get_config()\nc.CourseDirectory.root = undefined_name\n")
    with pytest.raises(CommandError, match="cannot read .*nbgrader_config.py: NameError"):
        course_config.merged(tmp_path)


def test_release_remembers_what_it_wrote(tmp_path):
    relative = "source/a/a.ipynb"
    (tmp_path / "source" / "a").mkdir(parents=True)
    (tmp_path / relative).write_bytes(b"mine")
    assert course_state.edited(tmp_path, relative)  # no record: it cannot tell, so it keeps the file
    course_state.record(tmp_path, {relative: b"mine"})
    assert not course_state.edited(tmp_path, relative)
    (tmp_path / relative).write_bytes(b"theirs")
    assert course_state.edited(tmp_path, relative)
    backup = course_state.back_up(tmp_path, relative)
    assert backup.read_bytes() == b"theirs" and "source" not in backup.relative_to(tmp_path).parts[:1]
    assert not course_state.edited(tmp_path, "source/b/b.ipynb")  # absent: nothing to keep


CHECKS = """\
from grader.exercise import Exercise
from grader.judge.diagnose import ExerciseInfo

def double(x):
    return 2 * x

EXERCISES = [Exercise(ExerciseInfo("double", "{a}", 1, "2x", "ours"), double, lambda rng: [float(rng.normal())])]
"""


def test_a_course_adds_checks_of_its_own(tmp_path):
    assert catalogue.for_course(tmp_path) is catalogue.PACKAGE
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "02_regression.py").write_text(CHECKS.format(a="02_regression"))
    cat = catalogue.for_course(tmp_path)
    assert cat.names("02_regression")[-1] == "double" and "double" not in catalogue.EXERCISES
    assert cat.names("01_derivatives") == catalogue.ASSIGNMENTS["01_derivatives"]
    from grader.check import check
    assert check("double", lambda x: 2 * x, cat=cat).diagnosis == "ok"
    assert check("double", lambda x: -2 * x, cat=cat).diagnosis == "sign_flipped"


@pytest.mark.parametrize("text, match", [
    (CHECKS.format(a="01_derivatives"), "another assignment"),
    (CHECKS.format(a="02_regression").replace('"double"', '"mse_loss"'), "'mse_loss' is taken"),
    ("import nonexistent_module\n", "ModuleNotFoundError"),
    ("X = 1\n", "must define EXERCISES"),
])
def test_a_broken_checks_file_is_named(tmp_path, text, match):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "02_regression.py").write_text(text)
    with pytest.raises(CourseChecksError, match=match) as caught:
        catalogue.for_course(tmp_path)
    assert "checks/02_regression.py" in str(caught.value)


def _report(**kw):
    return CellReport(**kw)


@pytest.mark.parametrize("report, score, diagnosis", [
    (_report(), 2.0, "ok"),
    (_report(error="AssertionError", message="wrong"), 0.0, "failed"),
    (_report(stderr=True), 0.0, "failed"),
    (_report(shown="0.5"), 0.5, "partial"),
    (_report(shown="2"), 2.0, "ok"),
    (_report(shown="'a string'"), 2.0, "ok"),  # not a number: nbgrader gives every point
    (_report(shown="-1"), 2.0, "ok"),  # below zero: nbgrader gives every point too
    (_report(shown="3"), 0.0, "failed"),  # above the points: nbgrader fails the notebook
    (None, 0.0, "error"),
])
def test_a_test_cell_is_scored_by_nbgraders_rule(report, score, diagnosis):
    result = judge_cell(GradedCell("test_x", "test", 2.0), report)
    assert (result.score, result.max_score, result.diagnosis) == (score, 2.0, diagnosis)


def test_a_manual_cell_waits_for_a_grader():
    assert judge_cell(GradedCell("essay", "manual", 3.0), None).diagnosis == "manual"
    assert judge_cell(GradedCell("essay", "manual", 3.0), None, unanswered=True).diagnosis == "unanswered"


def test_graded_cells_report_what_jupyter_would_show():
    cells = [{"id": "setup", "code": "import warnings\nx = 3"},
             {"id": "t1", "code": "assert x == 3", "graded": True},
             {"id": "t2", "code": "assert x == 4, 'x is not 4'", "graded": True},
             {"id": "t3", "code": "y = x / 2\ny", "graded": True},
             {"id": "t4", "code": "x / 2;", "graded": True},
             {"id": "t5", "code": "warnings.warn('hm')", "graded": True},
             {"id": "t6", "code": "warnings.warn('hm')", "graded": True},  # shown again in a new cell
             {"id": "t7", "code": "None", "graded": True},
             {"id": "t8", "code": "def f(:", "graded": True}]
    run = sandbox.run(cells, [], sandbox.Limits(cpu=20))
    got = {cells[i]["id"]: r for i, r in run.graded.items()}
    assert got["t1"] == CellReport()
    assert (got["t2"].error, got["t2"].message) == ("AssertionError", "x is not 4")
    assert got["t3"].shown == "1.5" and got["t4"].shown is None and got["t7"].shown is None
    assert got["t5"].stderr and got["t6"].stderr and not got["t1"].stderr
    assert got["t8"].error == "SyntaxError"
    assert run.cell_errors == {}


def test_an_instructors_assignment_is_found_whatever_its_notebooks_name(tmp_path):
    for folder, notebooks in {"02_regression": ["02_regression.ipynb"], "hw0": ["problems.ipynb"],
                              "hw1": ["a.ipynb", "b.ipynb"], "empty": []}.items():
        (tmp_path / "source" / folder).mkdir(parents=True)
        for name in notebooks:
            (tmp_path / "source" / folder / name).write_text("{}")
    assert discover.assignments(tmp_path) == {"02_regression": "02_regression.ipynb", "hw0": "problems.ipynb"}
    (tmp_path / "submitted" / "ann" / "hw0").mkdir(parents=True)
    (tmp_path / "submitted" / "ann" / "hw0" / "problems.ipynb").write_text("{}")
    (tmp_path / "submitted" / "ann" / "hw1").mkdir(parents=True)
    subs, problems = discover.find(tmp_path, discover.assignments(tmp_path), ["hw0"])
    assert [(s.student, s.assignment, s.path.name, s.problem) for s in subs] == [("ann", "hw0", "problems.ipynb", "")]
    assert [(p.assignment, "exactly one notebook" in p.problem) for p in problems] == [("hw1", True)]


def test_the_grading_policy_comes_from_nbgrader_config(tmp_path):
    assert course_config.policy(tmp_path) == course_config.CARRY_FORWARD  # no file: the default
    (tmp_path / course_config.CONFIG_FILE).write_text(course_config.NEW_COURSE, encoding="utf-8")
    assert course_config.policy(tmp_path) == course_config.CARRY_FORWARD  # the new course's file leaves it so
    (tmp_path / course_config.CONFIG_FILE).write_text(
        course_config.NEW_COURSE + 'c.BackpropCourse.policy = "strict"\n', encoding="utf-8")
    assert course_config.policy(tmp_path) == course_config.STRICT
    (tmp_path / course_config.CONFIG_FILE).write_text('c = get_config()\nc.BackpropCourse.policy = "lenient"\n',
                                                      encoding="utf-8")
    with pytest.raises(CommandError, match="'lenient'.*'carry_forward', 'strict'"):
        course_config.policy(tmp_path)


def test_an_unchanged_demonstration_cell_keeps_only_its_definitions():
    from grader.restore import definitions_only
    cell = ("import numpy as np\nlosses = train(X, Y, 30)\ndef one_step(x):\n    return x - 0.1\n"
            "for lr in (0.1, 1.0):\n    print(lr)\nclass Net:\n    size = 2\n")
    assert definitions_only(cell) == "import numpy as np\ndef one_step(x):\n    return x - 0.1\nclass Net:\n    size = 2"
    assert definitions_only("while True:\n    pass") == ""
