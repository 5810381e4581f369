"""Expressions beside the main scanner: legal references, vague amounts, and values that cannot be numbers.

A value that looks like a number but cannot be one (``13월 1일``, ``2월 30일``, ``NaN5월``, a run of
5,000 digits) becomes a ``literal`` item with a ``problem``: it is kept exactly as written and the
caller warns about it once, instead of being rendered wrongly or raising.
"""

from __future__ import annotations

import calendar
import re
from decimal import Decimal

from .types import Item
from .units import BAD_DATE_TAIL, BIG_UNITS, CURRENCIES, SMALL_UNITS, TAIL_RE, UNIT_INFO, VAGUE, unit_at

MAX_DIGITS = 20  # longest digit run read as a number: beyond it, Decimal arithmetic would round
MAX_VALUE = Decimal(10) ** 24  # largest value rendered (an amount in 조 with 12 more digits still fits)
_DIGIT_RUN = re.compile(r"\d+")

# 10^k → the English for "several times 10^k" (수십 = dozens, 수십억 = billions)
_ORDER_WORDS = {
    1: "dozens", 2: "hundreds", 3: "thousands", 4: "tens of thousands", 5: "hundreds of thousands",
    6: "millions", 7: "tens of millions", 8: "hundreds of millions", 9: "billions", 10: "tens of billions",
    11: "hundreds of billions", 12: "trillions", 13: "tens of trillions", 14: "hundreds of trillions",
    15: "quadrillions",
}


def literal(text: str, start: int, end: int, problem: str = "") -> Item:
    """``text[start:end]`` kept as written."""
    return Item(start, end, "literal", text[start:end], extra={"problem": problem} if problem else {})


def valid_day(year: int | None, month: int, day: int) -> bool:
    """Whether ``day`` exists in ``month`` (of ``year``; any leap year when the year is unknown)."""
    if not 1 <= month <= 12:
        return False
    last = calendar.monthrange(year if year and 1 <= year <= 9999 else 2000, month)[1]
    return 1 <= day <= last


def bad_date(text: str, start: int, end: int) -> Item:
    """An impossible date at ``text[start:end]``, with the day and range that follow it."""
    tail = BAD_DATE_TAIL.match(text, end)
    if tail:
        end = tail.end()
    return literal(text, start, end, f"impossible date: {text[start:end]}")


def law_item(start: int, law: re.Match) -> Item:
    """제3조제1항 → Article 3(1); 제3조의2 → Article 3-2; 제3조제1항제2호 → Article 3(1), subparagraph 2."""
    parts = {name: int(law.group(name)) for name in ("branch", "paragraph", "item") if law.group(name)}
    return Item(start, law.end(), "ordinal", Decimal(law.group("article")), unit="article", extra=parts)


def vague_item(text: str, i: int) -> Item | None:
    """수십억 원, 수백 명, 수천만: an order of magnitude without digits (None if ``text[i:]`` is not one)."""
    m = VAGUE.match(text, i)
    if not m or not (m.group("small") or m.group("big")):
        return None
    magnitude = SMALL_UNITS.get(m.group("small"), 1) * BIG_UNITS.get(m.group("big"), 1)
    unit = unit_at(text, m.end())
    if unit is not None and (unit[1] in CURRENCIES or UNIT_INFO.get(unit[1], ("",))[0] == "quantity"):
        end, key = unit
    elif m.group("small") and TAIL_RE.match(text, m.end()):
        end, key = m.end(), ""  # 수십, 수백: on their own only with 십/백/천 (수조 is also a water tank)
    else:
        return None
    return Item(i, end, "vague", magnitude, unit=key)


def render_vague(item: Item) -> str:
    words = _ORDER_WORDS.get(len(str(item.value)) - 1, "many")
    if item.unit in CURRENCIES:
        return f"{words} of {CURRENCIES[item.unit][2]}"
    noun = UNIT_INFO.get(item.unit, ("", "", ""))[2]
    return f"{words} of {noun}" if noun else words


def _numbers_in(value, out: list) -> list:
    if isinstance(value, (tuple, list)):
        for part in value:
            _numbers_in(part, out)
    elif isinstance(value, (int, Decimal)):
        out.append(Decimal(value))
    return out


def oversized(text: str, item: Item) -> Item:
    """The item itself, or a literal with a problem when its digits are too many or its value too large."""
    if item.kind in ("literal", "code", "vague"):
        return item
    longest = max((len(run) for run in _DIGIT_RUN.findall(text, item.start, item.end)), default=0)
    if longest > MAX_DIGITS:
        problem = f"number too long ({longest:,} digits)"
    elif any(abs(v) >= MAX_VALUE for v in _numbers_in(item.value, [])):
        problem = "number too large"
    else:
        return item
    first = _DIGIT_RUN.search(text, item.start, item.end)
    start = first.start() if first else item.start
    end = start
    while end < item.end and (text[end].isdigit() or text[end] in ".," and end + 1 < item.end
                              and text[end + 1].isdigit()):
        end += 1
    return literal(text, start, max(end, start + 1), problem)
