"""The English renderer: one scanned item → its English text, by the rules in docs/numbers.md."""

from __future__ import annotations

from decimal import Decimal

from .special import render_vague
from .types import Item, RenderStyle
from .units import CURRENCIES, DECADE_WORDS, KNOCKOUT_ROUNDS, ENGLISH_ORDINAL_WORDS, ENGLISH_WORDS, MONTHS, UNIT_INFO
from .values import dec, format_number, ordinal, scaled, to_int_if_whole


# numbered things: unit key → the English word before the number (제3조 → Article 3, 제1형 → type 1)
_NUMBERED_UNITS = {"article": "Article ", "paragraph": "Paragraph ", "no": "No. ", "line": "Line ",
                   "chapter": "Chapter ", "section": "Section ", "quarter": "Q", "type": "type ",
                   "grade": "grade ", "match": "game ", "round": "round ", "stage": "phase "}
# ordinals followed by a noun: 3주년 → 3rd anniversary, 19세기 → 19th century
_ORDINAL_NOUNS = {"anniversary": "anniversary", "century": "century"}


def render(item: Item, style: RenderStyle) -> str:
    kind = item.kind
    if kind == "date":
        text = _render_date(item.value)
        if item.weekday:
            text += f" ({item.weekday})"
        return text
    if kind == "year":
        return str(int(item.value))
    if kind == "time":
        h, m = item.value
        if item.extra.get("ampm"):
            ampm = item.extra["ampm"]
            h12 = h - 12 if h > 12 else h
            return f"{h12}:{m:02d} {ampm}" if m else f"{h12} {ampm}"
        return f"{h:02d}:{m:02d}"
    if kind == "ratio":
        a, b = item.value
        return f"{format_number(a)}:{format_number(b)}"
    if kind in ("code", "literal"):
        return item.value
    if kind == "vague":
        return render_vague(item)
    if kind == "score":
        a, b = item.value
        return f"{a}-{b}"
    if kind == "number" and item.extra.get("batting"):  # 4할 6리 → .406
        return f".{int(item.value * 1000):03d}"
    if kind == "fraction":
        numerator, denominator = item.value
        return f"{format_number(numerator)}/{format_number(denominator)}"
    if kind == "ordinal":
        n = int(item.value)
        if item.words and n in ENGLISH_ORDINAL_WORDS:
            return ENGLISH_ORDINAL_WORDS[n]
        if item.unit in _ORDINAL_NOUNS:
            return f"{ordinal(n)} {_ORDINAL_NOUNS[item.unit]}"
        if item.unit == "article":
            return _render_article(n, item.extra)
        if item.unit == "regnal":
            return roman(n)
        if item.unit == "knockout":
            return KNOCKOUT_ROUNDS[n]
        prefix = _NUMBERED_UNITS.get(item.unit)
        return f"{prefix}{n}" if prefix else ordinal(n)
    if kind == "range":
        return _render_range(item, style)
    return _render_amount(item, [item.value], style)


def _render_article(article: int, parts: dict) -> str:
    """제3조제1항제2호 → Article 3(1), subparagraph 2; 제3조의2 → Article 3-2."""
    text = f"Article {article}"
    if "branch" in parts:
        text += f"-{parts['branch']}"
    if "paragraph" in parts:
        text += f"({parts['paragraph']})"
    if "item" in parts:
        text += f", subparagraph {parts['item']}"
    return text


def _render_date(value) -> str:
    y, m, d = value
    if m is None:
        if d is not None:
            return f"the {ordinal(d)}"
        return str(y)
    text = MONTHS[m]
    if d is not None:
        text += f" {d}"
        if y is not None:
            text += f", {y}"
    elif y is not None:
        text += f" {y}"
    return text


def _render_range(item: Item, style: RenderStyle) -> str:
    lo, hi = item.value
    if item.unit == "date":
        (y1, m1, d1), (y2, m2, d2) = lo, hi
        if m1 is None or m2 is None:  # 26일~28일 → the 26th–28th; '25년~'26년 → 2025–2026
            return f"{_render_date(lo)}–{_render_date(hi).removeprefix('the ')}"
        if d1 is not None:
            if m1 == m2 and y1 == y2:
                text = f"{MONTHS[m1]} {d1}–{d2}"
                return text + (f", {y1}" if y1 is not None else "")
            if y1 == y2 or y1 is None or y2 is None:
                tail = f", {y2}" if y2 is not None else ""
                return f"{MONTHS[m1]} {d1}–{MONTHS[m2]} {d2}{tail}"
            return f"{_render_date(lo)}–{_render_date(hi)}"
        if y1 == y2:
            return f"{MONTHS[m1]}–{MONTHS[m2]}" + (f" {y1}" if y1 is not None else "")
        return f"{_render_date(lo)}–{_render_date(hi)}"
    if item.unit == "time":
        return "–".join(f"{h:02d}:{m:02d}" for h, m in (lo, hi))
    if item.unit == "year":
        return f"{lo}–{hi}"
    return _render_amount(item, [lo, hi], style)


def _render_decades(item: Item, values: list) -> str:
    """30대 → in their 30s; 이십대 → in their twenties; 20~30대 → in their 20s and 30s."""
    if item.words and all(int(v) in DECADE_WORDS and v == int(v) for v in values):
        names = [DECADE_WORDS[int(v)] for v in values]
    else:
        names = ["teens" if v == 10 else f"{format_number(v)}s" for v in values]
    prefix = f"{item.approx} " if item.approx else ""
    return prefix + "in their " + " and ".join(names)


_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(n: int) -> str:
    """8 → VIII (regnal numbers: 헨리 8세 → Henry VIII); n is at most 30 here."""
    out = ""
    for size, letters in _ROMAN:
        while n >= size:
            out += letters
            n -= size
    return out


def _render_amount(item: Item, values: list, style: RenderStyle) -> str:
    values = [dec(v) for v in values]
    unit = item.unit
    if unit == "decade":
        return _render_decades(item, values)
    prefix = f"{item.approx} " if item.approx else ""
    if item.words and len(values) == 1 and int(values[0]) in ENGLISH_WORDS and values[0] == int(values[0]):
        number = ENGLISH_WORDS[int(values[0])]
    else:
        # a bare number written without separators (2025, 9001) is an identifier or year: keep it
        verbatim = item.extra.get("digits") if not unit and not item.approx else None
        number = scaled(values, item.korean_scaled, verbatim)
    if unit in CURRENCIES:
        code, singular, plural, symbol = CURRENCIES[unit]
        how = style.dollar if unit == "USD" and style.dollar else style.currency
        if how == "code":
            return f"{prefix}{code} {number}"
        if how == "symbol":
            return f"{prefix}{symbol}{number}"
        noun = singular if len(values) == 1 and values[0] == 1 else plural
        return f"{prefix}{number} {noun}"
    if not unit:
        return prefix + number
    _, singular, plural = UNIT_INFO[unit]
    if not singular:
        return prefix + number
    if unit == "%":
        return f"{prefix}{number}%"
    noun = singular if len(values) == 1 and values[0] == 1 else plural
    return f"{prefix}{number} {noun}"


def _with_year(date, year):
    return (year if date[0] is None and date[1] is not None else date[0], date[1], date[2])


def value_of(item: Item, default_year: int | None = None):
    v = item.value
    if default_year is not None and item.kind == "date":
        return _with_year(v, default_year)
    if default_year is not None and item.kind == "range" and item.unit == "date":
        return (_with_year(v[0], default_year), _with_year(v[1], default_year))
    if isinstance(v, Decimal):
        return to_int_if_whole(v)
    if item.kind == "range" and item.unit not in ("date", "time", "year"):
        return tuple(to_int_if_whole(dec(x)) for x in v)
    return v
