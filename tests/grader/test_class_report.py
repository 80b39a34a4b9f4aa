"""report.html and grades.csv of a real graded class, and the pages' widths in headless Chromium.

The class: 01_derivatives and 04_worked_example, released with nbgrader's generate_assignment
(the package's source notebooks), and seven learners: one right everywhere; one who applies σ
again in dout_dnet, in a long line of code; one who flips a sign and hands nothing in for
01_derivatives; one who changes a locked cell and one who renames the notebook (04_worked_example
only, both); one with a stray folder only; one who is in the gradebook (the instructor's roster) and hands in nothing.
"""
import csv
import html
import os
import re
import shutil
import statistics
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest

from grader import catalogue, course_config, gradebook, samples
from grader.class_report import (DISCRIMINATION_LINE, OTHER_PROBLEMS, PHRASES, PROBLEM_KINDS, corrected_item_total,
                                 item_analysis, problem_kind, render)
from grader.export import export
from grader.grade import grade
from grader.sandbox import Limits
from grader.source_notebook import build

A1, A4 = "01_derivatives", "04_worked_example"
COURSE_ID = "backprop-101"
NAME = "slope_of_the_sigmoid_written_with_its_output_but_applied_once_more"
LONG_LINE = f"    {NAME} = sigmoid(out) * (1 - sigmoid(out)){' + 0.0 * out' * 12}\n"  # wider than any page
TWICE = f"def dout_dnet(out):\n{LONG_LINE}    return {NAME}\n"
FAST = Limits(cpu=20, call_cpu=1.0, cell_cpu=1.0)
WIDTHS = (360, 1280, 1920)
ARTEFACTS = "BACKPROP_TEST_ARTEFACTS"  # a folder for the screenshots; default: one under pytest's basetemp


def _release(root):
    """source/<a>/<a>.ipynb from the package, then nbgrader's generate_assignment: release/ and the gradebook."""
    from nbgrader.apps import NbGraderAPI
    for a in (A1, A4):
        (root / "source" / a).mkdir(parents=True)
        nbformat.write(build(a), root / "source" / a / f"{a}.ipynb")
    (root / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
                                             f"c.CourseDirectory.course_id = {COURSE_ID!r}\n", encoding="utf-8")
    old_path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), old_path])
    try:
        api = NbGraderAPI(config=course_config.load_config(root))
        for a in (A1, A4):
            result = api.generate_assignment(a, force=True, create=True)
            assert result["success"], result.get("log")
    finally:
        os.environ["PATH"] = old_path


def _hand_in(root, student, a, overrides=None, name=None, edit=None):
    student_nb = nbformat.read(root / "release" / a / f"{a}.ipynb", as_version=4)
    source_nb = nbformat.read(root / "source" / a / f"{a}.ipynb", as_version=4)
    nb = samples.submission(student_nb, source_nb, overrides)
    if edit:
        edit(nb)
    folder = root / "submitted" / student / a
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / (name or f"{a}.ipynb"))


def _empty_test_cell(nb):
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_neuron_output").source = "pass"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("class") / "course"
    _release(root)
    for a in (A1, A4):
        _hand_in(root, "perfect", a)
    _hand_in(root, "twice", A1)
    _hand_in(root, "twice", A4, {"dout_dnet": TWICE})
    _hand_in(root, "flip", A4, {"dE_dout": samples.mistakes(A4)["dE_dout"]})  # and no 01_derivatives
    _hand_in(root, "tamper", A4, edit=_empty_test_cell)
    _hand_in(root, "renamed", A4, name="my copy.ipynb")
    (root / "submitted" / "stray" / "99_unknown").mkdir(parents=True)
    with course_config.open_gradebook(root) as gb:
        gb.add_student("roster")  # the instructor's roster: in the gradebook, nothing handed in
    grade(root, jobs=2, quiet=True, limits=FAST)
    return root


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _sections(text):
    """{h2 heading: the HTML up to the next h2} of a page."""
    parts = re.split(r"<h2>(.*?)</h2>", text)
    return {_text(heading): body for heading, body in zip(parts[1::2], parts[2::2])}


def _text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _rows(fragment):
    """The body rows of the tables in an HTML fragment, each a list of its cells' texts."""
    return [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", fragment) if "<td" in row]


def _hrefs(fragment):
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', fragment)]


def _page(student, a):
    return f"diagnosis/{student}/{a}/{a}.html"


def test_grades_csv_lists_missing_learners_as_nbgraders_export_does(course, tmp_path):
    rows = _csv(course / "grades.csv")
    assert list(rows[0]) == ["student_id", "assignment", "score", "max_score", "auto_score", "late_penalty",
                             "timestamp", "status"]
    table = {(r["student_id"], r["assignment"]): r for r in rows}
    missing = {key for key, r in table.items() if r["status"] == "missing"}
    assert missing == {(s, A1) for s in ("flip", "renamed", "roster", "tamper")} | {("roster", A4)}
    assert {r["status"] for key, r in table.items() if key not in missing} == {"graded"}
    assert not any(s == "stray" for s, _ in table)  # not in the gradebook: only a grading problem
    for student, a in missing:
        row = table[student, a]
        assert (row["score"], row["auto_score"], row["late_penalty"], row["timestamp"]) == ("0", "0", "0", "")
        assert row["max_score"] == table["perfect", a]["max_score"]
    assert list(table) == sorted(table)
    exported = {(r["student_id"], r["assignment"]): r for r in _csv(export(course, "csv", tmp_path / "x.csv").path)}
    assert set(exported) == set(table)
    for key, row in table.items():
        assert (float(exported[key]["score"]), float(exported[key]["max_score"])) == \
            (float(row["score"]), float(row["max_score"])), key


def test_only_assignments_the_class_was_set_have_missing_learners(course, tmp_path):
    """release generates every assignment at the start: one nobody handed in is missing for nobody,
    until its due date has passed."""
    root = tmp_path / "course"
    shutil.copytree(course, root)
    with course_config.open_gradebook(root) as gb:
        for name, due in (("later", None), ("past_due", datetime(2020, 1, 6, 17)), ("not_yet", datetime(2999, 1, 1))):
            gb.add_assignment(name, duedate=due)
            gb.add_notebook(name, name)
            gb.add_grade_cell("test_x", name, name, max_score=3, cell_type="code")
    handed_in = {(s.name, a.name) for s in (root / "submitted").iterdir() for a in s.iterdir()}
    missing = gradebook.missing(root, [A1, A4, "later", "past_due", "not_yet"], handed_in)
    assert {m.assignment for m in missing} == {A1, A4, "past_due"}
    assert {m.student for m in missing if m.assignment == "past_due"} == {"flip", "perfect", "renamed", "roster",
                                                                          "tamper", "twice"}
    assert {m.max_score for m in missing if m.assignment == "past_due"} == {3.0}
    out_of = next(float(r["max_score"]) for r in _csv(root / "grades.csv") if r["assignment"] == A4)
    assert gradebook.missing(root, [A4], handed_in) == [gradebook.Missing("roster", A4, out_of)]


def test_report_submissions_table_links_every_graded_submission(course):
    text = (course / "report.html").read_text(encoding="utf-8")
    assert f"<title>Class report: {COURSE_ID}</title>" in text and f"<h1>Class report: {COURSE_ID}</h1>" in text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    exercises = len(catalogue.ASSIGNMENTS[A1]) + len(catalogue.ASSIGNMENTS[A4])
    assert ("6 learners; 7 submissions graded; 5 missing; 2 handed in with a grading problem (graded or not); "
            f"{exercises} exercises.") in _text(text)
    section = _sections(text)["Submissions"]
    rows = {r[0]: r[1:] for r in _rows(section)}
    assert set(rows) == {"flip", "perfect", "renamed", "roster", "tamper", "twice"}
    assert re.search(r"<th>learner</th><th>01_derivatives</th><th>04_worked_example</th><th>total</th>", section)
    grades = {(r["student_id"], r["assignment"]): r for r in _csv(course / "grades.csv")}
    for (student, a), row in grades.items():
        shown = rows[student][(A1, A4).index(a)]
        status = "problem" if (student, a) in {("tamper", A4), ("renamed", A4)} else row["status"]
        assert shown == f"{row['score']} / {row['max_score']} {status}", (student, a, shown)
    out_of = sum(float(grades["roster", a]["max_score"]) for a in (A1, A4))
    assert rows["roster"][2] == f"0 / {out_of:g}" and rows["flip"][0].endswith(" missing")
    graded = {key for key, r in grades.items() if r["status"] == "graded"}
    assert set(_hrefs(section)) == {_page(s, a) for s, a in graded}


def test_every_link_of_the_report_opens_an_existing_page(course):
    hrefs = _hrefs((course / "report.html").read_text(encoding="utf-8"))
    assert len(hrefs) >= 8
    for href in hrefs:
        assert not href.startswith(("/", "file:", "http")), href  # relative: the folder can move
        assert (course / unquote(href)).is_file(), href


def test_report_lists_the_grading_problems_by_kind(course):
    section = _sections((course / "report.html").read_text(encoding="utf-8"))
    problems = _csv(course / "grading_problems.csv")
    assert {p["student_id"] for p in problems} == {"tamper", "renamed", "stray"}
    heading = section[f"Grading problems ({len(problems)})"]
    kinds = {problem_kind(p["problem"]) for p in problems}
    assert kinds == {"Changed locked cells (graded with the original cells)", "Renamed notebooks (graded)",
                     "Unknown folders and stray files (ignored)"}
    for kind in kinds:
        assert f"<h3>{html.escape(kind)} (1)</h3>" in heading
    listed = _rows(heading)
    assert sorted(r[0] for r in listed) == ["renamed", "stray", "tamper"]
    assert ["stray", "99_unknown"] == next(r[:2] for r in listed if r[0] == "stray")  # no page: not graded
    assert any("test_neuron_output" in r[2] for r in listed if r[0] == "tamper")
    assert _page("tamper", A4) in _hrefs(heading) and not any("stray" in h for h in _hrefs(heading))


def test_problem_kinds_of_the_graders_own_texts():
    texts = {
        "tampered: test_mse_loss was changed": PROBLEM_KINDS[0][0],
        "Your notebook was stopped: it used more than 20 s of processor time": "Timeouts",
        "The cell dL_dyhat_solution was left out: it never finished. The rest ...": "Timeouts",
        "The locked cell setup was left out: it ended the notebook's process (exit status 9).":
            "Notebooks that ended their own process",
        "not graded, the sandbox failed (worker died): the next run tries again": PROBLEM_KINDS[3][0],
        "grading failed: RecursionError: maximum recursion depth exceeded": "Grader failures",
        "The locked cell setup raised NameError: name 'np' is not defined.": "Locked cells that raised an exception",
        "graded my copy.ipynb, the only notebook in the folder (expected a.ipynb)": "Renamed notebooks (graded)",
        "stray file submitted/bob/notes.txt ignored": "Unknown folders and stray files (ignored)",
        "submitted/bob is a file, not a student folder": "Unknown folders and stray files (ignored)",
        "timestamp.txt is unreadable (ValueError), so the submission counts as on time":
            "Unreadable submission times (counted as on time)",
        "no notebook 02_regression.ipynb was submitted": "Missing, extra or unreadable notebooks",
        "The submitted notebook a.ipynb is not valid notebook JSON, so nothing in it could be graded":
            "Missing, extra or unreadable notebooks",
        "something new": OTHER_PROBLEMS,
    }
    assert {text: problem_kind(text) for text in texts} == texts


def test_only_exercises_someone_failed_are_ranked(course):
    sections = _sections((course / "report.html").read_text(encoding="utf-8"))
    ranked = _rows(sections["Exercises most often failed"])
    assert [(r[1].split()[0], r[3]) for r in ranked] == [("dE_dout", "20%"), ("dout_dnet", "20%")]  # 1 of 5 each
    # each under its name with its answer: the report is the instructor's
    assert ranked[0][1] == f"dE_dout {catalogue.EXERCISES['dE_dout'].info.final_formula}"
    scores = _csv(course / "exercise_scores.csv")
    scored = {(r["assignment"], r["exercise"]) for r in scores if r["diagnosis"] != "manual"}
    assert f"{len(scored) - 2} other(s) were passed by every submission" in sections["Exercises most often failed"]
    assert "The 2 exercises most often failed" not in sections["Exercises most often failed"]  # a picture, not text
    assert ranked[1][4] == "20% applied σ′ to a = σ(z) instead of z (or a(1 − a) to z)"
    assert "applied σ′ to z instead of a" not in (course / "report.html").read_text(encoding="utf-8")


def test_item_analysis_matches_a_hand_computation(course):
    sections = _sections((course / "report.html").read_text(encoding="utf-8"))
    items = {(r[0], r[1]): r[2:] for r in _rows(sections["Item analysis"])}
    assert html.escape(DISCRIMINATION_LINE) in sections["Item analysis"]
    assert list(dict.fromkeys(a for a, _ in items)) == [A1, A4]  # the course's order, as the table's columns
    # 04_worked_example, five graded submissions: flip lost dE_dout's point, twice dout_dnet's, each 13 of
    # 14 in all. dE_dout: item (flip, perfect, renamed, tamper, twice) = 0 1 1 1 1, rest = 13 13 13 13 12;
    # deviations -.8 .2 .2 .2 .2 and .2 .2 .2 .2 -.8: r = (-.16·2 + .04·3) / √(.8·.8) = -.2 / .8 = -0.25.
    assert items[A4, "dE_dout"] == ["5", "0.80", "-0.25"]
    assert items[A4, "dout_dnet"] == ["5", "0.80", "-0.25"]
    assert items[A4, "neuron_output"] == ["5", "1.00", "— (every submission scored the same on it)"]
    assert items[A1, "chain_rule"] == ["2", "1.00", "— (fewer than 3 submissions)"]
    assert (A4, "document_variant") not in items  # a written answer, for the formgrader
    # and the same from exercise_scores.csv with the standard library's correlation
    scores = [r for r in _csv(course / "exercise_scores.csv") if r["assignment"] == A4 and r["diagnosis"] != "manual"]
    students = sorted({r["student_id"] for r in scores})
    points = {(r["student_id"], r["exercise"]): float(r["score"]) for r in scores}
    item = [points[s, "dE_dout"] for s in students]
    rest = [sum(v for (who, e), v in points.items() if who == s and e != "dE_dout") for s in students]
    assert statistics.correlation(item, rest) == pytest.approx(-0.25)


def test_corrected_item_total_correlation_by_hand():
    # three exercises of one point, four learners: A = 1 1 0 0, B = 1 0 1 0, C = 1 1 1 0
    rows = [{"student_id": s, "assignment": "a", "exercise": e, "score": v, "max_score": 1, "diagnosis": "x"}
            for e, values in (("A", (1, 1, 0, 0)), ("B", (1, 0, 1, 0)), ("C", (1, 1, 1, 0)))
            for s, v in zip("pqrs", values)]
    items = {i.exercise: i for i in item_analysis(rows)}
    # A against B + C = 2 1 2 0: deviations .5 .5 -.5 -.5 and .75 -.25 .75 -1.25; Σxy = .5, Σx² = 1, Σy² = 2.75
    assert items["A"].discrimination == pytest.approx(0.5 / 2.75 ** 0.5)
    assert items["A"].difficulty == 0.5 and items["C"].difficulty == 0.75
    # C against A + B = 2 1 1 0: deviations .25 .25 .25 -.75 and 1 0 0 -1; Σxy = 1, Σx² = .75, Σy² = 2
    assert items["C"].discrimination == pytest.approx(1 / (0.75 * 2) ** 0.5)
    assert corrected_item_total([1, 1, 1], [0, 1, 2]) == (None, "every submission scored the same on it")
    assert corrected_item_total([0, 1, 1], [2, 2, 2]) == (None, "every submission scored the same on the rest of "
                                                                "the assignment")
    assert corrected_item_total([0, 1], [1, 0]) == (None, "fewer than 3 submissions")


def test_each_mistake_links_to_the_learners_who_made_it(course):
    section = _sections((course / "report.html").read_text(encoding="utf-8"))["Who made each mistake"]
    blocks = dict(re.findall(r"<code>(\w+)</code>\): \d+</summary><ul>(.*?)</ul>", section))
    assert set(blocks) == {"activation_derivative_on_preactivation", "sign_flipped"}
    assert _hrefs(blocks["activation_derivative_on_preactivation"]) == [_page("twice", A4)]
    assert _hrefs(blocks["sign_flipped"]) == [_page("flip", A4)]
    assert "applied σ′ to a = σ(z) instead of z" in section


def test_a_class_where_nobody_fails_has_no_ranking_to_fill():
    rows = [{"student_id": s, "assignment": "a", "exercise": e, "score": 1, "max_score": 1, "diagnosis": "ok"}
            for s in "pqr" for e in ("x", "y")]
    text = render(rows)
    assert "Every submission passed every exercise." in text and text.count("<img") == 1  # the distribution only
    assert "<h2>Who made each mistake</h2>" not in text and "<title>Class report</title>" in text


def test_hostile_student_ids_are_escaped_and_their_links_encoded():
    student = '"><script>alert(1)</script>'
    rows = [{"student_id": student, "assignment": "a", "exercise": "x", "score": 0, "max_score": 1,
             "diagnosis": "sign_flipped"}]
    text = render(rows)
    assert "<script>" not in text
    assert 'href="diagnosis/%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E/a/a.html"' in text


def _artefacts(tmp_path_factory):
    folder = Path(os.environ[ARTEFACTS]) if os.environ.get(ARTEFACTS) else tmp_path_factory.getbasetemp() / "artefacts"
    folder = folder / "page-widths"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_pages_fit_every_width_in_chromium(course, tmp_path_factory, capsys):
    from chromium_pages import Chromium
    page = course / _page("twice", A4)
    assert max(PHRASES, key=len) == "activation_derivative_on_preactivation"  # the longest diagnosis code
    assert "activation_derivative_on_preactivation" in page.read_text(encoding="utf-8")
    assert html.escape(LONG_LINE.strip()) in page.read_text(encoding="utf-8")
    folder = _artefacts(tmp_path_factory)
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    measured = []
    try:
        for name, path in (("diagnosis", page), ("report", course / "report.html")):
            for width in WIDTHS:
                layout = browser.layout(path.as_uri(), width)
                shot = folder / f"{name}-{width}.png"
                shot.write_bytes(layout.png)
                measured.append((name, width, layout))
                if name == "diagnosis":  # the long line is wider than its box: it scrolls there, not the page
                    assert browser.evaluate("Math.max(...[...document.querySelectorAll('pre')]"
                                            ".map(p => p.scrollWidth - p.clientWidth))") > 0
    finally:
        browser.close()
    with capsys.disabled():
        print(f"\nscreenshots in {folder}")
        for name, width, layout in measured:
            print(f"  {name} at {width} px: scrollWidth {layout.scroll_width}, clientWidth {layout.client_width}")
    for name, width, layout in measured:
        assert layout.png.startswith(b"\x89PNG") and layout.client_width == width
        assert layout.fits, (name, width, layout.scroll_width, layout.client_width)
