"""The warm zygote (grader.sandbox.Zygote): nothing learner-controlled survives from one
submission to the next — processes are swept, files wiped, memory forked afresh — and a learner
who attacks the zygote costs only their own submission. The zygote needs bubblewrap, which CI
installs: without it these tests fail rather than skip.
"""
import os
import time

import pytest

from grader import sandbox
from grader.judge import wire
from grader.sandbox import Limits, confine

FAST = Limits(cpu=10, call_cpu=0.5, cell_cpu=0.5)
HOLDER = {}


@pytest.fixture(scope="module")
def zygote():
    ok, why = confine.available()
    assert ok, f"the zygote needs bubblewrap namespaces: {why}"
    with sandbox.Zygote(FAST) as z:
        HOLDER["zygote"] = z
        yield z


@pytest.fixture(autouse=True)
def _uses_zygote(zygote):
    yield


def _run(code, calls=(("f", [])), limits=FAST, trace=()):
    if isinstance(calls, tuple) and calls and isinstance(calls[0], str):
        calls = [calls]
    requests = [{"exercise": name, "case": i, "inputs": wire.encode(list(args))}
                for i, (name, args) in enumerate(calls)]
    z = HOLDER["zygote"]
    result = z.run([{"id": "f_solution", "code": code}], requests, trace=trace, limits=limits)
    assert z.fallbacks == 0, "the zygote broke its protocol"
    return result


def _value(result, name="f", case=0):
    outcome = result.outcomes[(name, case)]
    assert outcome.error is None and not outcome.timed_out, outcome
    return outcome.value


def test_escaped_processes_do_not_reach_the_next_submission():
    code = ("import os, time\n"
            "def f():\n"
            "    r, w = os.pipe()\n"
            "    if os.fork() == 0:\n"
            "        os.setsid()\n"
            "        pid = os.fork()\n"
            "        if pid == 0:  # double fork: reparented to PID 1, the zygote\n"
            "            time.sleep(60)\n"
            "        os.write(w, str(pid).encode())\n"
            "        os._exit(0)\n"
            "    return int(os.read(r, 100))\n")
    grandchild = _value(_run(code))
    assert grandchild > 1
    probe = ("import os\n"
             "def f(pid):\n"
             "    try:\n"
             "        os.kill(pid, 0)\n"
             "        return 'alive'\n"
             "    except ProcessLookupError:\n"
             "        return 'gone'\n"
             "    except PermissionError:  # Landlock's signal scope: it exists, outside this child\n"
             "        return 'alive'\n")
    assert _value(_run(probe, [("f", [grandchild])])) == "gone"


def test_files_and_memory_do_not_reach_the_next_submission():
    code = ("import os, numpy, json\n"
            "def f():\n"
            "    open('answers.txt', 'w').write('42')\n"
            "    for place in ('/tmp/x', '/dev/shm/x'):\n"
            "        try:\n"
            "            open(place, 'w').write('42')\n"
            "        except OSError:\n"
            "            pass\n"
            "    numpy.left_behind = 42\n"
            "    json.left_behind = 42\n"
            "    return os.getcwd()\n")
    cwd = _value(_run(code))
    probe = ("import os, numpy, json\n"
             "def f():\n"
             "    return [os.getcwd(), os.listdir('.'), os.path.exists('/tmp/x'), os.path.exists('/dev/shm/x'),\n"
             "            hasattr(numpy, 'left_behind'), hasattr(json, 'left_behind')]\n")
    cwd2, listing, tmp, shm, np_attr, json_attr = _value(_run(probe))
    assert cwd2 != cwd and listing == [] and not os.path.exists(cwd)
    assert (tmp, shm, np_attr, json_attr) == (False, False, False, False)


def test_sysv_shared_memory_does_not_reach_the_next_submission():
    code = ("import ctypes\n"
            "def f(create):\n"
            "    libc = ctypes.CDLL(None)\n"
            "    return libc.shmget(4242, 4096, (0o1000 | 0o600) if create else 0)\n")
    created = _run(code, [("f", [True])])
    later = _value(_run(code, [("f", [False])]))
    assert later == -1, f"a shared memory segment survived ({_value(created)})"


def test_signals_at_the_zygote_cost_only_that_submission(zygote):
    code = ("import os, signal\n"
            "def f():\n"
            "    for sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGSEGV, signal.SIGSTOP):\n"
            "        try:\n"
            "            os.kill(1, sig)\n"
            "        except OSError:\n"
            "            pass\n"
            "    return 1\n")
    pid = zygote.pid
    _run(code)
    assert _value(_run("def f():\n    return 7\n")) == 7
    assert zygote.pid == pid  # the same zygote went on


def test_a_dead_zygote_is_replaced(zygote):
    assert _value(_run("def f():\n    return 1\n")) == 1
    os.kill(zygote.pid, 9)  # bubblewrap, and with it the zygote, gone between two submissions
    time.sleep(0.2)
    assert _value(_run("def f():\n    return 2\n")) == 2
    assert zygote.pid is not None
