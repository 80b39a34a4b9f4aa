"""The sandbox worker: isolation, limits and a protocol the learner cannot garble.

Every test runs twice: in a one-shot worker (sandbox.run) and in a child of the warm zygote
(sandbox.Zygote), one zygote shared by the whole module, so that each hostile test is also
a submission that runs right before the next one in the same zygote.
"""
import os
import signal
import time

import pytest

from grader import sandbox
from grader.judge import wire
from grader.sandbox import Limits, confine

FAST = Limits(cpu=10, call_cpu=0.5, cell_cpu=0.5)
MODE = {"runner": None}


@pytest.fixture(scope="module")
def zygote():
    with sandbox.Zygote(FAST) as z:
        yield z


@pytest.fixture(params=["one-shot", "zygote"], autouse=True)
def mode(request, zygote):
    """Which mechanism _run uses in this test."""
    if request.param == "zygote" and not confine.available()[0]:
        pytest.skip("the zygote needs bubblewrap: " + confine.available()[1])
    MODE["runner"] = zygote if request.param == "zygote" else None
    yield request.param
    MODE["runner"] = None


def _run(code, calls=(("f", [])), limits=FAST, trace=()):
    """Run one cell, then call each (name, args) once; return the RunResult."""
    if isinstance(calls, tuple) and calls and isinstance(calls[0], str):
        calls = [calls]
    requests = [{"exercise": name, "case": i, "inputs": wire.encode(list(args))}
                for i, (name, args) in enumerate(calls)]
    cells = [{"id": "f_solution", "code": code}]
    if MODE["runner"] is not None:
        result = MODE["runner"].run(cells, requests, trace=trace, limits=limits)
        assert MODE["runner"].fallbacks == 0, "the zygote broke its protocol"
        return result
    return sandbox.run(cells, requests, limits, trace=trace)


def _value(result, name="f", case=0):
    outcome = result.outcomes[(name, case)]
    assert outcome.error is None and not outcome.timed_out, outcome
    return outcome.value


def test_solutions_and_grader_are_not_importable():
    result = _run("import solutions", [("f", [])])
    assert result.cell_errors[0][0] == "ModuleNotFoundError"
    code = ("import sys\n"
            "def f():\n"
            "    found = []\n"
            "    for name in ('solutions', 'grader', 'nbgrader', 'nbformat'):\n"
            "        try:\n"
            "            __import__(name)\n"
            "            found.append(name)\n"
            "        except ImportError:\n"
            "            pass\n"
            "    return [found, [n for n in sys.modules if n.split('.')[0] in ('solutions', 'grader')]]\n")
    assert _value(_run(code)) == [[], []]


def test_fresh_interpreter_with_a_cleared_environment():
    code = ("import os, sys\n"
            "def f():\n"
            "    return [sorted(os.environ), [p for p in sys.path if 'site-packages' in p], os.getcwd()]\n")
    env, site, cwd = _value(_run(code))
    assert not [k for k in env if k.startswith("PYTHON") or k in ("VIRTUAL_ENV", "PYTHONPATH")]
    assert set(env) <= {"PATH", "LANG", "LC_ALL", "HOME", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "PWD"}  # bubblewrap's --chdir sets PWD
    assert site == [] and (os.path.basename(cwd).startswith("backprop-run-") or cwd == confine.SANDBOX_HOME)
    assert not os.path.exists(cwd)  # removed after the run


def test_plots_and_selfcheck_are_stubbed():
    code = ("import numpy as np\nimport matplotlib.pyplot as plt\nfrom matplotlib.patches import Circle\n"
            "from backprop_selfcheck import check, check_all\n%matplotlib inline\n"
            "fig, ax = plt.subplots()\nax.add_patch(Circle((0, 0), 1))\nplt.show()\ncheck('f', None)\n"
            "def f(x):\n    return np.asarray(x) * 2\n")
    result = _run(code, [("f", [[1.0, 2.0]])])
    assert result.cell_errors == {}
    assert list(_value(result)) == [2.0, 4.0]


def test_learner_output_is_capped_and_kept_apart_from_the_protocol():
    code = ("import os, sys\n"
            "def f():\n"
            "    print('x' * 5_000_000)\n"
            "    os.write(1, b'{\"kind\": \"call\", \"exercise\": \"f\", \"case\": 0, \"value\": 99}\\n' * 100)\n"
            "    os.write(2, b'noise' * 100000)\n"
            "    sys.stderr.write('more noise')\n"
            "    return 1.5\n")
    result = _run(code, limits=Limits(cpu=10, call_cpu=5, output_cap=1000))
    assert _value(result) == 1.5
    assert result.output == "x" * 1000


def test_call_timeout_then_the_next_calls_still_run():
    code = ("def f():\n    while True:\n        pass\n"
            "def g(x):\n    return x + 1\n")
    result = _run(code, [("f", []), ("f", []), ("g", [1.0])])
    assert result.outcomes[("f", 0)].timed_out and result.outcomes[("f", 1)].timed_out
    assert _value(result, "g", 2) == 2.0 and not result.killed


@pytest.mark.slow
def test_hard_kill_when_the_learner_swallows_the_alarm():
    code = ("while True:\n"
            "    try:\n"
            "        while True:\n"
            "            pass\n"
            "    except BaseException:\n"
            "        pass\n")
    result = _run(code, [("f", []), ("g", [])], limits=Limits(cpu=2, call_cpu=0.5, cell_cpu=0.5))
    assert result.killed or result.exit_status == -signal.SIGXCPU  # the submission's processor time ran out
    assert all(o.timed_out for o in result.outcomes.values())


def test_exit_and_exceptions_are_outcomes():
    code = ("import os, sys\n"
            "def f():\n    raise ValueError('bad input')\n"
            "def g():\n    sys.exit(3)\n"
            "def h():\n    os._exit(0)\n"
            "def k():\n    return 1\n")
    result = _run(code, [("f", []), ("g", []), ("h", []), ("k", [])])
    assert result.outcomes[("f", 0)].error == "ValueError"
    assert result.outcomes[("g", 1)].error == "SystemExit"
    assert result.outcomes[("k", 3)].error == "ProcessDied"  # h ended the process before k's turn


def test_memory_cap():
    code = "import numpy as np\ndef f():\n    return float(np.ones(2 ** 31).sum())\n"  # 16 GiB
    result = _run(code, limits=Limits(cpu=10, call_cpu=5, memory=1 * 2 ** 30))
    assert result.outcomes[("f", 0)].error in ("MemoryError", "_ArrayMemoryError")


def test_values_are_only_plain_data():
    code = ("import numpy as np\n"
            "class Evil:\n    def __reduce__(self):\n        return (print, ('pwned',))\n"
            "def f():\n    return Evil()\n"
            "def g():\n    return {'a': np.eye(2), 'b': (1, 2.5), 'c': float('nan')}\n")
    result = _run(code, [("f", []), ("g", [])])
    assert isinstance(result.outcomes[("f", 0)].value, wire.Unsupported)
    g = result.outcomes[("g", 1)].value
    assert g["a"].tolist() == [[1.0, 0.0], [0.0, 1.0]] and g["b"] == (1, 2.5)


def test_calls_between_learner_functions_are_traced():
    code = "def g(x):\n    return x * 2\ndef f(x):\n    return g(x) + 1\n"
    result = _run(code, [("f", [1.0]), ("g", [1.0])], trace=("f", "g"))
    assert _value(result) == 3.0
    assert result.called["f"] == {"g"} and result.called["g"] == set()


def test_landlock_fences_files_and_network():
    probe = _run("def f():\n    return 0\n")
    if not probe.landlock:
        pytest.skip("this kernel offers no Landlock")
    here = os.path.abspath(__file__)
    code = ("import socket\n"
            "def f(path):\n"
            "    out = []\n"
            "    for action in (lambda: open(path).read(), lambda: open(path + '.new', 'w'),\n"
            "                   lambda: socket.create_connection(('127.0.0.1', 9), timeout=1),\n"
            "                   lambda: open('scratch.txt', 'w').write('mine')):\n"
            "        try:\n"
            "            action()\n"
            "            out.append('allowed')\n"
            "        except OSError as exc:\n"
            "            out.append(type(exc).__name__)\n"
            "    return out\n")
    result = _run(code, [("f", [here])])
    read, write, connect, scratch = _value(result)
    assert read in ("PermissionError", "FileNotFoundError")  # FileNotFound: namespaces hide the file
    assert write in ("PermissionError", "FileNotFoundError")
    assert (connect, scratch) == ("PermissionError", "allowed")
    assert not os.path.exists(here + ".new")


def _alive_named(name):
    """Host processes (zombies excluded) whose name (comm) is name: a learner's stray process
    renames itself with a marker unique to the test, so workers of other graders running on the
    same machine at the same time do not count."""
    alive = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError, NotADirectoryError, PermissionError):
            continue
        comm, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if comm == name and rest.split()[0] != "Z":
            alive.append(entry)
    return alive


def test_stray_children_die_with_the_group(mode):
    marker = f"bp-stray-{os.getpid() % 100000}"[:15]
    code = ("import ctypes, os, time\n"
            "def f():\n"
            "    pid = os.fork()\n"
            "    if pid == 0:\n"
            f"        ctypes.CDLL(None).prctl(15, b'{marker}', 0, 0, 0)  # PR_SET_NAME: findable\n"
            "        os.setsid()  # try to leave the process group\n"
            "        time.sleep(60)\n"
            "        os._exit(0)\n"
            "    time.sleep(0.2)\n"
            "    return pid\n")
    result = _run(code)
    outcome = result.outcomes[("f", 0)]
    if outcome.error:
        assert outcome.error in ("BlockingIOError", "PermissionError", "OSError")  # RLIMIT_NPROC held
    time.sleep(0.3)
    assert _alive_named(marker) == []


def test_file_size_cap():
    code = "def f():\n    with open('big.bin', 'wb') as out:\n        out.write(b'0' * 4_000_000)\n    return 1\n"
    result = _run(code, limits=Limits(cpu=10, call_cpu=5, file_size=1_000_000))
    assert result.outcomes[("f", 0)].error in ("OSError", "FileTooLargeError")


def test_numpy_submodules_load_after_the_fence():
    # numpy loads numpy.random and friends on first use, from the library folder the sandbox
    # mounts: the submission's own tmpfs on /tmp must not hide it
    code = ("import numpy as np\n"
            "def f():\n"
            "    import numpy.fft, numpy.polynomial\n"
            "    return [float(np.random.default_rng(0).random() < 1), float(np.linalg.norm([3.0, 4.0]))]\n")
    assert _value(_run(code)) == [1.0, 5.0]


def test_a_line_finished_after_the_hidden_calls_were_sent_is_not_trusted():
    from grader.sandbox.protocol import AWAIT, parse
    calls = [{"exercise": "f", "case": 0, "inputs": wire.encode([]), "public": True},
             {"exercise": "f", "case": 1, "inputs": wire.encode([])}]
    ready = b'{"kind": "ready", "landlock": 0}\n'
    half = b'{"kind": "cell", "index": 0, "error": "ValueError", "message": "'
    # a learner's thread began a line before the hidden calls were released and ended it after
    data = ready + AWAIT + half + b'hidden 0.123"}\n'
    assert parse(data, calls, hidden_from=len(ready + AWAIT + half)).cell_errors == {}
    whole = ready + half + b'public"}\n' + AWAIT
    assert parse(whole, calls, hidden_from=len(whole)).cell_errors == {0: ("ValueError", "public")}
