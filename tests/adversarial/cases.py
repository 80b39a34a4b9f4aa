"""The adversarial corpus: hostile and broken submissions, each with the outcome it must get.

Every case is the honest reference submission of 01_derivatives (7 exercises, 8 points) with
one or more solution cells replaced by hostile code, or a notebook-level manipulation (corrupt
JSON, deleted or duplicated cells, symlinks, a 100 MB file …). test_corpus.py grades all of
them, plus two honest learners, in ONE batch and checks each case's Expect.

Attacks that would "succeed" silently are written to cash in when they do: the hostile function
returns the right answer only if its attack worked (it read the reference, reached the network,
wrote outside its sandbox, signalled the grader …) and raises otherwise. So "the attacked
exercise scores 0" holds exactly when the attack was stopped, and the CSV message says what
happened ("raised PermissionError: the attack was blocked").

Safety (in case the sandbox under test fails): writes and deletions target only the test's own
course directory (passed in as COURSE); probes of other paths open files for append without
creating, truncating or writing them; signals go only to processes whose command line carries the
run's unique MARKER (the grading process this test started); the network target is 127.0.0.1 on
ports the test itself opened; loops stop after 60 s, forks after 50 processes that live at most
30 s, allocations at 3 GB, output at 200 MB, files at 100 MB.
"""
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grader import catalogue
from grader.samples import strip_solution_markers, submission

A = "01_derivatives"
NAMES = tuple(catalogue.ASSIGNMENTS[A])
POINTS = {n: catalogue.EXERCISES[n].info.points for n in NAMES}
TOTAL = sum(POINTS.values())
ALL = "ALL"
HONEST = ("a_honest", "z_honest")  # sorted first and last among the students


@dataclass(frozen=True)
class Env:
    """What the builders may refer to; the hostile code gets these as literals."""
    course: Path
    marker: bytes  # in the command line of the grading process (and nothing else)
    tcp_port: int  # 127.0.0.1 ports the test listens on
    udp_port: int
    repo: Path  # the checkout (solutions/, grader/)
    numpy_init: Path


@dataclass(frozen=True)
class Expect:
    """The outcome that must hold for the case's student.

    zero:    exercises that must score 0 (ALL: every one);
    codes:   diagnosis codes allowed on them (a tuple for all, or {exercise: tuple}); () = any but ok;
    intact:  every other exercise must be ok with full points (False: no claim on them);
    problem: a grading_problems.csv row for the student is required (True), forbidden (False) or
             either (None); problem_text: a substring one of those rows must contain;
    message: a substring every message of the zero exercises must contain;
    tampered: every exercise row must carry the "[tampered]" note;
    max_message: every message of the student at most this long (0: no claim).
    Always: the student has a row for every exercise and a total no higher than the honest
    total minus the points of the zero exercises.
    """
    zero: tuple | str = ()
    codes: tuple | dict = ()
    intact: bool = True
    problem: bool | None = None
    problem_text: str = ""
    message: str = ""
    tampered: bool = False
    max_message: int = 0

    def zero_set(self):
        return set(NAMES) if self.zero == ALL else set(self.zero)

    def allowed(self, exercise):
        codes = self.codes.get(exercise, ()) if isinstance(self.codes, dict) else self.codes
        return tuple(codes)

    def max_total(self):
        return TOTAL - sum(POINTS[n] for n in self.zero_set())


@dataclass(frozen=True)
class Case:
    name: str
    assignment: str
    build: object  # build(course, student_dir, env): writes student_dir/<assignment>/...
    expect: Expect
    why: str = ""
    slow: bool = field(default=False)  # stopped only by the whole-run timeout


# --- building blocks ---------------------------------------------------------------------------

_NOTEBOOKS = {}


def _notebooks(course):
    """(source, student version) of the released course, read once; callers must not modify them
    (submission() works on a deep copy of the student version)."""
    key = str(course)
    if key not in _NOTEBOOKS:
        _NOTEBOOKS[key] = (nbformat.read(str(course / "source" / A / f"{A}.ipynb"), as_version=4),
                           nbformat.read(str(course / "release" / A / f"{A}.ipynb"), as_version=4))
    return _NOTEBOOKS[key]


def reference(course, name, rename="_reference"):
    """The reference solution of `name`, as a learner would type it, with the def renamed."""
    source, _ = _notebooks(course)
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"{name}_solution":
            code = strip_solution_markers(cell.source)
            return re.sub(rf"\bdef {name}\(", f"def {rename}(", code)
    raise KeyError(name)


def honest_nb(course, overrides=None):
    source, student = _notebooks(course)
    return submission(student, source, overrides or {})


def _fill(template, env, student, name=None):
    values = {"COURSE": repr(str(env.course)), "MARKER": repr(env.marker), "TCP_PORT": repr(env.tcp_port),
              "UDP_PORT": repr(env.udp_port), "REPO": repr(str(env.repo)), "NUMPY_INIT": repr(str(env.numpy_init)),
              "STUDENT": repr(student), "HONEST_FIRST": repr(HONEST[0]), "HONEST_LAST": repr(HONEST[1]),
              "NAME": name or "", "ALL_NAMES": repr(NAMES)}
    if name is not None and "@REFERENCE@" in template:
        template = template.replace("@REFERENCE@", reference(env.course, name))
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    assert "@" not in re.sub(r"@(property|staticmethod|classmethod)\b", "", template), template
    return template


def write_nb(student_dir, nb):
    folder = student_dir / A
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{A}.ipynb"))
    return folder / f"{A}.ipynb"


def code(**overrides):
    """A builder: the honest submission with these solution cells replaced (templates)."""
    def build(course, student_dir, env):
        filled = {n: _fill(t, env, student_dir.name, n) for n, t in overrides.items()}
        write_nb(student_dir, honest_nb(course, filled))
    return build


def honest_build(course, student_dir, env):
    write_nb(student_dir, honest_nb(course))


def _cells_by_id(nb):
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


# Reward pattern: the function cashes in only if _attack() worked (returned a function to use,
# or a true value meaning "use the reference"); otherwise it raises.
REWARD = '''
@REFERENCE@

_attack_result = []


def @NAME@(*args):
    if not _attack_result:
        try:
            _attack_result.append(_attack())
        except Exception:
            _attack_result.append(None)
    stolen = _attack_result[0]
    if callable(stolen):
        return stolen(*args)
    if stolen:
        return _reference(*args)
    raise PermissionError("the attack was blocked")
'''


def reward(attack):
    return attack + "\n" + REWARD


GRADER_PIDS = '''
def _grader_pids():
    """The grading process: the parent, or any process whose command line has the run's marker."""
    import os
    candidates = [os.getppid()]
    try:
        candidates += [int(d) for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        pass
    found = set()
    for pid in candidates:
        if pid <= 1 or pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if @MARKER@ in f.read():
                    found.add(pid)
        except OSError:
            pass
    return found
'''

BOUNDED_LOOP = '''
import time as _time
_t0 = _time.time()
'''


# --- the hostile code ---------------------------------------------------------------------------

LOOP_TOP_LEVEL_UNSTOPPABLE = BOUNDED_LOOP + '''
import signal
signal.signal(signal.SIGALRM, signal.SIG_IGN)  # the cell alarm is ignored
while _time.time() < _t0 + 60:
    try:
        while _time.time() < _t0 + 60:
            pass
    except BaseException:
        pass


def chain_rule(dy_du, du_dx):
    return dy_du * du_dx
'''

LOOP_IN_FUNCTION_UNSTOPPABLE = '''
import signal
import time


def has_converged(w_old, w_new, tol):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    t0 = time.time()
    while time.time() < t0 + 60:
        try:
            while time.time() < t0 + 60:
                pass
        except BaseException:
            pass
    return True
'''

LOOP_TOP_LEVEL = BOUNDED_LOOP + '''
while _time.time() < _t0 + 60:
    pass


def chain_rule(dy_du, du_dx):
    return dy_du * du_dx
'''

LOOP_IN_FUNCTION = '''
import time


def chain_rule(dy_du, du_dx):
    t0 = time.time()
    while time.time() < t0 + 60:
        pass
    return dy_du * du_dx
'''

SYS_EXIT_TOP_LEVEL = '''
import sys
sys.exit("leaving before the function is defined")


def chain_rule(dy_du, du_dx):
    return dy_du * du_dx
'''

SYS_EXIT_IN_FUNCTION = '''
import sys


def chain_rule(dy_du, du_dx):
    sys.exit(0)
'''

RAISE_KEYBOARD_INTERRUPT = '''
def chain_rule(dy_du, du_dx):
    raise KeyboardInterrupt
'''

RAISE_BASE_EXCEPTION = '''
class Escape(BaseException):
    pass


def grad_sum_of_squares(x, y):
    raise Escape("not an Exception")
'''

RAISE_GENERATOR_EXIT = '''
def count_trainable_params(layer_sizes):
    raise GeneratorExit
'''

OS_EXIT_TOP_LEVEL = '''
import os
os._exit(3)
'''

OS_EXIT_IN_FUNCTION = '''
import os


def has_converged(w_old, w_new, tol):
    os._exit(0)
'''

KILL_PARENT = GRADER_PIDS + '''
import os
import signal


def has_converged(w_old, w_new, tol):
    for pid in _grader_pids():
        for kill in (lambda: os.kill(pid, signal.SIGKILL), lambda: os.killpg(os.getpgid(pid), signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
    raise RuntimeError("the grader is still alive")
'''

SIGNAL_PARENT = GRADER_PIDS + '''
import os
import signal


def has_converged(w_old, w_new, tol):
    for pid in _grader_pids():
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGPIPE, signal.SIGALRM):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
    raise RuntimeError("signals sent")
'''

STOP_PARENT = GRADER_PIDS + '''
import os
import signal


def has_converged(w_old, w_new, tol):
    for pid in _grader_pids():
        try:
            os.kill(pid, signal.SIGSTOP)
        except OSError:
            pass
    raise RuntimeError("stop sent")
'''

MEMORY_BOMB = reward('''
def _attack():
    import resource
    try:  # a root grader could let the learner lift its own hard limit
        resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        pass
    hog = []
    for _ in range(30):  # at most 3 GB, every page touched
        hog.append(b"x" * (100 * 2 ** 20))
    return "allocated 3 GB"
''')

MEMORY_BOMB_TOP_LEVEL = '''
import numpy as np
hog = np.ones(3 * 2 ** 30 // 8)  # 3 GB at the top level of the cell


def grad_sum_of_squares(x, y):
    return np.array([2.0 * x, 2.0 * y])
'''

FORK_BOMB = '''
import os
import time

_forked = []


def count_trainable_params(layer_sizes):
    if not _forked:
        for _ in range(50):  # at most 50 children, each gone after 25 s
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                try:
                    time.sleep(25)
                finally:
                    os._exit(0)
            _forked.append(pid)
        _forked.append(0)
    raise RuntimeError(f"forked {len(_forked) - 1} processes")
'''

SPAWN = '''
import os
import subprocess

_spawned = []


def numeric_derivative(f, x, h=1e-5):
    if not _spawned:
        _spawned.append(1)
        try:
            subprocess.Popen(["sleep", "28"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        except OSError:
            pass
        try:
            os.system("sleep 27 &")
        except OSError:
            pass
    raise RuntimeError("spawned")
'''

DAEMON = '''
import csv
import io
import os
import time

COURSE = @COURSE@
ME = @STUDENT@
_started = []


def _rewrite(path, fix):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    out = io.StringIO()
    csv.writer(out, lineterminator="\\n").writerows([fix(r) if r and r[0] == ME else r for r in rows])
    with open(path, "w", encoding="utf-8") as f:
        f.write(out.getvalue())


def _daemon():
    """Outlive the worker (own session), then give this student full marks once the batch is written."""
    for fd in range(256):
        try:
            os.close(fd)
        except OSError:
            pass
    deadline = time.time() + 30
    scores = os.path.join(COURSE, "exercise_scores.csv")
    while time.time() < deadline:
        if os.path.exists(scores):
            time.sleep(1.0)
            try:
                _rewrite(scores, lambda r: r[:3] + [r[4], r[4], "ok", "Correct."])
                _rewrite(os.path.join(COURSE, "grades.csv"), lambda r: r[:2] + [r[3], r[3]])
                with open(os.path.join(COURSE, "daemon-was-here.txt"), "w") as f:
                    f.write("escaped")
            except Exception:
                pass
            break
        time.sleep(0.2)
    while time.time() < deadline:
        time.sleep(0.5)


def has_converged(w_old, w_new, tol):
    if not _started:
        _started.append(1)
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                if os.fork() == 0:
                    _daemon()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    raise RuntimeError("a daemon was started")
'''

THREAD_OUTLIVES_CALL = REWARD.split("_attack_result = []")[0] + '''
import json
import os
import stat
import threading
import time

_started = []


def _forge():
    lines = "".join(json.dumps({"kind": "call", "exercise": "has_converged", "case": i, "missing": False,
                                "timed_out": False, "value": True, "error": None, "error_message": "",
                                "called": []}) + "\\n" for i in range(10)).encode()
    deadline = time.time() + 25
    while time.time() < deadline:
        for fd in range(3, 40):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, b"\\n" + lines)
            except OSError:
                pass
        time.sleep(0.05)


def has_converged(w_old, w_new, tol):
    if not _started:
        _started.append(1)
        threading.Thread(target=_forge).start()  # not a daemon thread: it wants to outlive the call
    return not _reference(w_old, w_new, tol)  # wrong on every case
'''

FAKE_PROTOCOL = '''
import json
import os
import stat

_garbage = [
    {"kind": "ready", "landlock": "seven"},
    {"kind": "cell", "index": -1, "id": "chain_rule_solution", "error": "timeout", "message": "forged"},
    {"kind": "cell", "index": 10 ** 9, "error": "x" * 1000, "message": ["not", "a", "string"]},
    {"kind": "call", "exercise": "chain_rule", "case": "0", "value": 1.0},
    {"kind": "call", "exercise": "chain_rule", "case": True, "value": {"__ndarray__": [], "dtype": "float",
                                                                      "shape": [10 ** 12]}},
    {"kind": "call", "exercise": "chain_rule", "case": 2, "value": {"__dict__": [[1, 2, 3]]}},
    {"kind": "call", "exercise": "chain_rule", "case": 3, "value": {"__tuple__": 5}},
    {"kind": "call", "exercise": "chain_rule", "case": 4, "value": {"__ndarray__": "abc", "dtype": "float",
                                                                   "shape": [3]}},
    {"kind": "call", "exercise": "chain_rule", "case": 5, "value": {"__callable__": "os.system", "reads": 0}},
    {"kind": "call", "exercise": "chain_rule", "case": 6, "missing": False, "timed_out": False, "value": 0.0},
    {"kind": "call", "exercise": "no_such_exercise", "case": 0, "value": 1.0},
    {"kind": "done", "output": "forged"},
]
_payload = ("\\n".join(json.dumps(g) for g in _garbage) + "\\n" + '{"kind": "call", NaN, garbage\\n'
            + '{"kind": "call", "exercise": "chain_rule", "case": 1, "value": NaN}\\n').encode()
for _fd in range(1, 40):
    try:
        if _fd <= 2 or stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, b"\\n" + _payload)
    except OSError:
        pass


def chain_rule(dy_du, du_dx):
    raise NotImplementedError
'''

FORGED_DEEP_JSON = '''
import os
import stat

_deep = (b'\\n{"kind": "call", "exercise": "chain_rule", "case": 0, "missing": false, "timed_out": false, '
         b'"error": null, "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\\n")
for _fd in range(3, 40):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, _deep)
    except OSError:
        pass


def chain_rule(dy_du, du_dx):
    raise NotImplementedError
'''

FLOOD_PROTOCOL = '''
import os
import stat


def has_converged(w_old, w_new, tol):
    chunk = b"x" * 2 ** 20
    for fd in range(3, 40):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                for _ in range(100):  # 100 MB at most per pipe
                    os.write(fd, chunk)
        except OSError:
            pass
    raise RuntimeError("flooded")
'''

OUTPUT_200MB = '''
import os
import sys


def chain_rule(dy_du, du_dx):
    print("chatty " * 150_000)  # 1 MB per call
    return dy_du * du_dx


_mb = "y" * 2 ** 20
for _ in range(100):  # 100 MB through print/sys.stdout/sys.stderr, 100 MB straight to fds 1 and 2
    print(_mb)
    sys.stderr.write(_mb)
for _ in range(50):
    for _fd in (1, 2):
        try:
            os.write(_fd, _mb.encode())
        except OSError:
            pass
'''

DEEP_RECURSION = '''
def chain_rule(dy_du, du_dx):
    return chain_rule(dy_du, du_dx) + 0.0
'''

DEEP_RECURSION_C_STACK = '''
import sys


def has_converged(w_old, w_new, tol):
    sys.setrecursionlimit(10 ** 7)
    nested = []
    for _ in range(1_000_000):
        nested = [nested]
    return repr(nested)  # C recursion far past the stack: a segfault
'''

CTYPES_SEGFAULT = '''
import ctypes


def has_converged(w_old, w_new, tol):
    return ctypes.string_at(0)
'''

IMPORT_SOLUTIONS = '''
from solutions.derivatives import chain_rule
'''

IMPORT_SOLUTIONS_BY_PATH = reward('''
def _attack():
    import importlib
    import importlib.util
    import os
    import sys
    repo = @REPO@
    sys.path.insert(0, repo)
    try:
        return importlib.import_module("solutions.derivatives").has_converged
    except Exception:
        pass
    path = os.path.join(repo, "solutions", "derivatives.py")
    spec = importlib.util.spec_from_file_location("stolen_derivatives", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.has_converged
''')

READ_SOLUTIONS_SOURCE = reward('''
def _attack():
    import os
    import numpy as np
    text = open(os.path.join(@REPO@, "solutions", "derivatives.py"), encoding="utf-8").read()
    namespace = {"np": np}
    start = text.index("def has_converged")
    end = text.find("\\ndef ", start + 1)
    exec(text[start:end if end > 0 else None], namespace)
    return namespace["has_converged"]
''')

STEAL_FROM_NOTEBOOK = '''
def _steal(paths, grade_id, name):
    import json
    import numpy as np
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                nb = json.load(f)
        except Exception:
            continue
        for cell in nb.get("cells", []):
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                source = cell["source"]
                source = "".join(source) if isinstance(source, list) else source
                namespace = {"np": np}
                exec(source, namespace)
                return namespace[name]
    return None
'''

READ_SOURCE_NOTEBOOK = reward(STEAL_FROM_NOTEBOOK + '''
def _attack():
    import os
    relative = os.path.join("source", "01_derivatives", "01_derivatives.ipynb")
    paths = [os.path.join(@COURSE@, relative), os.path.join(f"/proc/{os.getppid()}/cwd", relative)]
    return _steal(paths, "has_converged_solution", "has_converged")
''')

READ_OTHER_SUBMISSION = reward(STEAL_FROM_NOTEBOOK + '''
def _attack():
    import os
    relative = os.path.join("submitted", @HONEST_FIRST@, "01_derivatives", "01_derivatives.ipynb")
    paths = [os.path.join(@COURSE@, relative), os.path.join(f"/proc/{os.getppid()}/cwd", relative)]
    return _steal(paths, "has_converged_solution", "has_converged")
''')

READ_GRADEBOOK = reward('''
def _attack():
    import os
    import sqlite3
    path = os.path.join(@COURSE@, "gradebook.db")
    with open(path, "rb") as f:
        if not f.read(16).startswith(b"SQLite format"):
            return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return bool(list(con.execute("SELECT source FROM source_cell")))
''')

READ_GRADER_ENVIRON = reward(GRADER_PIDS + '''
def _attack():
    import os
    for pid in sorted(_grader_pids() | {os.getppid()}):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if b"PYTHONPATH=" in f.read():
                    return "read the grader's environment"
        except OSError:
            pass
    return None
''')

READ_GRADER_MEMORY = reward(GRADER_PIDS + '''
def _attack():
    for pid in _grader_pids():
        try:
            with open(f"/proc/{pid}/maps") as maps:
                for line in maps:
                    span, perms = line.split()[:2]
                    if perms.startswith("r"):
                        start = int(span.split("-")[0], 16)
                        with open(f"/proc/{pid}/mem", "rb") as mem:
                            mem.seek(start)
                            if len(mem.read(4096)) == 4096:
                                return "read the grader's memory"
        except (OSError, ValueError, OverflowError):
            pass
    return None
''')

NETWORK = reward('''
def _attack():
    import socket
    try:  # UDP: the test's listener notices a datagram; sendto alone proves nothing
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.sendto(b"escaped " + @STUDENT@.encode(), ("127.0.0.1", @UDP_PORT@))
        udp.close()
    except OSError:
        pass
    with socket.create_connection(("127.0.0.1", @TCP_PORT@), timeout=1) as conn:
        conn.sendall(b"escaped " + @STUDENT@.encode())
    return "connected to 127.0.0.1"
''')

VANDAL = '''
def _vandalise():
    """Write, truncate and delete instructor files and another learner's submission (test course only)."""
    import os
    import shutil
    course = @COURSE@
    done = []

    def attempt(what, action):
        try:
            action()
            done.append(what)
        except Exception:
            pass

    def append(relative, data, mode="a"):
        with open(os.path.join(course, relative), mode) as f:
            f.write(data)

    attempt("gradebook.db", lambda: append("gradebook.db", b"\\0garbage", "ab"))
    attempt("nbgrader_config.py", lambda: append("nbgrader_config.py", "\\n# vandalised\\n"))
    attempt("source notebook", lambda: open(os.path.join(course, "source", "01_derivatives",
                                                         "01_derivatives.ipynb"), "w").close())
    attempt("release notebook", lambda: os.remove(os.path.join(course, "release", "01_derivatives",
                                                               "01_derivatives.ipynb")))
    attempt("new file", lambda: append("vandal-was-here.txt", "x"))
    attempt("grade cache", lambda: append(os.path.join(".backprop-course", "grade_cache.json"), "{", "w"))
    attempt("other submission", lambda: os.remove(os.path.join(course, "submitted", @HONEST_LAST@,
                                                               "01_derivatives", "01_derivatives.ipynb")))
    attempt("release folder", lambda: shutil.rmtree(os.path.join(course, "release", "01_derivatives",
                                                                 "backprop_selfcheck")))
    return ", ".join(done)
'''

WRITE_COURSE_TOP_LEVEL = VANDAL + '''
_vandalise()


def chain_rule(dy_du, du_dx):
    raise NotImplementedError
'''

WRITE_COURSE_IN_FUNCTION = reward(VANDAL + '''
def _attack():
    return _vandalise()
''')

OPEN_OUTSIDE_FOR_WRITE = reward('''
def _attack():
    """Open (append, no create, no write) files outside the sandbox that run code later."""
    import os
    import pwd
    targets = [os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".bashrc"), @NUMPY_INIT@,
               os.path.join(@REPO@, "grader", "grade.py"), os.path.join(@REPO@, "solutions", "__init__.py")]
    opened = []
    for path in targets:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except OSError:
            continue
        os.close(fd)
        opened.append(path)
    return ", ".join(opened)
''')

SEARCH_MEMORY = reward('''
def _attack():
    """Look for expected values or the reference in the worker's own memory."""
    import dataclasses
    import gc
    import sys
    if any(m.split(".")[0] in ("solutions", "grader", "catalogue") for m in sys.modules):
        return "reference modules loaded"
    for obj in gc.get_objects():
        try:
            if type(obj).__name__ == "CaseRecord":
                return "a case record in memory"
            if isinstance(obj, dict) and "want" in obj and not isinstance(obj["want"], (type, dataclasses.Field)):
                return "expected values in memory"
            if isinstance(obj, dict) and str(obj.get("id", "")).startswith("test_"):
                return "test cells in the request"
        except Exception:
            pass
    return None
''')

LIAR_EQ = '''
import numpy as np


class Liar(float):
    """A number equal to everything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class LiarArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.True_


def chain_rule(dy_du, du_dx):
    return Liar(0.0)


def grad_sum_of_squares(x, y):
    return np.zeros(2).view(LiarArray)


class LiarNumber(np.float64):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.0


def numeric_derivative(f, x, h=1e-5):
    return LiarNumber(1e300)
'''

LIAR_PROTOCOLS = '''
import numpy as np


class Everything:
    """__float__, __array__, __eq__, __len__, __iter__, __index__: all lies."""

    def __float__(self):
        return 0.0

    def __array__(self, dtype=None, copy=None):
        return np.zeros(2)

    def __eq__(self, other):
        return True

    def __len__(self):
        return 2

    def __iter__(self):
        return iter([0.0, 0.0])

    def __getitem__(self, i):
        return 0.0

    def __index__(self):
        return 9

    def __bool__(self):
        return True

    __hash__ = object.__hash__


def grad_sum_of_squares(x, y):
    return Everything()


def count_trainable_params(layer_sizes):
    return Everything()
'''

LIAR_CLASS_SPOOF = '''
import numpy as np


class FakeArray:
    """isinstance(x, np.ndarray) is True; every attribute the encoder reads is a lie."""

    @property
    def __class__(self):
        return np.ndarray

    dtype = np.dtype(float)
    size = 1
    shape = (10 ** 9,)

    def astype(self, *args, **kwargs):
        return self

    def ravel(self):
        return self

    def tolist(self):
        return [object(), float("nan")]


class FakeBool:
    @property
    def __class__(self):
        return bool

    def __bool__(self):
        return True


def gradient_descent_1d(x0, lr, steps):
    return FakeArray()


def has_converged(w_old, w_new, tol):
    return FakeBool()
'''

NAN_INF = '''
import numpy as np


def chain_rule(dy_du, du_dx):
    return float("nan")


def grad_sum_of_squares(x, y):
    return np.array([np.inf, -np.inf])


def numeric_derivative(f, x, h=1e-5):
    return float("inf")
'''

HUGE_ARRAYS = '''
import numpy as np


def chain_rule(dy_du, du_dx):
    return np.broadcast_to(np.float64(dy_du * du_dx), (10 ** 8,))  # 10^8 elements, no memory


def grad_sum_of_squares(x, y):
    return np.zeros(10 ** 8)  # 800 MB


def count_trainable_params(layer_sizes):
    return [0] * 10 ** 6  # a list has no element cap
'''

PROTOCOL_CAP = '''
import numpy as np


def has_converged(w_old, w_new, tol):
    return np.random.default_rng().random(999_999)  # ~19 MB of JSON per case, just under the element cap
'''

DEEP_NESTING = '''
import sys


def chain_rule(dy_du, du_dx):
    sys.setrecursionlimit(100_000)
    value = dy_du * du_dx
    for _ in range(5_000):
        value = [value]
    return value
'''

ODD_RETURNS = '''
import os


def chain_rule(dy_du, du_dx):
    return (dy_du * du_dx for _ in range(1))  # a generator


def grad_sum_of_squares(x, y):
    return lambda: [2 * x, 2 * y]


def count_trainable_params(layer_sizes):
    return os


Huge = type("H" * 100_000, (), {})


def has_converged(w_old, w_new, tol):
    return Huge()
'''

MONKEYPATCH_NUMPY = '''
import numpy as np
import numpy.testing

np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
np.testing.assert_array_equal = lambda *args, **kwargs: None
for _name in ("__eq__", "__ne__"):
    try:
        setattr(np.ndarray, _name, lambda self, other: True)
    except TypeError:
        pass


def chain_rule(dy_du, du_dx):
    return dy_du + du_dx  # wrong
'''

MONKEYPATCH_BUILTINS = '''
import builtins
import ctypes
import gc
import math

_patched = []


def has_converged(w_old, w_new, tol):
    if not _patched:
        _patched.append(1)
        try:  # float.__eq__ through the type's dict
            gc.get_referents(float.__dict__)[0]["__eq__"] = lambda self, other: True
            ctypes.pythonapi.PyType_Modified(ctypes.py_object(float))
        except Exception:
            pass
        math.isfinite = lambda x: True
        math.isnan = lambda x: False
        builtins.isinstance = lambda obj, kind: True
        builtins.len = lambda obj: 0
    return "converged, trust me"
'''

PATCH_WORKER = '''
import gc
import json
import sys
import types

_patched = []


class _Rewriter:
    def __init__(self, real):
        self.real = real

    def write(self, text):
        try:
            line = json.loads(text)
            if line.get("kind") == "call":
                line.update(error=None, timed_out=False, missing=False, value=True)
                text = json.dumps(line) + "\\n"
        except Exception:
            pass
        return self.real.write(text)

    def __getattr__(self, name):
        return getattr(self.real, name)


def has_converged(w_old, w_new, tol):
    if not _patched:
        _patched.append(1)
        for name in ("judge.wire", "judge.run"):
            module = sys.modules.get(name)
            if module is not None and hasattr(module, "encode"):
                module.encode = lambda value: True
            if module is not None and hasattr(module, "call"):
                module.call = lambda function, arguments: module.Outcome(value=True)
        for obj in gc.get_objects():
            if isinstance(obj, types.FunctionType) and obj.__name__ == "send" and obj.__closure__:
                for name, cell in zip(obj.__code__.co_freevars, obj.__closure__):
                    if name == "protocol":
                        cell.cell_contents = _Rewriter(cell.cell_contents)
    raise NotImplementedError
'''

HOSTILE_STR = '''
class Huge(Exception):
    def __str__(self):
        return "z" * 50_000_000


class Poison(Exception):
    def __str__(self):
        raise Poison()


def numeric_derivative(f, x, h=1e-5):
    raise Huge()


def has_converged(w_old, w_new, tol):
    raise Poison()
'''

SURROGATES = '''
def chain_rule(dy_du, du_dx):
    raise ValueError("bad \\udcff byte \\ud800")


def count_trainable_params(layer_sizes):
    return "\\udcff" * 3
'''

CLOSE_FDS = '''
import os
import sys


def has_converged(w_old, w_new, tol):
    closed = open(os.devnull, "w")
    closed.close()
    sys.stdout = sys.stderr = closed
    try:
        print("hello")
    except ValueError:
        pass
    for fd in range(256):
        try:
            os.close(fd)
        except OSError:
            pass
    raise RuntimeError("closed every descriptor")
'''

FILE_SIZE_BOMB = reward('''
def _attack():
    import resource
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        pass
    chunk = b"f" * 2 ** 20
    with open("big.bin", "wb") as f:
        for _ in range(100):  # 100 MB, in the worker's private folder
            f.write(chunk)
    return "wrote 100 MB"
''')


# --- notebook-level builders ---------------------------------------------------------------------

def edited_locked_cells(course, student_dir, env):
    nb = honest_nb(course, {"chain_rule": "def chain_rule(dy_du, du_dx):\n    return dy_du + du_dx\n"})
    cells = _cells_by_id(nb)
    cells["test_chain_rule"].source = "import os\nos._exit(0)  # no test here\n"
    cells["setup"].source += ("\n\ndef chain_rule(dy_du, du_dx):\n    return dy_du * du_dx\n"
                              "import numpy as np\nnp.allclose = lambda *a, **k: True\n")
    write_nb(student_dir, nb)


def deleted_test_cells(course, student_dir, env):
    nb = honest_nb(course, {"chain_rule": "def chain_rule(dy_du, du_dx):\n    return 0.0\n"})
    nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade", False)
                and c.metadata.get("nbgrader", {}).get("grade_id") != "setup"]
    write_nb(student_dir, nb)


def duplicate_grade_ids(course, student_dir, env):
    nb = honest_nb(course)
    cells = _cells_by_id(nb)
    wrong = nbformat.from_dict(json.loads(json.dumps(cells["chain_rule_solution"])))
    wrong.source = "def chain_rule(dy_du, du_dx):\n    return dy_du + du_dx\n"
    wrong["id"] = "dup-solution"
    hostile_setup = nbformat.from_dict(json.loads(json.dumps(cells["setup"])))
    hostile_setup.source = "import os\nos._exit(0)\n"
    hostile_setup["id"] = "dup-setup"
    fake_test = nbformat.from_dict(json.loads(json.dumps(cells["test_has_converged"])))
    fake_test.source = "has_converged = lambda *a: True\n"
    fake_test.metadata["nbgrader"]["points"] = 100
    fake_test["id"] = "dup-test"
    index = nb.cells.index(cells["chain_rule_solution"])
    nb.cells.insert(index + 1, wrong)  # runs after the right one: chain_rule is wrong
    nb.cells.insert(0, hostile_setup)
    nb.cells.append(fake_test)
    write_nb(student_dir, nb)


def deleted_solution_cells(course, student_dir, env):
    nb = honest_nb(course)
    cells = _cells_by_id(nb)
    moved = cells["count_trainable_params_solution"]
    nb.cells.remove(moved)
    nb.cells.append(nbformat.v4.new_code_cell(moved.source))  # the code, in a free cell
    cells["has_converged_solution"].metadata["nbgrader"]["grade_id"] = "my_has_converged"
    write_nb(student_dir, nb)


def corrupted_json(course, student_dir, env):
    text = nbformat.writes(honest_nb(course))
    path = write_nb(student_dir, honest_nb(course))
    path.write_text(text[: len(text) * 6 // 10], encoding="utf-8")


def non_utf8(course, student_dir, env):
    nb = honest_nb(course)
    _cells_by_id(nb)["chain_rule_solution"].source += "\n# MARK-NON-UTF8\n"
    path = write_nb(student_dir, nb)
    path.write_bytes(path.read_bytes().replace(b"MARK-NON-UTF8", b"caf\xe9 \xff\xfe"))


def malformed_structure(course, student_dir, env):
    data = json.loads(nbformat.writes(honest_nb(course)))
    data["cells"].insert(3, "not a cell")
    data["cells"].append(42)
    path = write_nb(student_dir, honest_nb(course))
    path.write_text(json.dumps(data), encoding="utf-8")


def symlink_to_source(course, student_dir, env):
    folder = student_dir / A
    folder.mkdir(parents=True)
    os.symlink(course / "source" / A / f"{A}.ipynb", folder / f"{A}.ipynb")


def symlink_folder_to_other_student(course, student_dir, env):
    student_dir.mkdir(parents=True)
    os.symlink(course / "submitted" / HONEST[0] / A, student_dir / A, target_is_directory=True)


def symlink_relative_outside(course, student_dir, env):
    folder = student_dir / A
    folder.mkdir(parents=True)
    os.symlink(os.path.join("..", "..", "..", "release", A, f"{A}.ipynb"), folder / f"{A}.ipynb")


def notebook_100mb(course, student_dir, env):
    nb = honest_nb(course)
    free = nbformat.v4.new_code_cell("print('x' * 100_000_000)")
    free.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 100_000_000)]
    nb.cells.append(free)
    write_nb(student_dir, nb)


def notebook_45mb_honest(course, student_dir, env):
    nb = honest_nb(course)
    free = nbformat.v4.new_code_cell("print('x' * 45_000_000)")
    free.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 45_000_000)]
    nb.cells.append(free)
    write_nb(student_dir, nb)


# --- the corpus -----------------------------------------------------------------------------------
# Order matters only for time: the cases stopped by the whole-run timeout come first (they run
# side by side), the ones that leave processes behind last (so that a leftover is still alive
# when the batch ends).

ERR = ("error",)
TIMEOUT = ("timeout",)
WRONG = ()  # any diagnosis but ok: the point is the 0

CASES = [
    Case("loop_top_level_unstoppable", A, code(chain_rule=LOOP_TOP_LEVEL_UNSTOPPABLE),
         Expect(zero=("chain_rule",), codes=TIMEOUT, problem=True, problem_text="chain_rule_solution"),
         "endless top-level loop that ignores SIGALRM and swallows every exception: only the run timeout stops "
         "it; the notebook runs again without that cell",
         slow=True),
    Case("loop_in_function_unstoppable", A, code(has_converged=LOOP_IN_FUNCTION_UNSTOPPABLE),
         Expect(zero=("has_converged",), codes=TIMEOUT, problem=True),
         "endless loop in a graded function that ignores SIGALRM and swallows every exception", slow=True),
    Case("loop_top_level", A, code(chain_rule=LOOP_TOP_LEVEL),
         Expect(zero=("chain_rule",), codes=TIMEOUT), "endless loop at the top level of a solution cell"),
    Case("loop_in_function", A, code(chain_rule=LOOP_IN_FUNCTION),
         Expect(zero=("chain_rule",), codes=TIMEOUT), "endless loop inside a graded function"),
    Case("sys_exit_top_level", A, code(chain_rule=SYS_EXIT_TOP_LEVEL),
         Expect(zero=("chain_rule",), codes=ERR, message="SystemExit"), "sys.exit() at the top level of a cell"),
    Case("sys_exit_in_function", A, code(chain_rule=SYS_EXIT_IN_FUNCTION),
         Expect(zero=("chain_rule",), codes=ERR, message="SystemExit"), "sys.exit() inside a graded function"),
    Case("raise_base_exceptions", A, code(chain_rule=RAISE_KEYBOARD_INTERRUPT, grad_sum_of_squares=RAISE_BASE_EXCEPTION,
                                          count_trainable_params=RAISE_GENERATOR_EXIT),
         Expect(zero=("chain_rule", "grad_sum_of_squares", "count_trainable_params"), codes=ERR),
         "KeyboardInterrupt, a BaseException subclass and GeneratorExit raised by graded functions"),
    Case("os_exit_top_level", A, code(chain_rule=OS_EXIT_TOP_LEVEL),
         Expect(zero=("chain_rule",), codes=ERR, problem=True, problem_text="chain_rule_solution"),
         "os._exit() at the top level: the notebook's process is gone before any call; it runs again without "
         "that cell"),
    Case("os_exit_in_function", A, code(has_converged=OS_EXIT_IN_FUNCTION),
         Expect(zero=("has_converged",), codes=ERR), "os._exit() inside the last graded function"),
    Case("kill_parent", A, code(has_converged=KILL_PARENT),
         Expect(zero=("has_converged",), codes=ERR), "SIGKILL to the grading process and its process group"),
    Case("signal_parent", A, code(has_converged=SIGNAL_PARENT),
         Expect(zero=("has_converged",), codes=ERR),
         "SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGPIPE, SIGALRM to the grading process"),
    Case("stop_parent", A, code(has_converged=STOP_PARENT),
         Expect(zero=("has_converged",), codes=ERR), "SIGSTOP to the grading process"),
    Case("memory_bomb", A, code(chain_rule=MEMORY_BOMB),
         Expect(zero=("chain_rule",), codes=ERR + TIMEOUT), "3 GB allocated in a function, after trying to lift RLIMIT_AS"),
    Case("memory_bomb_top_level", A, code(grad_sum_of_squares=MEMORY_BOMB_TOP_LEVEL),
         Expect(zero=("grad_sum_of_squares",), codes=ERR + TIMEOUT), "a 3 GB numpy array at the top level of a cell"),
    Case("huge_arrays", A, code(**{"chain_rule": HUGE_ARRAYS, "grad_sum_of_squares": "", "count_trainable_params": ""}),
         Expect(zero=("chain_rule", "grad_sum_of_squares", "count_trainable_params"), codes=WRONG),
         "a 10^8-element broadcast view, an 800 MB array, a 10^6-element list"),
    Case("protocol_cap", A, code(has_converged=PROTOCOL_CAP),
         Expect(zero=("has_converged",)),
         "results of 999 999 random floats: 130 MB of protocol, past its cap"),
    Case("deep_nesting", A, code(chain_rule=DEEP_NESTING),
         Expect(zero=("chain_rule",), codes=WRONG), "a return value nested 5000 lists deep"),
    Case("forged_deep_json", A, code(chain_rule=FORGED_DEEP_JSON),
         Expect(zero=("chain_rule",), codes=("not_implemented",)),
         "a forged protocol line nested 100 000 arrays deep"),
    Case("fake_protocol_lines", A, code(chain_rule=FAKE_PROTOCOL),
         Expect(zero=("chain_rule",), intact=False),
         "forged and malformed protocol lines written to every pipe and to fds 1 and 2"),
    Case("thread_outlives_call", A, code(has_converged=THREAD_OUTLIVES_CALL),
         Expect(zero=("has_converged",)), "a thread that outlives its call and keeps forging protocol lines"),
    Case("flood_protocol", A, code(has_converged=FLOOD_PROTOCOL),
         Expect(zero=("has_converged",), codes=ERR + TIMEOUT), "100 MB of garbage on every pipe"),
    Case("output_200mb", A, code(chain_rule=OUTPUT_200MB),
         Expect(), "200 MB printed at the top level and 1 MB per call by a correct function: costs nothing"),
    Case("deep_recursion", A, code(chain_rule=DEEP_RECURSION),
         Expect(zero=("chain_rule",), codes=ERR, message="RecursionError"), "unbounded recursion"),
    Case("deep_recursion_c_stack", A, code(has_converged=DEEP_RECURSION_C_STACK),
         Expect(zero=("has_converged",), codes=ERR + TIMEOUT), "recursion limit lifted, C stack overflow: a segfault"),
    Case("ctypes_segfault", A, code(has_converged=CTYPES_SEGFAULT),
         Expect(zero=("has_converged",), codes=ERR), "ctypes.string_at(0): SIGSEGV"),
    Case("import_solutions", A, code(chain_rule=IMPORT_SOLUTIONS),
         Expect(zero=("chain_rule",), codes=ERR, message="ModuleNotFoundError"), "from solutions.derivatives import …"),
    Case("import_solutions_by_path", A, code(has_converged=IMPORT_SOLUTIONS_BY_PATH),
         Expect(zero=("has_converged",), codes=ERR), "the checkout's path put on sys.path, solutions imported from it"),
    Case("read_solutions_source", A, code(has_converged=READ_SOLUTIONS_SOURCE),
         Expect(zero=("has_converged",), codes=ERR), "solutions/derivatives.py read and executed"),
    Case("read_source_notebook", A, code(has_converged=READ_SOURCE_NOTEBOOK),
         Expect(zero=("has_converged",), codes=ERR),
         "the source notebook (with the solutions) read through the course path and /proc/<ppid>/cwd"),
    Case("read_other_submission", A, code(has_converged=READ_OTHER_SUBMISSION),
         Expect(zero=("has_converged",), codes=ERR), "another learner's submitted notebook read and used"),
    Case("read_gradebook", A, code(has_converged=READ_GRADEBOOK),
         Expect(zero=("has_converged",), codes=ERR), "gradebook.db opened and queried"),
    Case("read_grader_environ", A, code(has_converged=READ_GRADER_ENVIRON),
         Expect(zero=("has_converged",), codes=ERR), "/proc/<grader>/environ read"),
    Case("read_grader_memory", A, code(has_converged=READ_GRADER_MEMORY),
         Expect(zero=("has_converged",), codes=ERR), "/proc/<grader>/mem read (the expected values live there)"),
    Case("network", A, code(has_converged=NETWORK),
         Expect(zero=("has_converged",), codes=ERR), "TCP connection and UDP datagram to 127.0.0.1 ports the test opened"),
    Case("write_course_top_level", A, code(chain_rule=WRITE_COURSE_TOP_LEVEL),
         Expect(zero=("chain_rule",), codes=("not_implemented",)),
         "top-level writes, truncations and deletions of instructor files and another learner's submission"),
    Case("write_course_in_function", A, code(has_converged=WRITE_COURSE_IN_FUNCTION),
         Expect(zero=("has_converged",), codes=ERR), "the same from inside a graded function"),
    Case("open_outside_for_write", A, code(has_converged=OPEN_OUTSIDE_FOR_WRITE),
         Expect(zero=("has_converged",), codes=ERR),
         "~/.bashrc, numpy/__init__.py, grader/grade.py, solutions/__init__.py opened for append (nothing written)"),
    Case("file_size_bomb", A, code(has_converged=FILE_SIZE_BOMB),
         Expect(zero=("has_converged",), codes=ERR), "a 100 MB file, after ignoring SIGXFSZ and lifting RLIMIT_FSIZE"),
    Case("search_memory", A, code(has_converged=SEARCH_MEMORY),
         Expect(zero=("has_converged",), codes=ERR), "the worker's memory searched for expected values or hidden tests"),
    Case("liar_eq", A, code(**{"chain_rule": LIAR_EQ, "grad_sum_of_squares": "", "numeric_derivative": ""}),
         Expect(zero=("chain_rule", "grad_sum_of_squares", "numeric_derivative"), codes=WRONG),
         "values whose __eq__ / __array_ufunc__ / __float__ lie"),
    Case("liar_protocols", A, code(**{"grad_sum_of_squares": LIAR_PROTOCOLS, "count_trainable_params": ""}),
         Expect(zero=("grad_sum_of_squares", "count_trainable_params"), codes=WRONG),
         "an object with lying __float__, __array__, __eq__, __len__, __iter__, __index__"),
    Case("liar_class_spoof", A, code(**{"gradient_descent_1d": LIAR_CLASS_SPOOF, "has_converged": ""}),
         Expect(zero=("gradient_descent_1d", "has_converged"), codes=WRONG),
         "objects whose __class__ claims ndarray / bool"),
    Case("nan_inf", A, code(**{"grad_sum_of_squares": NAN_INF, "chain_rule": "", "numeric_derivative": ""}),
         Expect(zero=("chain_rule", "grad_sum_of_squares", "numeric_derivative"), codes=("non_finite",)),
         "NaN and ±inf returned"),
    Case("odd_returns", A, code(**{"grad_sum_of_squares": ODD_RETURNS, "chain_rule": "",
                                   "count_trainable_params": "", "has_converged": ""}),
         Expect(zero=("chain_rule", "grad_sum_of_squares", "count_trainable_params", "has_converged"),
                codes=("wrong_type_or_shape",), max_message=2000),
         "a generator, a lambda, a module, an instance of a class with a 100 000-character name"),
    Case("monkeypatch_numpy", A, code(chain_rule=MONKEYPATCH_NUMPY),
         Expect(zero=("chain_rule",), codes=WRONG), "np.allclose, np.isclose, np.testing … replaced by yes-men"),
    Case("monkeypatch_builtins", A, code(has_converged=MONKEYPATCH_BUILTINS),
         Expect(zero=("has_converged",)), "builtins.isinstance, len, math.isfinite, float.__eq__ patched"),
    Case("patch_worker", A, code(has_converged=PATCH_WORKER),
         Expect(zero=("has_converged",), intact=False),
         "the worker's wire.encode, run.call and protocol stream patched (during has_converged's public "
         "case, before the hidden cases of the others, which it spoils too: no claim on those, but no "
         "score can rise)"),
    Case("hostile_exception_str", A, code(**{"numeric_derivative": HOSTILE_STR, "has_converged": ""}),
         Expect(zero=("numeric_derivative", "has_converged"), codes=ERR),
         "exceptions whose __str__ returns 50 MB or raises again and again"),
    Case("surrogates", A, code(**{"chain_rule": SURROGATES, "count_trainable_params": ""}),
         Expect(zero=("chain_rule", "count_trainable_params"),
                codes={"chain_rule": ERR, "count_trainable_params": ("wrong_type_or_shape",)}),
         "lone surrogates in an exception message and a returned string"),
    Case("close_fds", A, code(has_converged=CLOSE_FDS),
         Expect(zero=("has_converged",), codes=ERR), "sys.stdout set to a closed file, then every fd closed"),
    Case("edited_locked_cells", A, edited_locked_cells,
         Expect(zero=("chain_rule",), tampered=True, problem=True, problem_text="tampered"),
         "test cell replaced by os._exit, setup cell defining chain_rule and patching np.allclose; chain_rule wrong"),
    Case("deleted_test_cells", A, deleted_test_cells,
         Expect(zero=("chain_rule",), tampered=True, problem=True, problem_text="deleted"),
         "every test cell and the setup cell deleted; chain_rule wrong"),
    Case("duplicate_grade_ids", A, duplicate_grade_ids,
         Expect(zero=("chain_rule",), tampered=True, problem=True, problem_text="appears"),
         "a second chain_rule solution cell (wrong), a duplicate setup cell calling os._exit, "
         "a duplicate test cell worth 100 points"),
    Case("deleted_solution_cells", A, deleted_solution_cells,
         Expect(zero=("count_trainable_params",), codes=("missing",)),
         "a solution cell deleted (its code in a cell of the learner's own at the end, after its test: "
         "missing, as nbgrader's test finds nothing) and another's grade_id renamed (its code still runs "
         "where it stands: right code keeps its points)"),
    Case("corrupted_json", A, corrupted_json,
         Expect(zero=ALL, codes=("error",), problem=True), "the notebook's JSON cut at 60 %"),
    Case("non_utf8", A, non_utf8,
         Expect(zero=ALL, codes=("error",), problem=True), "Latin-1 and 0xFF 0xFE bytes in the notebook"),
    Case("malformed_structure", A, malformed_structure,
         Expect(zero=ALL, codes=("error",), problem=True), "a string and a number in the cell list"),
    Case("symlink_to_source", A, symlink_to_source,
         Expect(zero=ALL, codes=("missing", "error"), problem=True),
         "the submitted notebook is a symlink to the instructor's source notebook (with the solutions)"),
    Case("symlink_folder_to_other_student", A, symlink_folder_to_other_student,
         Expect(zero=ALL, codes=("missing", "error"), problem=True),
         "the assignment folder is a symlink to another learner's folder"),
    Case("symlink_relative_outside", A, symlink_relative_outside,
         Expect(zero=ALL, codes=("missing", "error"), problem=True),
         "the notebook is a relative symlink out of submitted/ (to the student version)"),
    Case("notebook_100mb", A, notebook_100mb,
         Expect(zero=ALL, codes=("error",), problem=True, problem_text="MB"), "a valid 100 MB notebook"),
    Case("notebook_45mb_honest", A, notebook_45mb_honest,
         Expect(), "an honest notebook carrying 45 MB of output, under the size cap: graded normally"),
    # leave processes behind: last, so that they are still running when the batch ends
    Case("fork_bomb", A, code(count_trainable_params=FORK_BOMB),
         Expect(zero=("count_trainable_params",), codes=ERR), "50 forked children sleeping 25 s"),
    Case("spawn", A, code(numeric_derivative=SPAWN),
         Expect(zero=("numeric_derivative",), codes=ERR), "subprocess.Popen and os.system('… &') of sleep"),
    Case("daemon", A, code(has_converged=DAEMON),
         Expect(zero=("has_converged",), codes=ERR),
         "double fork + setsid daemon that rewrites grades.csv and exercise_scores.csv after the batch"),
]

assert len({c.name for c in CASES}) == len(CASES)
