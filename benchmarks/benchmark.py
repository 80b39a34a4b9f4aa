"""Benchmark: `backprop-course grade` against `nbgrader autograde` on the same class, same machine.

    python benchmarks/benchmark.py [--n 1000] [--nbgrader-n 60] [--jobs CORES] [--keep DIR] [--seed 0]

1. releases the course once (`backprop-course release`, or reuses the one in --keep DIR);
2. builds a class with grader.sample_class.make_class: submissions round-robin over the six
   assignments, each the reference, the stubs, plausible wrong answers or half done;
3. on a copy holding the first --nbgrader-n submissions, grades with `backprop-course grade`
   (sandbox on, --jobs) and with `nbgrader autograde <a>` for each assignment, one after the other,
   each in a fresh process as an instructor would run them; checks that every score agrees;
4. grades the whole class of --n submissions with `backprop-course grade`, if --n is larger;
5. prints per-notebook time, throughput, peak memory (the grading process's own peak RSS, and the
   largest of its child processes) and the ratio per notebook.

Not a test: it takes minutes (nbgrader needs about a second or more per notebook). The machine it
ran on is printed first, so that figures can be quoted with it. Exit status 1 when a score differs.
"""
import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exercises import ASSIGNMENTS  # noqa: E402

# Run in a fresh interpreter: the grading process measures its own wall time and peak RSS.
MEASURE = """
import json, resource, sys, time
start = time.monotonic()
sys.argv = ["backprop-course"] + sys.argv[1:]
from grader.cli import main
status = main(sys.argv[1:])
wall = time.monotonic() - start
peak = 0
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print("BENCH " + json.dumps({"status": status, "wall": wall, "peak_rss": peak, "children_peak_rss": children}))
"""


def machine():
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy
    memory = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f", {kb / 2 ** 20:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    from grader.sandbox import confine
    ok, why = confine.available()
    return (f"{os.cpu_count()} cores ({model}){memory}, Linux {platform.release()}, Python "
            f"{platform.python_version()}, numpy {numpy.__version__}; sandbox: "
            + ("bubblewrap namespaces" if ok else f"NO namespaces ({why})"))


def _env():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def released_course(keep):
    """A released course directory (submissions removed), made once and reused with --keep."""
    from grader.release import release
    base = Path(keep) / "released" if keep else Path(tempfile.mkdtemp(prefix="backprop-bench-")) / "released"
    if not (base / "gradebook.db").is_file():
        print(f"releasing the course into {base} (once) ...", flush=True)
        release(base)
    return base


def build_class(released, target, n, seed):
    """A copy of the released course with n submissions; returns [(student, assignment, kind)]."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(released, target, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback",
                                                                     ".backprop-course"))
    try:
        from grader.sample_class import make_class
    except ImportError:  # older tree: reference, stubs and the struggling learner's mistakes in turn
        return _local_class(target, n)
    return make_class(target, n, seed)


def _local_class(course, n):
    import nbformat
    from grader import samples
    wrong = samples.overrides("struggling")
    release = {a: nbformat.read(course / "release" / a / f"{a}.ipynb", as_version=4) for a in ASSIGNMENTS}
    source = {a: nbformat.read(course / "source" / a / f"{a}.ipynb", as_version=4) for a in ASSIGNMENTS}
    roster = []
    for i in range(n):
        a = list(ASSIGNMENTS)[i % len(ASSIGNMENTS)]
        kind = ("reference", "stub", "wrong")[(i // len(ASSIGNMENTS)) % 3]
        student = f"s{i // len(ASSIGNMENTS):04d}"
        nb = release[a] if kind == "stub" else samples.submission(release[a], source[a],
                                                                   wrong.get(a) if kind == "wrong" else None)
        path = course / "submitted" / student / a / f"{a}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        roster.append((student, a, kind))
    return roster


def run_ours(course, jobs, extra=()):
    command = [sys.executable, "-c", MEASURE, "grade", "--course", str(course), "--jobs", str(jobs), *extra]
    proc = subprocess.run(command, env=_env(), capture_output=True, text=True, cwd=course)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"backprop-course grade failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    stats = json.loads(line[6:])
    stats["isolation"] = next((l for l in proc.stdout.splitlines() if l.startswith("isolation:")), "")
    return stats


# nbgrader autograde in a fresh process; this wrapper reports the peak RSS of it and its kernels.
NB_MEASURE = """
import json, resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", sys.argv[1], "--force"],
                      capture_output=True, text=True)
sys.stderr.write(proc.stderr[-1500:] if proc.returncode else "")
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print("BENCH " + json.dumps({"status": proc.returncode, "children_peak_rss": peak}))
"""


def run_nbgrader(course):
    """nbgrader autograde, one assignment after the other, as an instructor would."""
    start, peak = time.monotonic(), 0
    for a in ASSIGNMENTS:
        if not any((course / "submitted").glob(f"*/{a}/*.ipynb")):
            continue
        proc = subprocess.run([sys.executable, "-c", NB_MEASURE, a], cwd=course, env=_env(),
                              capture_output=True, text=True)
        line = next((l for l in proc.stdout.splitlines() if l.startswith("BENCH ")), None)
        stats = json.loads(line[6:]) if line else {"status": "?", "children_peak_rss": 0}
        peak = max(peak, stats["children_peak_rss"])
        if stats["status"] != 0:
            print(f"warning: nbgrader autograde {a} exited {stats['status']}: {proc.stderr[-1500:]}",
                  file=sys.stderr)
    return {"wall": time.monotonic() - start, "children_peak_rss": peak}


def our_scores(course):
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        return {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(f)}


def nbgrader_scores(course, keys):
    from nbgrader.api import Gradebook, MissingEntry
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, a in keys:
            try:
                out[(student, a)] = float(gb.find_submission(a, student).score)
            except MissingEntry:
                out[(student, a)] = None
    return out


def _mib(x):
    return f"{x / 2 ** 20:.0f} MiB"


def report(label, n, stats):
    per = stats["wall"] / n
    line = (f"{label:<34} {n:>5} notebooks  {stats['wall']:7.1f} s  {per * 1000:8.1f} ms/notebook  "
            f"{n / stats['wall']:6.2f} notebooks/s")
    if "peak_rss" in stats:
        line += f"  peak RSS {_mib(stats['peak_rss'])} (grader), {_mib(stats['children_peak_rss'])} (largest child)"
    else:
        line += f"  peak RSS {_mib(stats['children_peak_rss'])} (largest process)"
    print(line, flush=True)
    return per


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions in the whole class (ours only past --nbgrader-n)")
    parser.add_argument("--nbgrader-n", type=int, default=60,
                        help="submissions graded by both, to compare times and scores (0: skip nbgrader)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="our parallel workers (default: cores)")
    parser.add_argument("--keep", help="work in this folder and keep it (the release is reused next time)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample class")
    args = parser.parse_args(argv)
    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="backprop-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print("machine:", machine(), flush=True)
    released = released_course(work)
    failed = False
    if args.nbgrader_n:
        n = args.nbgrader_n
        ours_dir, theirs_dir = work / f"ours-{n}", work / f"nbgrader-{n}"
        roster = build_class(released, ours_dir, n, args.seed)
        build_class(released, theirs_dir, n, args.seed)
        kinds = {k: sum(1 for r in roster if r[2] == k) for k in sorted({r[2] for r in roster})}
        print(f"class of {n}: {kinds}", flush=True)
        ours = run_ours(ours_dir, args.jobs, ["--force"])
        print(ours["isolation"])
        theirs = run_nbgrader(theirs_dir)
        per_ours = report(f"backprop-course grade --jobs {args.jobs}", n, ours)
        per_theirs = report("nbgrader autograde (6 assignments)", n, theirs)
        print(f"ratio per notebook: {per_theirs / per_ours:.1f}x faster than nbgrader autograde", flush=True)
        mine = our_scores(ours_dir)
        keys = sorted({(s, a) for s, a, _ in roster})
        their = nbgrader_scores(theirs_dir, keys)
        differ = [(k, mine.get(k), their.get(k)) for k in keys
                  if mine.get(k) is None or their.get(k) is None or abs(mine[k] - their[k]) > 1e-9]
        if differ:
            failed = True
            print(f"SCORES DIFFER on {len(differ)} of {len(keys)} submissions:")
            for (student, a), m, t in differ[:20]:
                print(f"  {student} {a}: ours {m}, nbgrader {t}")
        else:
            print(f"scores agree on all {len(keys)} submissions", flush=True)
        if not args.keep:
            shutil.rmtree(theirs_dir, ignore_errors=True)
    if args.n and args.n != args.nbgrader_n:
        whole = work / f"ours-{args.n}"
        build_class(released, whole, args.n, args.seed)
        ours = run_ours(whole, args.jobs, ["--force"])
        if not args.nbgrader_n:
            print(ours["isolation"])
        report(f"backprop-course grade --jobs {args.jobs}", args.n, ours)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
