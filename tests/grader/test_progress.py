"""Progress: grade's bar, drawn on a terminal and silent elsewhere; release's line per assignment,
redrawn in place on a terminal and written once per assignment elsewhere."""
import io
import os
import re
import time

import pytest

from grader.errors import CommandError
from grader.progress import Progress, StepLines, jobs_or_cores


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_draws_on_a_terminal_and_ends_the_line():
    out = Terminal()
    bar = Progress(4, "grading", stream=out, min_interval=0)
    for _ in range(4):
        bar.step()
    text = out.getvalue()
    assert "\rgrading [" in text and "4/4" in text and text.endswith("\n")
    assert "#" * 30 in text


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    bar = Progress(3, "grading", stream=out, min_interval=0)
    for _ in range(3):
        bar.step()
    assert out.getvalue() == "" and bar.done == 3


def test_quiet_silences_even_a_terminal():
    out = Terminal()
    bar = Progress(2, "grading", stream=out, min_interval=0, quiet=True)
    bar.step()
    bar.step()
    assert out.getvalue() == "" and bar.done == 2


# --- a line per item through its steps (release) ---------------------------------------------

STEPS = ("source", "generate", "student")


class Latin1(io.StringIO):
    """A stream that cannot write ✔."""
    encoding = "latin-1"


def test_elsewhere_one_line_per_item_when_it_finishes():
    out = io.StringIO()
    lines = StepLines(["01_a", "02_long_name"], STEPS, stream=out)
    lines.begin("02_long_name", "source")
    lines.end("02_long_name", "source", ok=True)
    lines.begin("01_a", "source")
    assert out.getvalue() == ""  # nothing has finished
    with lines.step("02_long_name", "generate"):
        pass
    lines.end("02_long_name", "student", ok=False)
    first = out.getvalue()
    assert re.fullmatch(r"02_long_name  source ✔  generate ✔  student ✘  \d+\.\d s\n", first)
    lines.close()  # 01_a never got further: its steps not ended are skipped, its line written once
    rest = out.getvalue()[len(first):]
    assert re.fullmatch(r"01_a          source -  generate -  student -  \d+\.\d s\n", rest)
    lines.end("01_a", "student", ok=True)  # after close: ignored
    lines.close()
    assert out.getvalue() == first + rest


def test_a_block_that_raises_fails_its_step():
    out = io.StringIO()
    lines = StepLines(["a"], ["install"], stream=out)
    with pytest.raises(RuntimeError):
        with lines.step("a", "install"):
            raise RuntimeError("nbgrader failed")
    assert out.getvalue().startswith("a  install ✘  ")


def test_a_step_or_item_it_does_not_know_is_refused():
    lines = StepLines(["a"], STEPS, stream=io.StringIO())
    with pytest.raises(ValueError, match="no step 'install' of 'a': the steps are source, generate, student"):
        lines.begin("a", "install")
    with pytest.raises(ValueError, match="no step 'source' of 'b'"):
        lines.end("b", "source", ok=True)


def test_on_a_terminal_the_lines_are_redrawn_in_place():
    out = Terminal()
    with StepLines(["01_a", "02_b"], STEPS, stream=out, tick=60) as lines:
        drawn = out.getvalue()
        assert drawn == "\x1b[2K01_a  source ·  generate ·  student ·\n\x1b[2K02_b  source ·  generate ·  student ·\n"
        lines.begin("02_b", "source")
    text = out.getvalue()
    assert "\x1b[2F\x1b[2K01_a  source ·" in text  # back up two lines, then every line again
    assert re.search(r"\x1b\[2K02_b  source …  generate ·  student ·  \d+\.\d s\n", text)
    assert re.search(r"\x1b\[2K02_b  source -  generate -  student -  \d+\.\d s\n$", text)  # closed: skipped


def test_the_clock_ticks_on_a_terminal():
    out = Terminal()
    with StepLines(["a"], STEPS, stream=out, tick=0.01) as lines:
        lines.begin("a", "source")
        deadline = time.monotonic() + 60
        while out.getvalue().count("\x1b[1F") < 3 and time.monotonic() < deadline:  # redrawn by the ticker alone
            time.sleep(0.01)
    assert out.getvalue().count("\x1b[1F") >= 3


def test_quiet_writes_nothing_even_on_a_terminal():
    out = Terminal()
    with StepLines(["a"], STEPS, stream=out, quiet=True) as lines:
        for step in STEPS:
            lines.end("a", step, ok=True)
    assert out.getvalue() == ""


def test_a_stream_that_cannot_write_the_marks_gets_ascii_ones():
    out = Latin1()
    with StepLines(["a"], ["source", "student"], stream=out) as lines:
        lines.end("a", "source", ok=True)
    assert out.getvalue().startswith("a  source ok  student -  ")


def test_jobs_default_to_the_cores_and_must_be_positive():
    assert jobs_or_cores(None) == (os.cpu_count() or 1) and jobs_or_cores(3) == 3
    for bad in (0, -2):
        with pytest.raises(CommandError, match="--jobs must be at least 1"):
            jobs_or_cores(bad)
