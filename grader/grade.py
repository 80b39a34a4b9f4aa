"""`backprop-course grade`: grade DIR/submitted/<student>/<a>/*.ipynb and write the reports.

Stages, one module each: discover (find the notebooks), restore (locked cells from the source,
tampering), sandbox (run the learner's cells and calls in an isolated worker), judge (score and
diagnosis on the trusted side), results (each result stored the moment it is known), autograded
(the notebook nbgrader's formgrader and feedback read, written with it), gradebook (nbgrader's
database: scores, submission times, late penalties; the totals every report shows), report_files
(CSV files, diagnosis pages, class report).

The cases of each exercise are computed once, on the trusted side, from the course's secret
(grader.seeds: a different set of hidden cases for every course); a submission costs one worker
round trip. Only the documents' worked cases are public: learner text from the hidden ones never
reaches a report (the sandbox and the judge see to it).

Each mistake costs once (the course's policy, carry_forward unless it says strict): an exercise
that fails and calls another that fails — named in its ExerciseInfo.uses, seen calling it in the
worker, or called by its reference — is called again, in a second sandbox run, with right values in
place of those callees (judge.given: recorded calls of the reference, plain data); right so, it
keeps its points ("carried_forward"), else its own mistake is named. Under strict, or when that
run cannot tell, the message says "it calls `X`, which is wrong: fix that first".

A run killed midway loses nothing, and the next run grades only what is new or changed
(force=True grades everything again); the reports always cover every submission present that has
been graded. A submission on which the sandbox itself failed, on a fresh slot too, gets no result
(a grading problem; the next run retries it); a result that cannot be written to the course stops
the run with a one-line reason, keeping every result already written.
Submissions run in parallel: jobs threads, each driving one warm sandbox (sandbox.Zygote, started
while this process imports nbformat and nbgrader), or the tasks of a Dask cluster (dask=ADDRESS,
grade_remote); the outputs are sorted, so they depend on neither. The reports are written from the
result files, and the gradebook in transactions of GRADEBOOK_BATCH submissions, so memory does not
grow with the class.
"""
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import catalogue, course_config, discover, gradebook, report_files, results, sandbox, seeds
from .cell_grades import graded_cells, judge_cell
from .course_config import CARRY_FORWARD
from .errors import CommandError, SandboxFailure
from .judge import wire
from .judge.diagnose import PASSED, Result, judge, unavailable
from .judge.given import UNSEEN, culprits_sentence, judge_given
from .progress import Progress, jobs_or_cores
from .results import RESULTS, SubmissionGrade
from .sandbox import confine

@dataclass
class Summary:
    course: Path
    grades: list = field(default_factory=list)  # SubmissionGrade, sorted by student and assignment
    problems: list = field(default_factory=list)  # discover.Problem, sorted
    graded: int = 0  # submissions run in this call
    reused: int = 0  # unchanged submissions taken from the cache
    seconds: float = 0.0
    landlock: int | None = None  # the Landlock ABI the workers ran under (0: none)
    namespaces: str = ""  # "" when bubblewrap namespaces confined the workers, else why not
    totals: dict = field(default_factory=dict)  # (student, assignment) -> gradebook.Total

    def isolation(self) -> str:
        """One line saying which fences held around learner code in this run."""
        fences = ["separate interpreter", "rlimits"]
        fences.insert(0, "bubblewrap namespaces (no network, no course files)" if not self.namespaces
                      else "NO namespaces: " + self.namespaces)
        if self.landlock:
            fences.append(f"Landlock ABI {self.landlock}")
        return "isolation: " + ", ".join(fences)

    def text(self) -> str:
        students = len({g.student for g in self.grades})
        lines = [f"graded {self.graded} submission(s), reused {self.reused} unchanged, "
                 f"{students} student(s), in {self.seconds:.1f} s", self.isolation()]
        for g in self.grades:
            t = report_files.total(g, self.totals)
            lines.append(f"  {g.student:<20} {g.assignment:<20} {t.score:g} / {t.max_score:g}"
                         + (f"  [late: -{t.late_penalty:g}]" if t.late_penalty else "")
                         + ("  [tampered]" if g.tampering else ""))
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s), see grading_problems.csv:")
            lines.extend(f"  {p.student} {p.assignment}: {p.problem}" for p in self.problems)
        lines.append(f"wrote {self.course / 'grades.csv'}, exercise_scores.csv, grading_problems.csv, "
                     f"{report_files.DIAGNOSIS}/, report.html, autograded/ and the gradebook")
        return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    """What every submission of one assignment shares: source cells, cases and calls."""
    assignment: str
    source: object  # restore.Source (restore is imported lazily: nbformat is slow to import)
    names: tuple  # the diagnosed exercises whose test cells the source has, catalogue order
    infos: dict  # name -> ExerciseInfo, with the points of its test cell in the source
    cases: dict  # name -> [CaseRecord]
    calls: list  # worker calls, wire-encoded inputs; "public" for the documents' worked cases
    seed: int
    cells: tuple = ()  # cell_grades.GradedCell: the other graded cells, scored as nbgrader does
    policy: str = CARRY_FORWARD  # course_config.POLICIES

    def order(self) -> dict[str, int]:
        """{grade_id: its place in the source notebook}."""
        return {c.grade_id: i for i, c in enumerate(self.source.cells) if c.grade_id}


def make_plan(root: Path, a: str, seed: int | None = None, cat: catalogue.Catalogue | None = None,
              policy: str | None = None) -> Plan:
    """The Plan of assignment a in the course at root; seed: the hidden cases' (default: the
    course's, from its secret); cat: the exercises it diagnoses (default: the course's); policy:
    course_config's CARRY_FORWARD or STRICT (default: the course's)."""
    restore = _import_restore()
    path = source_path(root, a)
    try:
        source = restore.load_source(path)
    except (restore.Unreadable, OSError) as exc:
        raise CommandError(f"cannot read the source notebook {path} ({exc}): run release again") from None
    seed = seeds.grading_seed(root) if seed is None else seed
    cat = cat or catalogue.for_course(root)
    tests = {c.grade_id: c for c in source.cells if c.role == "test"}
    names = tuple(n for n in cat.names(a) if f"test_{n}" in tests)
    infos = {n: replace(cat.exercises[n].info, points=tests[f"test_{n}"].points) for n in names}
    cases = {n: cat.cases(n, seed) for n in names}
    calls = [{"exercise": n, "case": i, "inputs": wire.encode(c.inputs), "public": c.worked}
             for n in names for i, c in enumerate(cases[n])]
    cells = tuple(graded_cells(source, {f"test_{n}" for n in names}))
    return Plan(a, source, names, infos, cases, calls, seed, cells, policy or course_config.policy(root))


GRADEBOOK_BATCH = 500  # submissions per gradebook transaction: nbgrader's ORM keeps each one's objects


def _all_with(plan, diagnosis, message):
    """Every exercise and graded cell of the plan at 0 points, with one diagnosis and message."""
    results = [Result(i.name, 0.0, i.points, diagnosis, message) for i in plan.infos.values()]
    results += [Result(c.grade_id, 0.0, c.points, diagnosis, message) for c in plan.cells]
    return _in_notebook_order(plan, results)


def _cell_id(plan, result):
    return f"test_{result.exercise}" if result.exercise in plan.infos else result.exercise


def _in_notebook_order(plan, results):
    """(results, the grade_id each one scores), both in the source notebook's order."""
    order = plan.order()
    pairs = sorted(((r, _cell_id(plan, r)) for r in results), key=lambda pair: order.get(pair[1], len(order)))
    return tuple(r for r, _ in pairs), tuple(cell for _, cell in pairs)


def grade_submission(sub: discover.Submission, plan: Plan, limits: sandbox.Limits = sandbox.Limits(),
                     runner: sandbox.Zygote | None = None) -> SubmissionGrade:
    """SubmissionGrade of one discovered submission; never raises for anything in the notebook.
    runner: a sandbox.Zygote to run it in (warm); None: a one-shot sandbox.run.

    Whatever goes wrong while grading one submission costs that submission only: it is graded
    `error` on every exercise and reported in grading_problems.csv, and the batch goes on.
    SandboxFailure, when the sandbox itself failed twice, is raised: no learner's score.
    """
    try:
        return _grade_submission(sub, plan, limits, runner)
    except SandboxFailure:
        raise
    except Exception as exc:
        what = f"{type(exc).__name__}: {str(exc)[:200]}".encode("utf-8", "replace").decode("utf-8")
        message = f"The grader could not judge this notebook ({what}); your instructor sees it in grading_problems.csv."
        results, cells = _all_with(plan, "error", message)
        return SubmissionGrade(sub.student, sub.assignment, results, notes=(f"grading failed: {what}",), cells=cells)


def _grade_submission(sub, plan, limits, runner):
    restore = _import_restore()
    start = time.monotonic()
    notes = (sub.problem,) if sub.problem else ()

    def failed(diagnosis, message, more=()):
        results, cells = _all_with(plan, diagnosis, message)
        return SubmissionGrade(sub.student, sub.assignment, results, notes=notes + more,
                               seconds=time.monotonic() - start, cells=cells)

    if sub.path is None:
        return failed("missing", f"Nothing could be graded: {sub.problem}.")
    try:
        restored = restore.restore(sub.path, plan.source, frozenset(c.grade_id for c in plan.cells if c.kind == "test"),
                                   frozenset(plan.names))
    except restore.Unreadable as exc:
        message = str(exc)[0].upper() + str(exc)[1:] + "."
        return failed("error", message, (message,))
    except OSError as exc:
        return failed("error", f"The notebook could not be read ({exc.strerror}).")

    def execute(calls):
        if runner is not None:
            return runner.run(restored.cells, calls, trace=plan.names, limits=limits)
        return sandbox.run(restored.cells, calls, limits, trace=plan.names)

    run, stuck = _without_stuck_cells(execute(plan.calls), restored, plan.calls, execute)
    run = sandbox.without_culprit(run, plan.calls, execute)
    results = _judge_all(plan, restored, run, limits, stuck)
    judged = set()
    if plan.policy == CARRY_FORWARD:
        results, judged = _carry_forward(plan, results, run, execute)
    results = _culprits(plan, results, run, judged) + _judge_cells(plan, restored, run, limits)
    cell_notes, remarks = _cell_notes(restored, run, stuck)
    notes += cell_notes
    if run.out_of_time:
        notes += (f"Your notebook was stopped: it used more than {limits.cpu:g} s of processor time (or ran "
                  f"{limits.wall:g} s); unfinished checks count as timeouts.",)
    code = tuple((cell["id"].removesuffix("_solution"), cell["code"]) for cell in restored.cells
                 if cell["id"].endswith("_solution"))
    ordered, cells = _in_notebook_order(plan, results)
    return SubmissionGrade(sub.student, sub.assignment, ordered, tuple(restored.tampering), notes,
                           seconds=time.monotonic() - start, landlock=run.landlock, code=code, cells=cells,
                           remarks=remarks)


def _without_stuck_cells(run, restored, calls, execute):
    """(run, {cell id: (error, message)}): when the worker was stopped, or died, inside a cell (one
    that never ends and swallows the alarm, or ends the process), the submission runs once more
    without that cell and without the learner's own cells after it, which would most likely get
    stuck the same way (restored.cells, which execute runs, loses them). So a stuck cell costs what
    it defines, not the whole notebook."""
    if run.cells_done or run.last_cell is None or run.last_cell >= len(restored.cells):
        return run, {}
    at = run.last_cell
    cell = restored.cells[at]
    restored.cells[at:] = [c for c in restored.cells[at + 1:] if c["id"] != "free"]
    why = ("timeout", "it never finished") if run.out_of_time else (
        "ProcessDied", f"it ended the notebook's process (exit status {run.exit_status})")
    return execute(calls), {cell["id"]: why}


def _cell_notes(restored, run, stuck):
    """(a sentence for each locked cell that raised, one for each cell of the learner's own that
    raised): the first are grading problems, the second only remarks for the learner. A solution
    cell's error is in the message of its exercise. stuck: the cells left out (_without_stuck_cells)."""
    notes, remarks = (), ()
    for cell_id, (error, message) in stuck.items():
        if cell_id == "free":
            remarks += (f"A cell of your own was left out, with your own cells after it: {message}. The rest "
                        "of the notebook was graded without them.",)
        else:
            what = "cell" if str(cell_id).endswith("_solution") else "locked cell"
            notes += (f"The {what} {cell_id} was left out: {message}. The rest of the notebook was graded "
                      "without it.",)
    for i, (error, message) in sorted(run.cell_errors.items()):
        cell_id = restored.cells[i]["id"] if i < len(restored.cells) else "?"
        if cell_id == "free":
            remarks += (f"A cell of your own (not graded) raised {error}: {message}. It costs nothing by "
                        "itself; the grader ran the cells after it all the same.",)
        elif not str(cell_id).endswith("_solution") and cell_id not in restored.unanswered:
            notes += (f"The locked cell {cell_id} raised {error}: {message}.",)
    return notes, remarks


def _judge_cells(plan, restored, run, limits):
    """Results of the graded cells the catalogue does not diagnose (grader.cell_grades)."""
    reports = {restored.cells[i]["id"]: report for i, report in run.graded.items() if i < len(restored.cells)}
    stopped = (f"the notebook used more than {limits.cpu:g} s of processor time before it"
               if run.out_of_time else "")
    return [judge_cell(c, reports.get(c.grade_id), c.grade_id in restored.unanswered, stopped) for c in plan.cells]


def _judge_all(plan, restored, run, limits, stuck):
    cell_errors = {restored.cells[i]["id"]: err for i, err in sorted(run.cell_errors.items())
                   if i < len(restored.cells)} | stuck
    started_calls = any(not o.timed_out for o in run.outcomes.values())
    results = []
    for info in plan.infos.values():
        name, solution_id = info.name, f"{info.name}_solution"
        if name in run.missing:
            if solution_id in cell_errors:
                error, message = cell_errors[solution_id]
                if error == "timeout":
                    results.append(Result(name, 0.0, info.points, "timeout",
                                          f"The cell defining `{name}` used more than {limits.cell_cpu:g} s of "
                                          "processor time: "
                                          "look for a loop at the top level of that cell that never ends."))
                else:
                    results.append(Result(name, 0.0, info.points, "error",
                                          f"The cell defining `{name}` raised {error}: {message}. "
                                          f"Fix it so that `{name}` is defined."))
            elif solution_id in restored.missing_solutions:
                results.append(Result(name, 0.0, info.points, "missing",
                                      f"The solution cell of `{name}` is not in your notebook (deleted, or its "
                                      f"metadata changed): write `{name}` in the cell given for it."))
            elif name in run.late:
                results.append(Result(name, 0.0, info.points, "missing",
                                      f"`{name}` is defined only in a cell after its test cell, so the test finds "
                                      f"no `{name}` (nbgrader runs the cells in order): define it in its solution "
                                      "cell."))
            else:
                results.append(unavailable(info, "missing"))
            continue
        outcomes = [run.outcomes[(name, i)] for i in range(len(plan.cases[name]))]
        if run.out_of_time and not started_calls:
            results.append(Result(name, 0.0, info.points, "timeout",
                                  f"Your notebook used up its {limits.cpu:g} s of processor time, so `{name}` "
                                  "could not be checked: look for a loop that never ends at the top level of a cell."))
            continue
        results.append(judge(info, plan.cases[name], outcomes))
    return results


def _wrong_callees(plan, results, run):
    """{exercise: the failing exercises it calls, in catalogue order} for each failing exercise
    that was called (catalogue uses, calls seen in the worker, calls of its reference)."""
    failing = {r.exercise for r in results if r.diagnosis not in PASSED}
    order = {n: i for i, n in enumerate(plan.names)}
    out = {}
    for r in results:
        if r.exercise not in failing or r.diagnosis in UNSEEN:
            continue
        wrong = sorted((_reached(plan, r.exercise, run) & failing) - {r.exercise}, key=lambda n: order.get(n, len(order)))
        if wrong:
            out[r.exercise] = wrong
    return out


def _reached(plan, name, run):
    """The exercises the learner's `name` called (seen in the worker), and those its reference
    calls that it looked up in vain (NameError)."""
    outcomes = [run.outcomes.get((name, i)) for i in range(len(plan.cases[name]))]
    looked_up = " ".join(o.error_message for o in outcomes if o is not None and o.error == "NameError")
    known = set(plan.infos[name].uses) | {callee for case in plan.cases[name] for callee in case.given}
    return run.called.get(name, set()) | {n for n in known if f"'{n}'" in looked_up}


def _carry_forward(plan, results, run, execute):
    """(results, the exercises judged again): each failing exercise that calls failing ones is
    called again, in a second run, with those callees answering from the reference's recorded
    calls (judge.given), and judged on that."""
    wrong = _wrong_callees(plan, results, run)
    calls = [{"exercise": name, "case": i, "inputs": wire.encode(case.inputs), "public": False,
              "given": {callee: wire.encode(case.given.get(callee, [])) for callee in callees}}
             for name, callees in wrong.items() for i, case in enumerate(plan.cases[name])]
    if not calls:
        return results, set()
    again = execute(calls)
    final, judged = {r.exercise: r for r in results}, set()
    for name in _callees_first(wrong):
        outcomes = [again.outcomes[(name, i)] for i in range(len(plan.cases[name]))]
        blamed = {c: plan.infos[c].points for c in wrong[name] if final[c].diagnosis not in PASSED}
        given = judge_given(plan.infos[name], plan.cases[name], outcomes, blamed or dict.fromkeys(wrong[name], 0.0))
        if given is not None:
            final[name] = given
            judged.add(name)
    return [final[r.exercise] for r in results], judged


def _callees_first(wrong):
    """The keys of wrong ({exercise: its wrong callees}), each after the callees it lists: a
    callee is judged again before its callers say whether it cost them anything."""
    order, seen = [], set()

    def visit(name):
        if name not in seen:
            seen.add(name)
            for callee in wrong.get(name, ()):
                visit(callee)
            if name in wrong:
                order.append(name)

    for name in wrong:
        visit(name)
    return order


def _culprits(plan, results, run, judged=frozenset()):
    """Name the wrong functions a wrong function calls, unless a run with right values in their
    place judged it already (see _carry_forward)."""
    wrong_callees = _wrong_callees(plan, results, run)  # each list in catalogue order
    out = []
    for r in results:
        wrong = [] if r.exercise in judged else wrong_callees.get(r.exercise, [])
        if wrong:
            named = [n for n in wrong if n not in wrong_callees] or wrong  # the roots, when there are any
            r = Result(r.exercise, r.score, r.max_score, r.diagnosis, f"{r.message} {culprits_sentence(named)}")
        out.append(r)
    return out


def source_path(root: Path, a: str) -> Path:
    """The source notebook of assignment a (CommandError when there is none)."""
    path = discover.source_notebook(root, a)
    if path is None:
        raise CommandError(f"no source notebook in {root / 'source' / a}: run `backprop-course release --course "
                           f"{root}` (or nbgrader's generate_assignment for an assignment of your own) first")
    return path


def _import_restore():
    """Import grader.restore (and with it nbformat) without compiling the IRI grammars.

    nbformat validates with jsonschema, whose format checkers import rfc3987_syntax when it is
    installed: 39 lark grammars compiled at import time, about a second of every grading run, for
    the "iri" and "iri-reference" formats that no notebook schema uses. When jsonschema is not
    loaded yet, it is imported with that one module hidden (jsonschema then skips those two
    checkers, as it does wherever the module is not installed); the module is importable again
    right after, for anyone else in this process."""
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None
        try:
            import jsonschema  # noqa: F401
        except ImportError:
            pass
        finally:
            if sys.modules.get("rfc3987_syntax", 0) is None:
                del sys.modules["rfc3987_syntax"]
    from . import restore
    return restore


def _import_autograded():
    """Import grader.autograded, which imports nbformat through grader.restore: after
    _import_restore, so that nbformat comes without the IRI grammars."""
    _import_restore()
    from . import autograded
    return autograded


def _warm_report_imports():
    """Import what the reports need (matplotlib for the class report) while submissions run."""
    try:
        from . import class_report  # noqa: F401
    except Exception:  # the report itself will say what is wrong
        pass


def _grade_todo(root, todo, plans, limits, jobs, dask, fingerprint, cache, progress, idle, folder, checks=()):
    """Grade the submissions in todo (here in jobs threads, each with a warm sandbox from idle,
    or on Dask) and store each result the moment it is known, with its autograded notebook.
    Returns (the Landlock ABI of each graded submission, a Problem for each the sandbox failed on).
    folder: the course's autograded folder. OSError: a result could not be written to the course;
    the threads stop taking new submissions."""
    autograded = _import_autograded()
    failures, stop = [], threading.Event()

    def store(key, digest, g, sub):
        autograded.write(root, folder, sub, plans[sub.assignment].source.path, g)
        results.store(root, key, digest, g)
        cache[key] = {"digest": digest}
        progress.step()
        return g.landlock  # all the caller keeps: the grade itself is on disk

    def fail(key, sub, reason):
        cache.pop(key, None)  # no result for it in the reports, and the next run retries it
        failures.append(discover.Problem(sub.student, sub.assignment,
                                         f"not graded, the sandbox failed ({reason}): the next run tries again"))
        progress.step()

    if dask:
        from .grade_dask import grade_on_dask
        return grade_on_dask(dask, todo, plans, limits, fingerprint, checks, store, fail), failures

    def grade_and_store(item):
        key, digest, sub = item
        if stop.is_set():
            return None
        zygote = idle.get()
        try:
            g = grade_submission(sub, plans[sub.assignment], limits, runner=zygote)
        except SandboxFailure as exc:
            return fail(key, sub, str(exc)[:200])
        finally:
            idle.put(zygote)
        try:
            return store(key, digest, g, sub)
        except OSError:
            stop.set()
            raise

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(grade_and_store, todo)), failures


def _todo(root, subs, everything, force, fingerprint, folder):
    """(cache of stored results, [(key, digest, sub)] to grade, count reused). A stored result is
    reused when nothing it depends on changed and its autograded notebook (in folder) is still there."""
    autograded = _import_autograded()
    cache = results.load_cache(root, [f"{s.student}/{s.assignment}" for s in everything])
    sources = {a: source_path(root, a) for a in {s.assignment for s in subs}}
    todo, reused = [], 0
    for sub in subs:
        key = f"{sub.student}/{sub.assignment}"
        digest = results.digest(sub, sources[sub.assignment], fingerprint)
        kept = autograded.notebook_path(root, folder, sub.student, sub.assignment, sources[sub.assignment]).is_file()
        if not force and kept and cache.get(key, {}).get("digest") == digest:
            reused += 1
        else:
            todo.append((key, digest, sub))
    return cache, todo, reused


def _course_full(root, exc, cache):
    return CommandError(f"cannot write to {root} ({exc.strerror or exc}): stopped; the {len(cache)} result(s) "
                        f"in {root / RESULTS} are kept, so once there is room `grade` goes on from there")


def grade(course, assignments=None, jobs: int | None = None, force: bool = False, limits: sandbox.Limits | None = None,
          quiet: bool = False, dask: str | None = None, policy: str | None = None) -> Summary:
    """Grade a course directory; return a Summary. CommandError for an unusable command or course.
    dask: the address of a Dask scheduler to spread the submissions over (None: this machine);
    policy: course_config's CARRY_FORWARD or STRICT for this run (None: the course's setting)."""
    start = time.monotonic()
    limits = limits or sandbox.Limits()
    jobs = jobs_or_cores(jobs)
    root = discover.course_dir(course)
    known = discover.assignments(root)
    chosen = discover.chosen_assignments(assignments, known)
    if not (root / "submitted").is_dir():
        raise CommandError(f"{root} has no submitted/ folder: put the notebooks in "
                           f"{root}/submitted/<student>/<assignment>/<assignment>.ipynb (nbgrader's layout)")
    everything, problems = discover.find(root, known, list(known))
    subs = [s for s in everything if s.assignment in chosen]
    needed = [a for a in known if a in {s.assignment for s in subs}]
    gradebook.check_database(root)
    cat = catalogue.for_course(root)
    seed = seeds.grading_seed(root)
    policy = policy or course_config.policy(root)
    if policy not in course_config.POLICIES:
        raise CommandError(f"--policy must be one of {', '.join(course_config.POLICIES)}, not {policy!r}")
    fingerprint = results.fingerprint(limits, seed, cat.files, policy)
    folder = _import_autograded().folder_name(root)
    cache, todo, reused = _todo(root, subs, everything, force, fingerprint, folder)

    # The warm sandboxes boot (interpreter, numpy) in their own processes while this one imports
    # nbformat and nbgrader and computes the cases: on two cores the two overlap.
    idle = queue.SimpleQueue()
    zygotes = [] if dask else [sandbox.Zygote(limits) for _ in range(min(jobs, len(todo)))]
    try:
        for z in zygotes:
            z.spawn()
            idle.put(z)
        plans = {a: make_plan(root, a, seed, cat, policy) for a in needed}
        gradebook.check(root, {a: _graded_ids(plan.source) for a, plan in plans.items()})
        threading.Thread(target=_warm_report_imports, daemon=True).start()
        progress = Progress(len(todo), "grading", quiet=quiet)
        fresh, failures = _grade_todo(root, todo, plans, limits, jobs, dask, fingerprint, cache, progress, idle,
                                      folder, checks=cat.files)
    except OSError as exc:
        raise _course_full(root, exc, cache) from None
    finally:
        for z in zygotes:
            z.close()
    try:
        grades = results.StoredGrades(root, cache)
        problems, totals = _write_reports(root, grades, problems + failures, needed, cat, list(known),
                                          {(s.student, s.assignment) for s in everything})
    except OSError as exc:
        raise _course_full(root, exc, cache) from None
    summary = Summary(root, grades, problems, len(todo), reused, time.monotonic() - start,
                      landlock=min((abi for abi in fresh if abi is not None), default=None),
                      namespaces=confine.available()[1], totals=totals)
    if not quiet:
        print(summary.text())
        if summary.namespaces and summary.landlock == 0:
            print("warning: neither namespaces nor Landlock fence learner code here, so it could read files "
                  "the grading user can read; install bubblewrap, or grade in a container", file=sys.stderr)
    return summary


def _graded_ids(source):
    """The grade_ids of a source notebook's graded cells: what the gradebook needs of it."""
    return [c.grade_id for c in source.cells if c.graded]


def _graded_cells(root, assignments):
    """{assignment: _graded_ids of its source notebook}, for assignments without a plan in this run."""
    restore = _import_restore()
    return {a: _graded_ids(restore.load_source(source_path(root, a))) for a in assignments}


def _write_reports(root, grades, problems, needed, cat, known, handed_in):
    """The gradebook, the CSV files, the diagnosis pages and the class report, from the stored
    results; known: the course's assignments, in order; handed_in: (student, assignment) of every
    submission present. Returns (every problem of the run, sorted; the gradebook's totals)."""
    for g in grades:
        problems += [discover.Problem(g.student, g.assignment, n) for n in g.notes]
        if g.tampering:
            problems.append(discover.Problem(g.student, g.assignment, "tampered: " + " ".join(g.tampering)))
    totals = {}
    if grades:
        others = sorted({g.assignment for g in grades} - set(needed))  # graded before, not chosen now
        if others:
            gradebook.check(root, _graded_cells(root, others))
        for first in range(0, len(grades), GRADEBOOK_BATCH):
            found = gradebook.write(root, grades[first:first + GRADEBOOK_BATCH], root / "submitted")
            problems += [discover.Problem(*p) for p in found]
        totals = gradebook.totals(root, [(g.student, g.assignment) for g in grades])
    problems = sorted(set(problems), key=lambda p: (p.student, p.assignment, p.problem))
    missing = gradebook.missing(root, known, handed_in)
    report_files.write_csvs(root, grades, problems, totals, missing)
    report_files.write_feedback(root, grades, cat, totals)
    report_files.write_class_report(root, grades, totals, problems, missing, known, cat)
    return problems, totals
