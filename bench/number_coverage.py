"""Digit-run coverage of ``find_numbers`` on Korean text, run by hand (never by the test suite):

    python bench/number_coverage.py ../shared/corpora/*/*.ko
    python bench/number_coverage.py --misses 20 FILE...   # also list the literals most often seen

For every file: its Korean lines (those with at least one Hangul syllable), their ASCII digit runs,
how many of them lie inside an expression of ``find_numbers`` (the coverage, goal ≥ 99%), and how
those covered runs split between rendered expressions (money, dates, units, ...) and literals
(digits kept exactly as written). Runs inside a literal with a ``problem`` are counted apart.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from mt.numbers import coverage, digit_runs, find_numbers

_HANGUL = re.compile(r"[가-힣]")


def measure(path: Path, literals: Counter) -> dict:
    covered = total = rendered = literal = problems = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not _HANGUL.search(line):
                continue
            exprs = find_numbers(line)
            c, t = coverage(line, exprs)
            covered += c
            total += t
            for expr in exprs:
                runs = len(digit_runs(expr.text))
                if expr.kind != "literal":
                    rendered += runs
                elif expr.problem:
                    problems += runs
                else:
                    literal += runs
                    literals[expr.text] += 1
    return {"covered": covered, "total": total, "rendered": rendered, "literal": literal, "problem": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--misses", type=int, default=0, help="list the N most frequent literals")
    args = parser.parse_args(argv)
    literals: Counter = Counter()
    worst = 100.0
    print(f"{'file':45} {'runs':>6} {'covered':>8} {'rendered':>9} {'literal':>8} {'problem':>8}")
    for path in args.files:
        r = measure(path, literals)
        share = 100 * r["covered"] / r["total"] if r["total"] else 100.0
        worst = min(worst, share)
        pct = (lambda k: f"{100 * r[k] / r['total']:.1f}%" if r["total"] else "-")
        print(f"{str(path)[-45:]:45} {r['total']:>6} {share:>7.2f}% {pct('rendered'):>9} {pct('literal'):>8} "
              f"{pct('problem'):>8}")
    for text, count in literals.most_common(args.misses):
        print(f"  {count:>4}  {text}")
    print(f"lowest coverage: {worst:.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
