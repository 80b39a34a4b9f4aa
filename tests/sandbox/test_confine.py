"""The outer fence: what the bubblewrap command mounts, and the fallback when it cannot run."""
import site
import sys
from pathlib import Path

import grader
from grader.grade import Summary
from grader.sandbox import confine

WORKER = [sys.executable, "-I", "-S", "/tmp/lib/worker.py", "/tmp/lib"]


def test_namespaces_work_on_this_machine():
    ok, reason = confine.available()
    assert ok, f"bubblewrap namespaces are needed here (CI installs bubblewrap): {reason}"


def test_command_mounts_no_course_no_grader_and_hides_site_packages():
    argv = confine.command(WORKER, Path("/tmp/lib"), Path("/tmp/home"))
    assert Path(argv[0]).name == "bwrap"
    for flag in ("--unshare-all", "--die-with-parent", "--new-session"):
        assert flag in argv
    assert argv[argv.index("--cap-drop") + 1] == "ALL"
    binds = {argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind", "--ro-bind-try")}
    grader_dir = str(Path(grader.__file__).resolve().parent)
    assert not any(grader_dir.startswith(b) or b.startswith(grader_dir) for b in binds if b not in ("/usr",))
    assert "/tmp/home" in binds and "/tmp/lib" in binds
    hidden = {argv[i + 1] for i, a in enumerate(argv) if a == "--tmpfs"}
    for folder in site.getsitepackages():
        assert str(Path(folder).resolve()) in hidden
    assert argv[argv.index("--") + 1] == str(Path(sys.executable).resolve())


def test_fallback_runs_the_bare_worker_and_says_so(monkeypatch):
    monkeypatch.setattr(confine, "available", lambda: (False, "bubblewrap (bwrap) is not installed"))
    assert confine.command(WORKER, Path("/tmp/lib"), Path("/tmp/home")) == WORKER
    line = Summary(Path("/c"), namespaces="bubblewrap (bwrap) is not installed", landlock=0).isolation()
    assert "NO namespaces: bubblewrap (bwrap) is not installed" in line and "rlimits" in line
    assert "bubblewrap namespaces (no network" in Summary(Path("/c"), landlock=7).isolation()
