"""``unjustified_numbers``: digit numbers in an English output that nothing in the source justifies."""

from __future__ import annotations

import bisect
import re
from decimal import Decimal, InvalidOperation

from .english import EN_APOS_YEAR, english_tokens
from .find import find_numbers
from .scan import parse_amount
from .values import dec, is_year


def _flatten(value, out: list) -> None:
    if value is None:
        return
    if isinstance(value, (tuple, list)):
        for v in value:
            _flatten(v, out)
        return
    if isinstance(value, str):
        return
    out.append(dec(value))


_RAW_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ONE_WORDS = re.compile(r"첫|하나|한\s|단일|유일|일일|one|One|single|first|First")


def _justifying_values(source: str) -> list[Decimal]:
    values: list[Decimal] = []
    for expr in find_numbers(source):
        if expr.kind in ("code", "vague", "literal"):
            continue  # their digits, if any, are read below as raw digits
        flat: list[Decimal] = []
        _flatten(expr.value, flat)
        if expr.kind == "time" or (expr.kind == "range" and expr.unit == "time"):
            flat += [v - 12 for v in flat if v > 12] + [v + 12 for v in flat if v < 12]
        for v in flat:
            values.append(v)
            if v >= 1000:
                values.extend(v / (Decimal(10) ** k) for k in (3, 6, 9, 12))
    for m in _RAW_DIGITS.finditer(source):
        amount = parse_amount(source, m.start(), allow_hangul=False)
        if amount is not None:  # 3억권, 1만8500메가와트: a Korean amount glued to a word
            values.append(amount.value)
            if amount.value >= 1000:
                values.extend(amount.value / (Decimal(10) ** k) for k in (3, 6, 9, 12))
        raw = m.group()
        try:
            values.append(Decimal(raw.replace(",", "")))
        except InvalidOperation:
            pass
        values.extend(Decimal(part) for part in re.split(r"[.,]", raw) if part)
    for _s, _e, value, scale, _p, _pct in english_tokens(source):
        values.append(value * scale)
    for m in EN_APOS_YEAR.finditer(source):
        values.append(Decimal(2000 + int(m.group("yy"))))
    years = [v for v in values if is_year(v)]
    values.extend(v % 100 for v in years)
    if _ONE_WORDS.search(source):
        values.append(Decimal(1))
    return sorted(set(v.normalize() for v in values))


def unjustified_numbers(output: str, source: str) -> list[tuple[int, int, str]]:
    """Digit numbers in English ``output`` that no number of ``source`` justifies.

    A number is justified when some source value equals it, or rounds to it at the precision
    the output wrote (16.5 billion for 16,480,000,000), in any scale (thousand … trillion).
    Identifiers such as 5G are never reported. Returns (start, end, text) spans of ``output``.
    """
    allowed = _justifying_values(source)
    bad = []
    seen_spans = set()
    for start, end, value, scale, decimals, _pct in english_tokens(output):
        if (start, end) in seen_spans:
            continue
        candidates = [(value, Decimal(1))]
        if scale != 1:
            candidates.append((value * scale, Decimal(scale)))
        ok = False
        for cand, unit in candidates:
            tolerance = Decimal(5) * Decimal(10) ** (-decimals - 1) * unit
            lo = bisect.bisect_left(allowed, cand - tolerance)
            if lo < len(allowed) and allowed[lo] <= cand + tolerance:
                ok = True
                break
        if not ok:
            seen_spans.add((start, end))
            bad.append((start, end, output[start:end]))
    # times such as 14:00 are tokenised as 14 and 00; a minutes part of zero needs no justification
    return [b for b in bad if not (b[2] == "00" and b[0] > 0 and output[b[0] - 1] == ":")]
