"""Issue 18 part 3: the numbers koen forces into a translation are stated by the human reference.

For each Korean source line of every development corpus with references (the committed samples
under tests/data, and ../shared/corpora when present), each number of koen's renderings
(``find_numbers``) must be stated by the reference; every line where it is not is explained in
tests/data/numbers/reference-disagreements.tsv. A new disagreement fails the test (fix the rule, or
explain it with ``python bench/number_references.py --write-disagreements``), and so does a
listed one that no longer occurs (the list stays exact).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("number_references", ROOT / "bench" / "number_references.py")
references = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(references)

CORPORA = references.corpora()
LISTED = references.read_disagreements()
# Precision floors per corpus family (forced numbers stated by the reference). news-park is
# 1990s-2000s news: weekdays for dates, datelines, partly aligned pairs (see the list's reasons).
FLOORS = {"flores200-dev": 0.98, "jhe": 0.96, "tatoeba": 0.99, "news-park": 0.65}


def _family(name: str) -> str:
    return next(f for f in FLOORS if f in name)


def test_the_committed_samples_are_there():
    names = {name for name, _ko, _en in CORPORA}
    assert {"samples/flores200-dev.200", "samples/tatoeba.100", "samples/news-park-dev.numbers",
            "samples/jhe-dev.numbers"} <= names


def test_every_listed_disagreement_is_explained():
    assert LISTED and all(row["why"].strip() and ":" in row["why"] for row in LISTED)
    assert not any(row["why"].startswith("differs: the reference states another number here (check by hand)")
                   for row in LISTED)


@pytest.mark.parametrize("name,ko,en", CORPORA, ids=[name for name, _k, _e in CORPORA])
def test_forced_numbers_are_stated_by_the_reference(name, ko, en):
    report, rows = references.misses(name, ko, en)
    listed = {references.key(r) for r in LISTED if r["corpus"] == name}
    found = {references.key(r) for r in rows}
    new = [f"{r['line']}: {r['source']!r} -> {r['english']!r} | {r['reference'][:80]}" for r in rows
           if references.key(r) not in listed]
    assert not new, f"{name}: {len(new)} disagreements not in the list:\n" + "\n".join(new[:20])
    gone = sorted(listed - found)
    assert not gone, f"{name}: listed disagreements that no longer occur (remove them): {gone[:10]}"
    print(f"{name}: {report.stated}/{report.numbers} forced numbers stated by the reference "
          f"({100 * (report.precision or 1):.2f}%)")
    assert report.precision is None or report.precision >= FLOORS[_family(name)]
