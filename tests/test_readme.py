"""The README's figures are the registry's and the sandbox's, and its first lines are the two commands."""
import re
from pathlib import Path

import exercises
import grader

README = Path(grader.__file__).resolve().parent.parent / "README.md"


def test_first_lines_are_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines[:6] if line.startswith("pip install")]
    assert commands[0].startswith('pip install . && backprop-course demo')
    assert commands[1].startswith('pip install ".[test]" && python -m pytest')


def test_the_assignments_are_the_registry():
    text = README.read_text(encoding="utf-8")
    count = re.search(r"^(\w+) assignments \(`release` prints", text, re.M).group(1)
    assert count == ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight"][len(exercises.REGISTRY) - 1]
    table = re.findall(r"^\| `(\d\d_\w+)` \| .* \| ([\d, ]+) \|$", text, re.M)
    assert table == [(a.id, a.documents) for a in exercises.REGISTRY]


def test_sandbox_limits_match_the_defaults():
    from grader.sandbox import Limits
    text = " ".join(README.read_text(encoding="utf-8").split())
    limits = Limits()
    assert f"{limits.scratch_bytes // 2 ** 20} MiB and {limits.scratch_inodes:,} files in its working folder" in text
    assert (f"{limits.call_cpu:g} s per call, {limits.cell_cpu:g} s per cell, {limits.cpu:g} s per submission; "
            f"each with a wall-clock backstop five times longer") in text and limits.wall_factor == 5
    assert f"memory ({limits.memory // 2 ** 30} GiB), file size ({limits.file_size // 2 ** 20} MiB)" in text
