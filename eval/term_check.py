"""Term success: of the glossary terms found in the source, the share whose approved English
appears in the hypothesis line (case-sensitive exact substring).

A do-not-translate entry expects what translation keeps (the entry's target) in the output. Matching is glossary/'s
own matcher, so eval counts exactly the terms the translation pipeline enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .tally import Tally
from glossary.termbase import Termbase
import datetime
from mt.errors import KoenError
from glossary.match import Matcher


@dataclass
class TermFinding:
    line: int  # 1-based
    entry_id: str
    korean: str
    english: str
    surface: str
    expected: str
    found: bool

    def as_dict(self) -> dict:
        return {
            "line": self.line, "id": self.entry_id, "korean": self.korean, "english": self.english,
            "surface": self.surface, "expected": self.expected, "found": self.found,
        }


@dataclass
class TermReport(Tally):
    glossary_sha256: str
    findings: list[TermFinding] = field(default_factory=list)

    @property
    def success(self) -> float | None:
        return self.share

    def per_term(self) -> list[dict]:
        """Hits and misses per glossary entry, most-missed first (for tables and plots)."""
        table: dict[str, dict] = {}
        for f in self.findings:
            row = table.setdefault(f.entry_id, {"id": f.entry_id, "korean": f.korean, "english": f.english, "hits": 0, "misses": 0})
            row["hits" if f.found else "misses"] += 1
        return sorted(table.values(), key=lambda r: (-r["misses"], -r["hits"], r["korean"]))


def load_termbase(path: str | Path):

    return Termbase.load(path)


def parse_date(date):
    """``YYYY-MM-DD`` (or a ``datetime.date``) for date-limited glossary entries."""

    if date is None or isinstance(date, datetime.date):
        return date
    try:
        return datetime.date.fromisoformat(str(date))
    except ValueError:

        raise KoenError(f"--date {date}: expected YYYY-MM-DD") from None


def check_terms(
    sources: Sequence[str],
    hypotheses: Sequence[str],
    termbase,
    date=None,
) -> TermReport:

    date = parse_date(date)
    matcher = Matcher(termbase)
    report = TermReport(glossary_sha256=termbase.sha256())
    for number, (source, hypothesis) in enumerate(zip(sources, hypotheses), start=1):
        for hit in matcher.find(source, date=date):
            entry = hit.entry
            expected = entry.target      # what translation enforces (the Korean itself for do-not-translate)
            report.findings.append(TermFinding(
                line=number, entry_id=str(entry.id), korean=entry.korean, english=entry.english,
                surface=hit.surface, expected=expected, found=bool(expected) and expected in hypothesis,
            ))
    return report
