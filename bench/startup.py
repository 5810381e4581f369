"""Start-up cost of a one-line job, run by hand (never by the test suite):

    python bench/startup.py                 # 7 runs, median CPU-seconds
    python bench/startup.py --runs 3 --line "서울시는 2027년까지 투입한다."

Each run is a fresh ``python -m koen translate --backend romanize`` process translating one line
from standard input (the starter glossary enforced, as by default). Its CPU time (user + system,
from the kernel's accounting of the finished child: ``resource.getrusage(RUSAGE_CHILDREN)``) is
what a user pays for one line, whatever else the shared machine is doing; wall time is printed
beside it for reference. Also printed: the same with ``python -c pass`` and with ``--version``
(interpreter and import baselines) so the part koen's own loading costs can be read off.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = "□ Ministry of Land, Infrastructure, and Transport(장관 박상우)는 2027년까지 165억 원을 투입한다.\n"


def cpu_seconds(argv: list[str], stdin: str) -> tuple[float, float]:
    """(CPU-seconds, wall seconds) of one child process running ``argv``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def median_of(runs: int, argv: list[str], stdin: str) -> tuple[float, float]:
    samples = [cpu_seconds(argv, stdin) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--line", default=LINE)
    args = parser.parse_args()
    line = args.line if args.line.endswith("\n") else args.line + "\n"
    python = sys.executable
    cases = [("python -c pass", [python, "-c", "pass"], ""),
             ("koen --version", [python, "-m", "koen", "--version"], ""),
             ("koen translate --backend romanize (1 line)", [python, "-m", "koen", "translate", "--backend", "romanize"],
              line)]
    print(f"median of {args.runs} runs; CPU-seconds (user+sys) and wall seconds")
    for label, argv, stdin in cases:
        cpu, wall = median_of(args.runs, argv, stdin)
        print(f"{label:46} {cpu:6.2f} CPU-s  {wall:6.2f} s wall")


if __name__ == "__main__":
    main()
