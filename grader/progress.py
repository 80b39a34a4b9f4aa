"""A one-line progress bar on stderr, shown only when stderr is a terminal."""
import sys
import threading
import time


class Progress:
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
