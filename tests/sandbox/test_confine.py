"""The outer fence: what the bubblewrap command mounts, and the fallback when it cannot run."""
import site
import sys
from pathlib import Path

import numpy

import grader
from grader.grade import Summary
from grader.sandbox import confine

WORKER = [sys.executable, "-I", "-S", "/tmp/lib/worker.py", "/tmp/lib"]  # unconfined: the library folder as it is


def test_namespaces_work_on_this_machine():
    ok, reason = confine.available()
    assert ok, f"bubblewrap namespaces are needed here (CI installs bubblewrap): {reason}"


def test_command_mounts_no_course_no_grader_and_hides_site_packages():
    argv = confine.command("worker.py", Path("/tmp/lib"))
    assert Path(argv[0]).name == "bwrap"
    for flag in ("--unshare-all", "--die-with-parent", "--new-session"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    added = [argv[i + 1] for i, a in enumerate(argv) if a == "--cap-add"]
    assert sorted(added) == ["CAP_SETPCAP", "CAP_SYS_ADMIN"]  # for the scratch mount; dropped before learner code
    binds = {argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind", "--ro-bind-try")}
    assert "--bind" not in argv  # nothing of the host is writable
    grader_dir = str(Path(grader.__file__).resolve().parent)
    assert not any(grader_dir.startswith(b) or b.startswith(grader_dir) for b in binds if b not in ("/usr",))
    assert argv[argv.index("/tmp/lib") - 1] == "--ro-bind" and argv[argv.index("/tmp/lib") + 1] == confine.SANDBOX_LIB
    shown = {argv[i + 2]: argv[i + 1] for i, a in enumerate(argv) if a == "--ro-bind"}
    numpy_dir = str(Path(numpy.__file__).resolve().parent)
    assert shown[f"{confine.SANDBOX_LIB}/numpy"] == numpy_dir  # inside the library folder, never under /tmp
    hidden = {argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs"}
    assert confine.SANDBOX_HOME in hidden and argv[argv.index("--chdir") + 1] == confine.SANDBOX_HOME
    for folder in site.getsitepackages():
        assert str(Path(folder).resolve()) in hidden
    assert argv[argv.index("--") + 1:] == [str(Path(sys.executable).resolve()), "-I", "-S",
                                           f"{confine.SANDBOX_LIB}/worker.py", confine.SANDBOX_LIB]


def test_nothing_the_worker_needs_is_under_a_place_each_submission_covers():
    argv = confine.command("worker.py", Path("/tmp/lib"))
    targets = [argv[i + 2] for i, a in enumerate(argv) if a in ("--ro-bind", "--ro-bind-try")]
    python = argv[argv.index("--") + 1]
    for place in confine.private_places():
        assert not [t for t in targets + [python] if t.startswith(place + "/")], place


def test_fallback_runs_the_bare_worker_and_says_so(monkeypatch):
    monkeypatch.setattr(confine, "available", lambda: (False, "bubblewrap (bwrap) is not installed"))
    assert confine.command("worker.py", Path("/tmp/lib")) == WORKER
    line = Summary(Path("/c"), namespaces="bubblewrap (bwrap) is not installed", landlock=0).isolation()
    assert "NO namespaces: bubblewrap (bwrap) is not installed" in line and "rlimits" in line
    assert "bubblewrap namespaces (no network" in Summary(Path("/c"), landlock=7).isolation()
