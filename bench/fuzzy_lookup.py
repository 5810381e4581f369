"""Fuzzy-match lookup benchmark, run by hand (never by the test suite):

    python bench/fuzzy_lookup.py                   # 100,000 entries, 500 queries
    python bench/fuzzy_lookup.py --entries 10000 --queries 100 --brute 20

A memory of ``--entries`` Korean sentences is made from tests/data/corpus/flores200-dev.200.ko
(FLORES-200 dev, CC BY-SA 4.0) by seeded edits: words dropped, swapped or borrowed from other
sentences, numbers changed. Queries are a mix of exact entries, entries with other numbers or
spacing, edited entries and unrelated sentences. Printed: index build time, the median and p99
time per query (mt.fuzzy.FuzzyIndex.lookup), the share of queries per band, and, for ``--brute``
queries, the brute-force scan (rapidfuzz over every entry) for comparison: its time and how often
the index found the same best score.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mt.fuzzy import FuzzyEntry, FuzzyIndex  # noqa: E402
from mt.memory import normalise  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus" / "flores200-dev.200.ko"


def variant(rng: random.Random, words: list[str], pool: list[str]) -> str:
    words = list(words)
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.3 and len(words) > 3:
            del words[rng.randrange(len(words))]
        elif roll < 0.55 and len(words) > 2:
            i, j = rng.randrange(len(words)), rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
        elif roll < 0.85:
            words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
        else:
            words.insert(rng.randrange(len(words) + 1), f"{rng.randint(1, 9999)}개")
    return " ".join(words)


def build(count: int, rng: random.Random) -> list[FuzzyEntry]:
    sentences = [line.strip() for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool = [word for sentence in sentences for word in sentence.split()]
    entries = [FuzzyEntry(s, f"english {n}", "human") for n, s in enumerate(sentences)]
    while len(entries) < count:
        base = rng.choice(sentences).split()
        entries.append(FuzzyEntry(variant(rng, base, pool), f"english {len(entries)}",
                                  "human" if rng.random() < 0.3 else "machine"))
    return entries


def queries(entries: list[FuzzyEntry], count: int, rng: random.Random) -> list[str]:
    pool = [word for entry in entries[:200] for word in entry.korean.split()]
    out = []
    for n in range(count):
        entry = rng.choice(entries).korean
        kind = n % 4
        if kind == 0:
            out.append(entry)
        elif kind == 1:          # other numbers, spacing or punctuation only
            changed = re.sub(r"\d+", lambda m: str(rng.randint(1, 9999)), entry)
            out.append(changed if changed != entry else entry.replace(" ", "  ", 1).rstrip(".") + " .")
        elif kind == 2:
            out.append(variant(rng, entry.split(), pool))
        else:
            out.append(" ".join(rng.sample(pool, 8)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--brute", type=int, default=30, help="queries also answered by a full scan")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    entries = build(args.entries, rng)
    started = time.perf_counter()
    index = FuzzyIndex(entries)
    built = time.perf_counter() - started
    asked = queries(entries, args.queries, rng)
    times, bands = [], {}
    for query in asked:
        started = time.perf_counter()
        found = index.lookup(query)
        times.append((time.perf_counter() - started) * 1000)
        band = found[0].band if found else "none"
        bands[band] = bands.get(band, 0) + 1
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(f"entries {len(index):,}; index built in {built:.1f} s")
    print(f"lookup per query: median {statistics.median(times):.2f} ms, p99 {p99:.2f} ms, max {times[-1]:.2f} ms "
          f"({len(times)} queries)")
    print("best match band: " + ", ".join(f"{band} {100 * n / len(asked):.0f}%" for band, n in sorted(bands.items())))
    keys = [normalise(entry.korean) for entry in entries]
    brute_times, same = [], 0
    for query in asked[:args.brute]:
        started = time.perf_counter()
        best = process.extractOne(normalise(query), keys, scorer=fuzz.ratio, score_cutoff=75)
        brute_times.append((time.perf_counter() - started) * 1000)
        found = index.lookup(query, limit=1)
        brute_score = min(94, int(best[1])) if best and best[1] < 100 else (100 if best else None)
        index_score = found[0].score if found else None
        # The index's near-exact scores (95-99) stand for the brute force's high ratios.
        same += (index_score is None and brute_score is None) or (
            index_score is not None and brute_score is not None and (index_score == brute_score or index_score >= 95))
    if brute_times:
        brute_median = statistics.median(brute_times)
        print(f"full scan (rapidfuzz over every entry): median {brute_median:.1f} ms per query; "
              f"index/scan time ratio {statistics.median(times) / brute_median:.3f}; "
              f"same best score {same} of {len(brute_times)}")


if __name__ == "__main__":
    main()
