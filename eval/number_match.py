"""Numbers checked against references: number precision and recall, disagreements per segment.

- **number precision**: of the numbers a hypothesis states, the share its reference also states;
- **number recall**: of the numbers the reference states, the share the hypothesis states.

A number is what ``mt.numbers.words.stated_numbers`` reads in English: digits (``1,000``, ``16.5
billion`` = 16,500,000,000, ``30%``, ``3rd``, ``1990s``, a clock time ``7:00`` as its hour),
cardinal number words (``three``, ``twenty-one``, ``eight thousand``, ``a million``, ``a dozen``,
``twenties``) and regnal numerals (``Henry VIII``). Two mentions agree when they share a value,
so ``$7 billion`` agrees with ``7,000,000,000 dollars`` and ``three`` with ``3``. A number is also
matched by what the other side implies without stating a number (``mt.numbers.words.supported_values``:
``second`` supports 2nd, ``a month`` one month, ``half an hour`` 30 minutes, ``two decades`` 20 years). With several
references a hypothesis number is matched by any of them, and recall pools their numbers.

``forced_number_check`` measures what koen itself promises: for each Korean source line, the
English renderings that ``mt.numbers.find_numbers`` forces into any output must be stated by the
human reference (the precision of koen's forced numbers). It needs no model, so it runs in the
test suite on every corpus with references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from mt.numbers import find_numbers
from mt.numbers.words import stated_numbers, supported_values


@dataclass
class SegmentNumbers:
    """One line's numbers that the other side does not state."""

    line: int  # 1-based
    hypothesis_only: list[str] = field(default_factory=list)
    reference_only: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"line": self.line, "hypothesis_only": self.hypothesis_only, "reference_only": self.reference_only}


@dataclass
class NumberMatchReport:
    hypothesis_numbers: int = 0
    hypothesis_matched: int = 0
    reference_numbers: int = 0
    reference_matched: int = 0
    disagreements: list[SegmentNumbers] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.hypothesis_matched / self.hypothesis_numbers if self.hypothesis_numbers else None

    @property
    def recall(self) -> float | None:
        return self.reference_matched / self.reference_numbers if self.reference_numbers else None

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall,
                "hypothesis": {"numbers": self.hypothesis_numbers, "matched": self.hypothesis_matched},
                "reference": {"numbers": self.reference_numbers, "matched": self.reference_matched}}


def _tally(mentions: list, values: set, unmatched: list[str]) -> int:
    """How many ``mentions`` the other side's ``values`` support; the others go to ``unmatched``."""
    missing = [m.text for m in mentions if not m.matches(values)]
    unmatched.extend(missing)
    return len(mentions) - len(missing)


def match_numbers(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> NumberMatchReport:
    """Number precision and recall of ``hypotheses`` against one or more reference streams."""
    report = NumberMatchReport()
    for index, hypothesis in enumerate(hypotheses):
        said = stated_numbers(hypothesis)
        refs = [m for stream in references for m in stated_numbers(stream[index])]
        ref_values = set().union(*(supported_values(stream[index]) for stream in references))
        said_values = supported_values(hypothesis)
        segment = SegmentNumbers(index + 1)
        report.hypothesis_numbers += len(said)
        report.hypothesis_matched += _tally(said, ref_values, segment.hypothesis_only)
        report.reference_numbers += len(refs)
        report.reference_matched += _tally(refs, said_values, segment.reference_only)
        if segment.hypothesis_only or segment.reference_only:
            report.disagreements.append(segment)
    return report


@dataclass
class ForcedMiss:
    """A number koen forces into the English of ``line`` that the reference does not state."""

    line: int
    source: str  # the Korean expression
    english: str  # koen's rendering
    unstated: list[str]  # the rendering's numbers the reference lacks

    def as_dict(self) -> dict:
        return {"line": self.line, "source": self.source, "english": self.english, "unstated": self.unstated}


@dataclass
class ForcedNumberReport:
    numbers: int = 0  # numbers (mentions) in koen's renderings
    stated: int = 0  # ... that the reference states
    misses: list[ForcedMiss] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.stated / self.numbers if self.numbers else None


def forced_number_check(sources: Sequence[str], references: Sequence[str]) -> ForcedNumberReport:
    """The precision of koen's forced number renderings against human references."""
    report = ForcedNumberReport()
    for index, (source, reference) in enumerate(zip(sources, references)):
        ref_values = supported_values(reference)
        for expr in find_numbers(source):
            mentions = stated_numbers(expr.english)
            unstated = [m.text for m in mentions if not m.matches(ref_values)]
            report.numbers += len(mentions)
            report.stated += len(mentions) - len(unstated)
            if unstated:
                report.misses.append(ForcedMiss(index + 1, expr.text, expr.english, unstated))
    return report
