"""Progress of long runs on stderr: a one-line bar (grade) and a line per item through its steps
(release). Both are silent when quiet."""
from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from .errors import CommandError

PENDING, RUNNING, PASSED, FAILED, SKIPPED = "pending", "running", "passed", "failed", "skipped"
MARKS = {PENDING: "·", RUNNING: "…", PASSED: "✔", FAILED: "✘", SKIPPED: "-"}
ASCII_MARKS = {PENDING: ".", RUNNING: "~", PASSED: "ok", FAILED: "FAILED", SKIPPED: "-"}


def jobs_or_cores(jobs: int | None) -> int:
    """The number of parallel workers: jobs, or every core when it is None; CommandError below 1."""
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise CommandError("--jobs must be at least 1")
    return jobs


class Progress:
    """A bar `label [####......] done/total (rate/s)`, drawn only when the stream is a terminal."""

    def __init__(self, total, label, stream=None, min_interval=0.1, quiet=False):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.shown = not quiet and total > 0 and self.stream.isatty()
        self.lock, self.start, self.last, self.min_interval = threading.Lock(), time.monotonic(), 0.0, min_interval

    def step(self) -> None:
        with self.lock:
            self.done += 1
            now = time.monotonic()
            if self.shown and (now - self.last >= self.min_interval or self.done == self.total):
                self.last = now
                filled = int(30 * self.done / self.total)
                rate = self.done / max(now - self.start, 1e-9)
                self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] "
                                  f"{self.done}/{self.total} ({rate:.1f}/s)")
                if self.done == self.total:
                    self.stream.write("\n")
                self.stream.flush()


class StepLines:
    """One line per item through the same steps, e.g. `02_regression  source ✔  student …  12.3 s`
    (the seconds since the item's first step began). On a terminal every line is redrawn in place
    as steps begin and end, and the clocks tick; elsewhere an item's line is written once, when it
    finishes: every step has ended, or close() marks the steps left as skipped. Thread-safe."""

    def __init__(self, items: Sequence[str], steps: Sequence[str], stream: TextIO | None = None,
                 quiet: bool = False, tick: float = 0.5):
        self.items, self.steps = list(items), list(steps)
        self.stream = stream or sys.stderr
        self.quiet, self.live = quiet, not quiet and self.stream.isatty()
        self.state = {item: dict.fromkeys(self.steps, PENDING) for item in self.items}
        self.began: dict[str, float] = {}
        self.ended: dict[str, float] = {}
        self.marks = MARKS if _can_encode(self.stream, "".join(MARKS.values())) else ASCII_MARKS
        self.width = max(map(len, self.items), default=0)
        self.lock, self.drawn, self.closed = threading.Lock(), False, threading.Event()
        self.ticker = threading.Thread(target=self._tick, args=(tick,), daemon=True) if self.live else None
        if self.ticker:
            self._draw()
            self.ticker.start()

    def __enter__(self) -> StepLines:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def begin(self, item: str, step: str) -> None:
        self._set(item, step, RUNNING)

    def end(self, item: str, step: str, ok: bool) -> None:
        self._set(item, step, PASSED if ok else FAILED)

    @contextmanager
    def step(self, item: str, step: str) -> Iterator[None]:
        """Mark step running for the block, then passed, or failed if the block raises."""
        self.begin(item, step)
        ok = False
        try:
            yield
            ok = True
        finally:
            self.end(item, step, ok)

    def close(self) -> None:
        """Finish every item: a step that has not ended is marked skipped."""
        with self.lock:
            if self.closed.is_set():
                return
            self.closed.set()
            for item in self.items:
                if not self._finished(item):
                    for step, state in self.state[item].items():
                        if state in (PENDING, RUNNING):
                            self.state[item][step] = SKIPPED
                    self._finish(item)
            if self.live:
                self._draw()
        if self.ticker:
            self.ticker.join()

    def line(self, item: str) -> str:
        """The item's line as it stands."""
        steps = "  ".join(f"{step} {self.marks[state]}" for step, state in self.state[item].items())
        clock = ""
        if item in self.began:
            clock = f"  {self.ended.get(item, time.monotonic()) - self.began[item]:.1f} s"
        return f"{item:<{self.width}}  {steps}{clock}"

    def _set(self, item: str, step: str, state: str) -> None:
        if step not in self.state.get(item, {}):
            raise ValueError(f"no step {step!r} of {item!r}: the steps are {', '.join(self.steps)}")
        with self.lock:
            if self.closed.is_set():
                return
            self.began.setdefault(item, time.monotonic())
            self.state[item][step] = state
            if self._finished(item):
                self._finish(item)
            if self.live:
                self._draw()

    def _finished(self, item: str) -> bool:
        return all(state in (PASSED, FAILED, SKIPPED) for state in self.state[item].values())

    def _finish(self, item: str) -> None:
        self.ended[item] = time.monotonic()
        if not self.quiet and not self.live:
            self.stream.write(self.line(item) + "\n")
            self.stream.flush()

    def _draw(self) -> None:
        """Write every line again over the ones drawn before (the cursor ends below them)."""
        columns = shutil.get_terminal_size().columns - 1
        up = f"\x1b[{len(self.items)}F" if self.drawn else ""
        self.stream.write(up + "".join(f"\x1b[2K{self.line(item)[:columns]}\n" for item in self.items))
        self.stream.flush()
        self.drawn = True

    def _tick(self, interval: float) -> None:
        while not self.closed.wait(interval):
            with self.lock:
                if not self.closed.is_set():
                    self._draw()


def _can_encode(stream: TextIO, text: str) -> bool:
    """Whether stream can write text (a stream without an encoding, such as a StringIO, writes any)."""
    encoding = getattr(stream, "encoding", None)
    try:
        text.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
