"""QA for English text: flag spans that show a garbled number translation.

The patterns come from machine-translated Korean press releases, where a Korean date or amount
(``6.26.(목)``, ``'27년까지 165억 원``, ``5.27.~5.29.``) was half-converted: "June 6.26",
"2027 billion won invested by 165", "from May 5th to the 28th". Each rule is kept narrow so that
clean English news raises (almost) nothing; docs/numbers.md lists the rules.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Finding", "check_lines", "check_text"]


@dataclass(frozen=True)
class Finding:
    line: int
    column: int
    span: str
    message: str


_MONTH_NAMES = {calendar.month_name[i]: i for i in range(1, 13)}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")"
_ORD = r"(?:st|nd|rd|th)"
_WEEKDAY_NAMES = {name.lower()[:3]: i for i, name in enumerate(calendar.day_name)}

_MONTH_REPEAT = re.compile(r"\b" + _MONTH + r"\s(?P<a>\d{1,2})\.(?P<b>\d{1,2})\b(?!\.\d)")
_FROM_REPEAT = re.compile(
    r"\bfrom\s" + _MONTH + r"\s(?P<a>\d{1,2})" + _ORD + r"?\s(?:to|until|through|till|[-–])\s(?:the\s)?"
    r"(?P<b>\d{1,2})" + _ORD + r"?\b(?!\s?(?:%|,\d|\.\d|:\d))"
)
_AMOUNT = (r"(?:(?:KRW|USD|US\$|\$|₩|€)\s?)?(?P<{n}>\d[\d,]*(?:\.\d+)?)\s(?P<{n}s>billion|million|trillion)"
           r"(?:\s(?:won|dollars))?")
_AMOUNT_RE = re.compile(_AMOUNT.format(n="num"))
_YEAR_AMOUNT = re.compile(
    r"(?:(?:KRW|USD|US\$|\$|₩)\s?)?\b(?:19|20)\d\d\s(?:billion|million|trillion)\b(?:\s(?:won|dollars))?"
)
_BY_NUMBER = re.compile(r"\b(?:by|until|till)\s(?P<n>\d{1,3})(?!\d|[.,]\d|\s?%|\s?(?:percent|per\s?cent|"
                        r"percentage|points?|times|people|units|cases|[a-z]+s\b))")
_OVER_YEARS = re.compile(r"\bover\s(?:the\s(?:next|past)\s)?(?P<n>\d{2,3})\syears\b")
_YEAR_ORDINAL = re.compile(r"\b(?:1[89]|20)\d\dth\b")
_ORDINAL = re.compile(r"(?<![\w.,])(?P<n>\d+(?:\.\d+)?)(?P<suf>st|nd|rd|th)\b")
_DAY = re.compile(r"\b" + _MONTH + r"\s(?P<d>\d{1,2})" + _ORD + r"?\b(?![.:,]?\d)")
_WEEKDAY = re.compile(
    r"\b" + _MONTH + r"\s(?P<d>\d{1,2})" + _ORD + r"?(?:,\s(?P<y>\d{4}))?\s?\((?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?\)"
)
_COMPETITION = re.compile(r"\bcompetition (?:rate|ratio) of (?P<a>\d+(?:\.\d+)?):(?P<b>\d+(?:\.\d+)?)\b")
_PAREN_RATIO = re.compile(r"\((?P<a>\d+):(?P<b>\d+\.\d+)\)")
_ONE_PLURAL = re.compile(
    r"(?<![\d.,])\b1\s(?:local\s|small\s|large\s|new\s|foreign\s)?(?:governments|cities|sites|regions|companies|"
    r"countries|organizations|institutions|municipalities|persons|businesses|projects|districts|"
    r"provinces|agencies|firms|ministers)\b"
)
_TWO_DIGIT_YEAR = re.compile(r"(?<![\w~–-])['’‘](?P<yy>\d{2})\s(?=[A-Z])")
_TOTAL = re.compile(r"\btotal(?:\s[a-z]+)?\sof\s" + _AMOUNT.format(n="t") + r",?\sincluding\s")
_CONTEXT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-.](?P<m>\d{2})[-.](?P<d>\d{2})(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-Z“\"'‘])|[□ㅇ○◈■▲]|\s-\s|\[\.\.\.\]")

_SCALE = {"million": Decimal(10) ** 6, "billion": Decimal(10) ** 9, "trillion": Decimal(10) ** 12}


def _expected_suffix(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _segments(line: str):
    """(start, end) of the sentence-like pieces of a line."""
    start = 0
    for m in _SENTENCE_END.finditer(line):
        yield start, m.start()
        start = m.end()
    yield start, len(line)


def _amount_value(match: re.Match, name: str) -> Decimal:
    return Decimal(match.group(name).replace(",", "")) * _SCALE[match.group(name + "s")]


def _is_year(n: int) -> bool:
    return 1900 <= n <= 2100


def _check_line(line: str, context_year: int | None):
    """Yield (start, end, message) for one line."""
    for m in _MONTH_REPEAT.finditer(line):
        if int(m.group("a")) == _MONTH_NAMES[m.group("month")]:
            yield m.start(), m.end(), "month number repeated after the month name"
    for m in _FROM_REPEAT.finditer(line):
        month = _MONTH_NAMES[m.group("month")]
        if int(m.group("a")) == month and int(m.group("b")) != month:
            yield m.start(), m.end(), "month number used as the first day of a range"
    for m in _DAY.finditer(line):
        month = _MONTH_NAMES[m.group("month")]
        day = int(m.group("d"))
        if day == 0 or day > calendar.monthrange(context_year or 2024, month)[1]:
            yield m.start(), m.end(), "impossible day of the month"
    for m in _WEEKDAY.finditer(line):
        year = int(m.group("y")) if m.group("y") else context_year
        if year is None:
            continue
        month = _MONTH_NAMES[m.group("month")]
        day = int(m.group("d"))
        try:
            actual = _dt.date(year, month, day).weekday()
        except ValueError:
            continue
        if actual != _WEEKDAY_NAMES[m.group("wd").lower()]:
            yield m.start(), m.end(), f"weekday does not match the date in {year}"
    for m in _YEAR_ORDINAL.finditer(line):
        yield m.start(), m.end(), "year written as a day ordinal"
    for m in _ORDINAL.finditer(line):
        number = m.group("n")
        if _YEAR_ORDINAL.fullmatch(m.group()):
            continue
        if "." in number:
            yield m.start(), m.end(), "ordinal of a decimal number"
        elif m.group("suf") != _expected_suffix(int(number)):
            yield m.start(), m.end(), "ordinal suffix does not fit the number"
    for m in _COMPETITION.finditer(line):
        if Decimal(m.group("b")) != 1:
            yield m.start(), m.end(), "competition rate is not N:1"
    for m in _PAREN_RATIO.finditer(line):
        yield m.start(), m.end(), "ratio with a decimal second term"
    for m in _ONE_PLURAL.finditer(line):
        yield m.start(), m.end(), "the number 1 with a plural noun"
    if context_year is not None:
        for m in _TWO_DIGIT_YEAR.finditer(line):
            year = 2000 + int(m.group("yy"))
            if abs(year - context_year) > 1:
                yield m.start(), m.end() - 1, f"two-digit year far from the release year {context_year}"
    for seg_start, seg_end in _segments(line):
        yield from _check_amounts(line, seg_start, seg_end)


def _check_amounts(line: str, start: int, end: int):
    """Amount/year swaps ("2027 billion won … by 165") and totals smaller than their parts."""
    segment = line[start:end]
    amounts = list(_AMOUNT_RE.finditer(segment))
    if not amounts:
        return
    year_amounts = list(_YEAR_AMOUNT.finditer(segment))
    first = amounts[0]
    for m in _BY_NUMBER.finditer(segment, first.end()):
        n = int(m.group("n"))
        if _is_year(n) or n == 0:
            continue
        anchor = year_amounts[0] if year_amounts and year_amounts[0].start() < m.start() else None
        if anchor is None:
            anchor = next(a for a in reversed(amounts) if a.end() <= m.start())
        yield start + anchor.start(), start + m.end(), "amount and year look swapped"
        year_amounts = [y for y in year_amounts if y.start() > m.end()]
        break
    for y in year_amounts:
        yield start + y.start(), start + y.end(), "a year written as an amount"
    for m in _OVER_YEARS.finditer(segment, first.end()):
        if int(m.group("n")) >= 50:
            anchor = next(a for a in reversed(amounts) if a.end() <= m.start())
            yield start + anchor.start(), start + m.end(), "implausible funding period"
    for m in _TOTAL.finditer(segment):
        total = _amount_value(m, "t")
        parts = [a for a in _AMOUNT_RE.finditer(segment, m.end())]
        parts = parts[:3]
        if parts and (max(_amount_value(p, "num") for p in parts) > total
                      or sum(_amount_value(p, "num") for p in parts) > total * Decimal("1.001")):
            yield start + m.start(), start + parts[-1].end(), "parts add up to more than the total"


def check_lines(lines: list[str]) -> list[Finding]:
    """Findings for a file's lines (line and column 1-based), in line order.

    A release date seen in an earlier line (``2025.06.19``, ``2025-06-19``) sets the year used
    to check weekdays and two-digit years.
    """
    findings: list[Finding] = []
    context_year: int | None = None
    for number, line in enumerate(lines, start=1):
        dates = list(_CONTEXT_DATE.finditer(line))
        if dates:
            context_year = int(dates[-1].group("y"))
        seen: list[tuple[int, int]] = []
        for start, end, message in sorted(_check_line(line, context_year), key=lambda f: (f[0], -f[1])):
            if any(s <= start and end <= e for s, e in seen):
                continue  # inside a span already reported
            seen.append((start, end))
            findings.append(Finding(number, start + 1, line[start:end], message))
    return findings


def check_text(text: str) -> list[Finding]:
    """Findings for one string (line 1)."""
    return check_lines([text])
