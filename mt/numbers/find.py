"""``find_numbers``: the scanner's items rendered as ``NumberExpr``s, with every digit run accounted for.

Coverage contract: the expressions of ``find_numbers(text)`` cover every maximal run of ASCII
digits in ``text``. Digits the scanner does not read (``802.11n``, ``1588-1234``, ``2차전지``)
become ``literal`` expressions whose English is the source text as written, so the digits reach
the output unchanged. A literal is the digit run plus the Latin letters, digits and inner
punctuation glued to it (``802.11n``, ``B-52``, ``MP3``), never Hangul.
"""

from __future__ import annotations

import re

from ..korean import HANGUL_RE
from .render import render, value_of
from .scan import scan
from .special import literal
from .types import Item, NumberExpr, NumberKind, RenderStyle

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ANY_DIGITS = re.compile(r"\d+")  # Unicode decimal digits: full-width, Arabic-Indic, ...
_JOINERS = frozenset("-.,:/+_")  # punctuation that belongs to a literal when it stands between two of its characters


def digit_runs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every maximal run of ASCII digits in ``text``."""
    return [m.span() for m in _ASCII_DIGITS.finditer(text)]


def coverage(text: str, exprs: list[NumberExpr]) -> tuple[int, int]:
    """(digit runs of ``text`` inside some expression, all digit runs of ``text``)."""
    runs = digit_runs(text)
    spans = sorted((e.start, e.end) for e in exprs)
    covered = 0
    k = 0
    for start, end in runs:
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start and end <= spans[k][1]:
            covered += 1
    return covered, len(runs)


def find_numbers(text: str, style: RenderStyle = RenderStyle(), default_year: int | None = None) -> list[NumberExpr]:
    """All numeric expressions in Korean or mixed text, left to right, non-overlapping.

    Every ASCII digit run is covered (see the module docstring). ``default_year`` resolves the
    century of ``'25`` and fills the year of dates written without one in ``value`` (the English
    rendering keeps the source's precision). Never raises on any ``str``.
    """
    items = _with_literals(text, scan(text, default_year))
    return [expr for item in items for expr in _kept_digits(_expr(text, item, style, default_year))]


def _kept_digits(expr: NumberExpr) -> list[NumberExpr]:
    """A literal's English never holds Hangul. An impossible value is not a number: its words stay
    text (for the model to translate) and only its digit runs, in any script (13, １３, ١٣), are kept
    as written, the first one carrying the problem (one warning)."""
    if expr.kind != NumberKind.LITERAL or not HANGUL_RE.search(expr.english):
        return [expr]
    pieces = []
    for match in _ANY_DIGITS.finditer(expr.text):
        start, end = match.span()
        digits = expr.text[start:end]
        pieces.append(NumberExpr(start=expr.start + start, end=expr.start + end, text=digits,
                                 kind=NumberKind.LITERAL, value=digits, english=digits,
                                 problem="" if pieces else expr.problem))
    return pieces


def _expr(text: str, item: Item, style: RenderStyle, default_year: int | None) -> NumberExpr:
    try:
        english = render(item, style)
    except (ArithmeticError, ValueError) as error:  # a value no rule can write: keep the text
        item = literal(text, item.start, item.end, f"cannot render {text[item.start:item.end]!r}: {error}")
        english = item.value
    return NumberExpr(start=item.start, end=item.end, text=text[item.start:item.end], kind=NumberKind(item.kind),
                      value=value_of(item, default_year), english=english, unit=item.unit,
                      problem=item.extra.get("problem", ""))


def _with_literals(text: str, items: list[Item]) -> list[Item]:
    """``items`` plus a literal for every digit run none of them covers, in text order."""
    out: list[Item] = []
    floor = 0
    k = 0
    for start, end in digit_runs(text):
        while k < len(items) and items[k].start <= start:
            out.append(items[k])
            floor = max(floor, items[k].end)
            k += 1
        if start < floor:
            continue  # inside an expression (or a literal just made)
        ceiling = items[k].start if k < len(items) else len(text)
        lo, hi = _literal_span(text, start, end, floor, ceiling)
        out.append(literal(text, lo, hi))
        floor = hi
    out.extend(items[k:])
    return out


def _glued(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _literal_span(text: str, start: int, end: int, floor: int, ceiling: int) -> tuple[int, int]:
    """The digit run ``text[start:end]`` widened over the ASCII letters, digits and inner punctuation
    glued to it, within ``[floor, ceiling)``."""
    while end < ceiling and (_glued(text[end]) or text[end] in _JOINERS and end + 1 < ceiling
                             and _glued(text[end + 1])):
        end += 1
    while start > floor and (_glued(text[start - 1]) or text[start - 1] in _JOINERS and start - 2 >= floor
                             and _glued(text[start - 2])):
        start -= 1
    return start, end
