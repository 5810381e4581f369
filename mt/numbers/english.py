"""The English side: the numbers, dates and times an output writes, and ``account_numbers``."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .find import find_numbers
from .types import NumberCheck, NumberExpr, RenderStyle
from .values import dec, decimals
from .words import BARE_DECIMAL, number_words, regnal_numbers, supported_values


_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
              "mn": 10**6, "bn": 10**9, "tn": 10**12, "m": 10**6, "b": 10**9}
_MONTH_WORDS = {}
for _i in range(1, 13):
    _MONTH_WORDS[calendar.month_name[_i].lower()] = _i
    _MONTH_WORDS[calendar.month_abbr[_i].lower()] = _i
_MONTH_WORDS["sept"] = 9
_MONTH_ALT = r"(?:" + "|".join(sorted((calendar.month_name[i] for i in range(1, 13)), key=len, reverse=True)) \
    + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
_EN_NUMBER = re.compile(
    r"(?<![\w.,])(?<![A-Za-z]-)(?P<num>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)"
    r"(?P<ord>st|nd|rd|th)?"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn)\b)?"
    r"(?P<pct>\s?(?:%|percent\b|per cent\b|percentage points?\b))?"
)
_EN_RANGE_TAIL = re.compile(
    r"\s?(?:–|—|-|~|to|through|and)\s?(?:KRW\s?|USD\s?|US\$|\$|₩|€)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
    r"\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn)?\b(?P<pct>\s?(?:%|percent\b|per cent\b))?"
)
_EN_UNIT_AFTER = re.compile(r"(?:km|m|kg|cm|mm|ha|MW|GW|kW|kWh|MWh|GWh|m²|km²|am|pm|s|x|bn|mn|tn|"
                            r"mph|[kMG]?Hz|[kMG]?bps|[kMG]bit|[kKMGT]B|mg|g|ml|mL|L|W|kV|ft|lbs?|oz)(?![A-Za-z])")
_EN_DATE_MD = re.compile(r"\b(?P<month>" + _MONTH_ALT + r")\s(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!:\d)(?:,?\s(?P<year>\d{4})\b)?")
_EN_DATE_DM = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month>" + _MONTH_ALT + r")(?:,?\s(?P<year>\d{4})\b)?")
_EN_DATE_MY = re.compile(r"\b(?P<month>" + _MONTH_ALT + r")(?:\s(?:of\s)?(?P<year>\d{4})\b)?")
_EN_DATE_NUM = re.compile(r"(?<![\d.])(?P<year>\d{4})[-./](?P<month>\d{1,2})[-./](?P<day>\d{1,2})(?![\d])")
_EN_DAY_RANGE = re.compile(r"\s?(?:–|—|-|to|through|until|and)\s?(?:the\s)?(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!\s?(?:%|,\d|\.\d|:\d))")
_EN_TIME = re.compile(r"(?<![\d.:])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)|(?<![\d.:])(?P<h2>\d{1,2}):(?P<m2>\d{2})(?![\d:])")
EN_APOS_YEAR = re.compile(r"['’‘](?P<yy>\d{2})(?!\d)")
_EN_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
                    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                    "eighty": 80, "ninety": 90, "hundred": 100, "first": 1, "second": 2, "third": 3,
                    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
                    "tenth": 10, "once": 1, "twice": 2, "double": 2, "doubled": 2, "triple": 3,
                    "tripled": 3, "single": 1, "dozen": 12, "a million": 10**6, "a billion": 10**9}
_EN_WORD_RE = re.compile(r"\b(" + "|".join(sorted(_EN_WORD_NUMBERS, key=len, reverse=True)) + r")\b", re.I)


@dataclass
class _Mentions:
    numbers: set = field(default_factory=set)  # Decimal values, raw and scaled
    percents: set = field(default_factory=set)
    dates: list = field(default_factory=list)  # (y, m, d)
    months: set = field(default_factory=set)
    times: set = field(default_factory=set)
    words: set = field(default_factory=set)
    text: str = ""


def english_tokens(text: str):
    """(start, end, value, scale, decimals, is_percent) for every digit number in English text."""
    out = []
    for m in _EN_NUMBER.finditer(text):
        end = m.end()
        if not m.group("ord") and not m.group("scale") and not m.group("pct"):
            nxt = text[m.end("num"):m.end("num") + 1]
            if nxt.isalpha() and not _EN_UNIT_AFTER.match(text, m.end("num")):
                continue  # an identifier such as 5G or 3D
        num = m.group("num")
        value = Decimal(num.replace(",", ""))
        scale = _EN_SCALES.get(m.group("scale") or "", 1)
        pct = bool(m.group("pct"))
        if scale == 1 or not pct:
            tail = _EN_RANGE_TAIL.match(text, m.end())
            if tail and scale == 1 and tail.group("scale"):
                scale = _EN_SCALES[tail.group("scale")]
                out.append((m.start(), end, value, 1, decimals(value), pct))
            if tail and tail.group("pct"):
                pct = True
        out.append((m.start(), end, value, scale, decimals(value), pct))
    return out


def _english_mentions(text: str) -> _Mentions:
    found = _Mentions(text=text)
    for _s, _e, value, scale, _p, pct in english_tokens(text):
        found.numbers.add(value.normalize())
        found.numbers.add((value * scale).normalize())
        if pct:
            found.percents.add(value.normalize())
    for m in EN_APOS_YEAR.finditer(text):
        found.numbers.add(Decimal(2000 + int(m.group("yy"))))
    for m in BARE_DECIMAL.finditer(text):  # .406
        found.numbers.add(Decimal("0" + m.group()).normalize())
    for pattern in (_EN_DATE_MD, _EN_DATE_DM):
        for m in pattern.finditer(text):
            month = _MONTH_WORDS[m.group("month").rstrip(".").lower()]
            year = int(m.group("year")) if m.group("year") else None
            day = int(m.group("day"))
            found.dates.append((year, month, day))
            tail = _EN_DAY_RANGE.match(text, m.end("day") if pattern is _EN_DATE_MD and not m.group("year") else m.end())
            if tail:
                found.dates.append((year, month, int(tail.group("day"))))
    for m in _EN_DATE_MY.finditer(text):
        month = _MONTH_WORDS[m.group("month").rstrip(".").lower()]
        found.months.add(month)
        if m.group("year"):
            found.dates.append((int(m.group("year")), month, None))
    for m in _EN_DATE_NUM.finditer(text):
        found.dates.append((int(m.group("year")), int(m.group("month")), int(m.group("day"))))
    for m in _EN_TIME.finditer(text):
        if m.group("h2"):
            found.times.add((int(m.group("h2")), int(m.group("m2"))))
            continue
        h = int(m.group("h"))
        minute = int(m.group("m") or 0)
        if m.group("ampm").lower().startswith("p") and h < 12:
            h += 12
        if m.group("ampm").lower().startswith("a") and h == 12:
            h = 0
        found.times.add((h, minute))
    lowered = text.lower()
    if "noon" in lowered:
        found.times.add((12, 0))
    for m in _EN_WORD_RE.finditer(text):
        found.words.add(Decimal(_EN_WORD_NUMBERS[m.group(1).lower()]))
    for _start, _end, value in number_words(text) + regnal_numbers(text):  # thirty-nine, twenties, Henry VIII
        found.words.add(value)
    return found


def _has_number(found: _Mentions, value) -> bool:
    d = dec(value).normalize()
    return d in found.numbers or d in found.words


def _has_date(found: _Mentions, y, m, d) -> bool:
    for (oy, om, od) in found.dates:
        if m is not None and om != m:
            continue
        if d is not None and od != d:
            continue
        if d is None and od is not None and m is not None and oy is None:
            continue
        if y is not None and oy is not None and oy != y:
            continue
        return True
    if m is None and d is not None:
        return _has_number(found, d)
    if d is None and m is not None:
        return m in found.months and (y is None or _has_number(found, y))
    return False


def _has_time(found: _Mentions, h, m) -> bool:
    return (h, m) in found.times or (h % 12, m) in found.times or (h + 12, m) in found.times


def _expr_found(expr: NumberExpr, found: _Mentions) -> bool:
    kind, value = expr.kind, expr.value
    if kind in ("code", "literal"):
        return re.search(rf"(?<![0-9]){re.escape(expr.english)}(?![0-9])", found.text) is not None
    if kind == "vague":  # 수십억 원 = billions of won: the order word is there
        return expr.english.split(" of ")[0].lower() in found.text.lower()
    if kind == "score":
        return all(_has_number(found, part) for part in value)
    if kind == "date":
        return _has_date(found, *value)
    if kind == "time":
        return _has_time(found, *value)
    if kind == "ratio":
        return all(_has_number(found, part) for part in value)
    if kind == "fraction":  # 2/3 = two thirds = two-thirds
        supported = supported_values(found.text)
        return all(dec(part).normalize() in supported for part in value)
    if kind == "ordinal" and expr.unit == "knockout":  # quarterfinal: the round is named, not numbered
        return expr.english.split()[-1].lower() in found.text.lower()
    if kind == "percent":
        return dec(value).normalize() in found.percents or _has_number(found, value) and "%" not in expr.text
    if kind == "range":
        lo, hi = value
        if expr.unit == "date":
            (y1, m1, d1), (y2, m2, d2) = lo, hi
            return _has_date(found, y1, m1, d1) and _has_date(found, y2, m2, d2)
        if expr.unit == "time":
            return _has_time(found, *lo) and _has_time(found, *hi)
        if expr.unit == "%":
            return all(dec(v).normalize() in found.percents for v in (lo, hi))
        return _has_number(found, lo) and _has_number(found, hi)
    if kind == "year":
        return _has_number(found, value)
    return _has_number(found, value)


def account_numbers(source: str, output: str, style: RenderStyle = RenderStyle()) -> list[NumberCheck]:
    """For every numeric expression of ``source``: does ``output`` contain it in an equivalent form?

    Equivalent: the same value in any rendering (KRW 16.5 billion = 16.5 billion won =
    16,500,000,000 won; June 26, 2025 = 26 June 2025; 5,000 = 5000; 3 = three).
    """
    found = _english_mentions(output)
    return [NumberCheck(expr, _expr_found(expr, found)) for expr in find_numbers(source, style)]
