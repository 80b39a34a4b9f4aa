"""Benchmark: `backprop-course release` of the six assignments into a fresh course, the release gate
running its notebooks side by side (--jobs, default: all cores) and one at a time (--jobs 1).

    python benchmarks/release.py [--runs 3] [--jobs CORES]

Each run is a fresh process, as an instructor runs the command, releasing into a new temporary
folder; the two settings alternate, so that a change in the machine's load hits both. Prints the
machine, then for each run its wall time, its CPU time (the command and the kernels it started)
and the load average just before it, and last the median wall time of each setting and their
ratio. Not a test: it takes minutes. Exit status 1 when a release fails.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark import _env, machine

ROOT = Path(__file__).resolve().parents[1]


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_release(jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `backprop-course -q release --jobs jobs` into a new folder."""
    with tempfile.TemporaryDirectory(prefix="backprop-bench-release-") as tmp:
        command = [sys.executable, "-m", "grader", "-q", "release", "--course", str(Path(tmp) / "course"),
                   "--jobs", str(jobs)]
        cpu, start = cpu_of_children(), time.monotonic()
        done = subprocess.run(command, env=_env(), cwd=tmp, capture_output=True, text=True)
        wall = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"backprop-course release --jobs {jobs} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return wall, cpu_of_children() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each setting (default: 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="the gate's notebooks at once in the parallel setting (default: all cores)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.jobs < 1:
        parser.error("--runs and --jobs must be at least 1")
    print("machine:", machine(), flush=True)
    walls: dict[int, list[float]] = {args.jobs: [], 1: []}
    for run in range(1, args.runs + 1):
        for jobs in walls:
            load = os.getloadavg()[0]
            wall, cpu = timed_release(jobs)
            walls[jobs].append(wall)
            print(f"run {run}/{args.runs}  --jobs {jobs}: {wall:5.1f} s wall, {cpu:5.1f} s CPU "
                  f"(load average {load:.2f} before)", flush=True)
    parallel, serial = statistics.median(walls[args.jobs]), statistics.median(walls[1])
    print(f"median of {args.runs}: --jobs {args.jobs} {parallel:.1f} s, --jobs 1 {serial:.1f} s; "
          f"ratio {serial / parallel:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
