"""What the pipeline needs from a terminology source: a finder of terms in Korean text.

The pipeline enforces terms without knowing where they come from; ``glossary.match.Matcher``
implements this protocol for the editors' TSV glossary, and any other source (a customer's
termbase service, a test double) can plug in the same way.
"""

from __future__ import annotations

import datetime
from typing import Iterable, Protocol, runtime_checkable


@runtime_checkable
class TermHit(Protocol):
    """One occurrence of a term: ``text[start:end]`` is the term as written, never its particle."""

    start: int
    end: int
    surface: str

    @property
    def english(self) -> str:
        """The English the translation must contain (the term itself for do-not-translate entries)."""

    def describe(self) -> dict:
        """The term's identity for the audit (entry id, Korean form, glossary line, kind, dnt)."""


@runtime_checkable
class TermFinder(Protocol):
    @property
    def fingerprint(self) -> str | None:
        """A hash of the terminology, recorded in provenance and in the translation memory's key."""

    def find(self, text: str, date: datetime.date | None = None) -> Iterable[TermHit]:
        """Non-overlapping hits in ``text``, left to right, valid on ``date``."""
