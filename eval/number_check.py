"""Number consistency: the share of the source's numbers that the hypothesis renders.

Uses mt.numbers (Korean number normalisation: 1억 2천만, 16.5억 원, 7월 1일 ...) when it is
available; otherwise plain digit sequences, which must then appear verbatim in the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class NumberFinding:
    line: int  # 1-based
    text: str
    expected: str
    found: bool

    def as_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "expected": self.expected, "found": self.found}


@dataclass
class NumberReport:
    method: str  # "mt.numbers" or "digits"
    findings: list[NumberFinding] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.findings)

    @property
    def found(self) -> int:
        return sum(f.found for f in self.findings)

    @property
    def consistency(self) -> float | None:
        return self.found / self.total if self.findings else None


def _account_numbers():
    try:
        from mt.numbers import account_numbers
    except ImportError:
        return None
    return account_numbers


def _digit_checks(source: str, output: str) -> list[tuple[str, str, bool]]:
    checks = []
    for match in _DIGITS.finditer(source):
        text = match.group()
        variants = {text, text.replace(",", "")}
        checks.append((text, text, any(v in output for v in variants)))
    return checks


def check_numbers(sources: Sequence[str], hypotheses: Sequence[str]) -> NumberReport:
    account = _account_numbers()
    report = NumberReport(method="mt.numbers" if account else "digits")
    for number, (source, hypothesis) in enumerate(zip(sources, hypotheses), start=1):
        if account is not None:
            for check in account(source, hypothesis):
                report.findings.append(NumberFinding(number, check.expr.text, check.expr.english, bool(check.found)))
        else:
            for text, expected, found in _digit_checks(source, hypothesis):
                report.findings.append(NumberFinding(number, text, expected, found))
    return report
