"""Scoring the matcher on a set of sentences with expected hits (precision and recall).

Case file: UTF-8 TSV, ``#`` comments; columns: sentence, document date (may be empty),
expected hits as ``surface=English`` joined by `` ; `` (empty: no hit expected).
A hit counts as correct when both its surface and the English of its entry are expected.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mt.errors import KoenError, located
from mt.textio import read_lines

from .match import Matcher


@dataclass
class Case:
    line: int
    sentence: str
    date: datetime.date | None
    expected: list[tuple[str, str]]


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def load_cases(path: str | Path) -> list[Case]:
    cases = []
    for number, raw in enumerate(read_lines(path), start=1):
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        cells = text.split("\t")
        if len(cells) != 3:
            raise KoenError(located(str(path), number, f"expected 3 tab-separated columns, found {len(cells)}"))
        sentence, date, expected = cells
        try:
            when = datetime.date.fromisoformat(date) if date.strip() else None
        except ValueError:
            raise KoenError(located(str(path), number, f"bad date {date!r}")) from None
        pairs = []
        for item in filter(None, (part.strip() for part in expected.split(" ; "))):
            surface, sep, english = item.partition("=")
            if not sep:
                raise KoenError(located(str(path), number, f"expected hit {item!r} is not surface=English"))
            pairs.append((surface, english))
        cases.append(Case(number, sentence, when, pairs))
    return cases


def score(matcher: Matcher, cases: list[Case]) -> Score:
    result = Score()
    for case in cases:
        found = Counter((h.surface, h.entry.target) for h in matcher.find(case.sentence, case.date))
        expected = Counter(case.expected)
        hits = found & expected
        result.true_positives += sum(hits.values())
        extra = found - expected
        missing = expected - found
        result.false_positives += sum(extra.values())
        result.false_negatives += sum(missing.values())
        if extra or missing:
            result.failures.append(
                f"line {case.line}: {case.sentence!r}: unexpected {sorted(extra.elements())}, missing {sorted(missing.elements())}"
            )
    return result
