"""Number consistency: the share of the source's numbers that the hypothesis renders.

The accounting is mt.numbers' (Korean number normalisation: 1억 2천만, 16.5억 원, 7월 1일 ...),
the same code `koen translate` audits its own output with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from mt.numbers import account_numbers

from .tally import Tally


@dataclass
class NumberFinding:
    line: int  # 1-based
    text: str
    expected: str
    found: bool

    def as_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "expected": self.expected, "found": self.found}


@dataclass
class NumberReport(Tally):
    method: str = "mt.numbers"
    findings: list[NumberFinding] = field(default_factory=list)

    @property
    def consistency(self) -> float | None:
        return self.share


def check_numbers(sources: Sequence[str], hypotheses: Sequence[str]) -> NumberReport:
    report = NumberReport()
    for number, (source, hypothesis) in enumerate(zip(sources, hypotheses), start=1):
        for check in account_numbers(source, hypothesis):
            report.findings.append(NumberFinding(number, check.expr.text, check.expr.english, bool(check.found)))
    return report
