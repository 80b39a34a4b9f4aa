"""The progress bar: drawn on a terminal, silent elsewhere."""
import io

from grader.progress import Progress


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
