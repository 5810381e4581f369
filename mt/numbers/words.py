"""Numbers an English text states in words, and every number it states at all.

``number_words`` reads cardinal number words, compounds included: ``three`` (3), ``thirty-nine``
(39), ``eight thousand`` (8,000), ``two million`` (2,000,000), ``three hundred and fifty`` (350),
``a million``, ``a dozen``, ``twenties`` (20: a decade of age). ``stated_numbers`` is every number
of a text as a ``Mention``: digits (with their scale: ``16.5 billion`` is both 16.5 and
16,500,000,000), number words, and regnal numerals after a name (``Henry VIII`` is 8).

Not counted: ordinal words (``first``, ``second`` is also a unit of time), ``once``/``twice``,
fractions in words (``half``), month names. The conventions are documented in docs/numbers.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
DECADES = {"teen": 10, "teens": 10, "teenage": 10, "teenager": 10, "teenagers": 10, "twenties": 20, "thirties": 30,
           "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
_WORD = r"(?:" + "|".join(sorted([*_UNITS, *_TENS, *_SCALES, "dozen", "a", "an", "and"], key=len, reverse=True)) + r")"
_RUN = re.compile(r"\b" + _WORD + r"(?:(?:\s+|-)" + _WORD + r")*\b", re.IGNORECASE)
_DECADE_RE = re.compile(r"\b(?:" + "|".join(DECADES) + r")\b", re.IGNORECASE)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
# a regnal number after a capitalised name: Henry VIII, Louis XIV, Elizabeth II, Benedict XVI
_REGNAL = re.compile(r"\b[A-Z][a-z]+ (?P<roman>[IVXL]{1,7})\b(?![-'’])")
BARE_DECIMAL = re.compile(r"(?<![\w.,])\.\d+\b")
_CLOCK = re.compile(r"(?<![\d.:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])")


@dataclass(frozen=True)
class Mention:
    """One number an English text states: ``text == source[start:end]``; ``values`` its equivalent
    readings (``16.5 billion``: 16.5 and 16,500,000,000)."""

    start: int
    end: int
    text: str
    values: frozenset

    def matches(self, values: set) -> bool:
        return not self.values.isdisjoint(values)


def _run_value(words: list[str]) -> Decimal | None:
    """The value of a run of number words (``a``/``an`` count as one only before a scale or dozen)."""
    if words and words[0] in _SCALES:
        return None  # "thousand year-old ruins"; "3 million" is read with its digits
    total, current, seen = 0, 0, False
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in ("a", "an"):
            if nxt in _SCALES or nxt == "dozen":
                current, seen = 1, True
            elif seen:
                return None
            continue
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALES[word]
            current = 0
        seen = True
    return Decimal(total + current) if seen else None


def _split_runs(words: list[str]) -> list[list[str]]:
    """Cut a run where two plain numbers stand side by side (``five or six`` never gets here, but
    ``two three`` would): a unit after a unit or ten, or a ten after a ten, starts a new number."""
    runs: list[list[str]] = [[]]
    last = ""
    for word in words:
        if runs[-1] and (word == "and" and last not in _SCALES or word in _UNITS and (last in _UNITS or last in _TENS and _UNITS[word] >= 10)
                         or word in _TENS and (last in _TENS or last in _UNITS)):
            runs.append([])
        runs[-1].append(word)
        last = word
    return runs


def number_words(text: str) -> list[tuple[int, int, Decimal]]:
    """(start, end, value) of every cardinal number written in words, compounds as one."""
    out = []
    for m in _RUN.finditer(text):
        pieces = [(p.start(), p.end(), p.group().lower()) for p in re.finditer(r"[A-Za-z]+", m.group())]
        words = [w for _s, _e, w in pieces]
        offset = 0
        for run in _split_runs(words):
            trimmed = list(run)
            while trimmed and trimmed[-1] in ("and", "a", "an"):
                trimmed.pop()
            lead = 0
            while lead < len(trimmed) and trimmed[lead] in ("and", "a", "an") and not (
                    lead + 1 < len(trimmed) and trimmed[lead + 1] in (*_SCALES, "dozen")):
                lead += 1
            value = _run_value(trimmed[lead:]) if trimmed[lead:] else None
            if value is not None:
                start = m.start() + pieces[offset + lead][0]
                end = m.start() + pieces[offset + len(trimmed) - 1][1]
                out.append((start, end, value))
            offset += len(run)
    for m in _DECADE_RE.finditer(text):
        out.append((m.start(), m.end(), Decimal(DECADES[m.group().lower()])))
    return sorted(out)


def roman_value(letters: str) -> int | None:
    total = 0
    for i, ch in enumerate(letters):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(letters) and _ROMAN_VALUES[letters[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if 0 < total <= 60 else None


def regnal_numbers(text: str) -> list[tuple[int, int, Decimal]]:
    """(start, end, value) of ``Henry VIII``-style numerals (the numeral's span). A lone ``I`` counts
    only before punctuation or the end (``Henry I.``), never as the pronoun (``Then I went``)."""
    if re.fullmatch(r"[IVXL]{2,7}|[VXL]", text) and roman_value(text):  # a rendering on its own: VIII
        return [(0, len(text), Decimal(roman_value(text)))]
    out = []
    for m in _REGNAL.finditer(text):
        roman = m.group("roman")
        value = roman_value(roman)
        if value is None or roman == "I" and text[m.end():m.end() + 1] not in (",", ".", ")", ";", ""):
            continue
        out.append((m.start("roman"), m.end("roman"), Decimal(value)))
    return out


def stated_numbers(text: str) -> list[Mention]:
    """Every number ``text`` states, left to right: digits (``3``, ``1,000``, ``16.5 billion``,
    ``30%``, ``3rd``, ``1990s``), number words and regnal numerals."""
    from .english import english_tokens  # late: english.py imports this module

    mentions: dict[tuple[int, int], set] = {}
    clocks = [m.span() for m in _CLOCK.finditer(text)]
    for m in _CLOCK.finditer(text):  # 7:00 states 7; 7:30 states 7 and 30
        mentions[m.span("h")] = {Decimal(int(m.group("h")))}
        if int(m.group("m")):
            mentions[m.span("m")] = {Decimal(int(m.group("m")))}
    for start, end, value, scale, _decimals, _pct in english_tokens(text):
        if not any(s <= start < e for s, e in clocks):
            mentions.setdefault((start, end), set()).update({value.normalize(), (value * scale).normalize()})
    for m in BARE_DECIMAL.finditer(text):  # .406 (a batting average)
        mentions[m.span()] = {Decimal("0" + m.group()).normalize()}
    taken = sorted(mentions)
    for start, end, value in number_words(text) + regnal_numbers(text):
        if any(s < end and start < e for s, e in taken):
            continue
        mentions.setdefault((start, end), set()).add(value.normalize())
    return [Mention(s, e, text[s:e], frozenset(v)) for (s, e), v in sorted(mentions.items())]


_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                  "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
                  "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
                  "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100}
# words that support a value without stating a number of their own (a month = one month; two thirds;
# half an hour = 30 minutes; a quarter past eight = 8:15; twice = two times)
_SUPPORT_WORDS = {**{w: (v,) for w, v in _ORDINAL_WORDS.items()}, "a": (1,), "an": (1,), "once": (1,),
                  "twice": (2,), "single": (1,), "double": (2,), "triple": (3,), "half": (Decimal("0.5"), 2, 30),
                  "quarter": (Decimal("0.25"), 4, 15), "thirds": (3,), "quarters": (4,), "fifths": (5,),
                  "pair": (2,), "couple": (2,), "another": (1,), "both": (2,), "either": (1,), "noon": (12,), "midnight": (0, 12, 24)}
_SUPPORT_RE = re.compile(r"\b(?:" + "|".join(sorted(_SUPPORT_WORDS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_ORDINAL_TENS = re.compile(r"\b(?P<ten>" + "|".join(_TENS) + r")[- ]?(?P<unit>" + "|".join(
    w for w, v in _ORDINAL_WORDS.items() if v < 10) + r")\b", re.IGNORECASE)
_ANY_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_DECADES_OF = re.compile(r"\b(?P<n>\w+)\s+decades?\b|\b(?P<a>a|one)\s+decade\b", re.IGNORECASE)
_SHORT_RANGE = re.compile(r"\b(?P<head>\d{2})(?P<y1>\d{2})\s?[-–]\s?(?P<y2>\d{2})\b")
_MILITARY_TIME = re.compile(r"(?<![\d.,])(?:(?P<h>0\d)(?P<m>[0-5]\d)(?![\d.,])"
                            r"|(?P<h2>[01]\d|2[0-3])(?P<m2>[0-5]\d)(?=\s?(?:GMT|UTC|hours|hrs)\b))")
_APOS_YEAR = re.compile(r"['’‘](?P<yy>\d{2})(?!\d)")
_LONE_I = re.compile(r"(?<=[a-z]) [A-Z][a-z]+ I\b")


def supported_values(text: str) -> set:
    """Every value ``text`` supports: what it states (``stated_numbers``) and what it implies without
    stating a number: ordinal words (``second``, ``twenty-first``), ``a``/``an`` (one), ``once``,
    ``twice``, ``another``, ``both``, ``half``/``quarter`` (also 30 and 15: half an hour, a quarter
    past), ``two decades`` (20), ``1995-96`` (1996), ``'93`` (1993 or 2093), ``0140`` GMT (1 and 40)
    and any digit run at all (``Chandrayaan-1``)."""
    values: set = set()
    for mention in stated_numbers(text):
        values |= mention.values
    for m in _SUPPORT_RE.finditer(text):
        values.update(Decimal(v) for v in _SUPPORT_WORDS[m.group().lower()])
    for m in _ORDINAL_TENS.finditer(text):
        values.add(Decimal(_TENS[m.group("ten").lower()] + _ORDINAL_WORDS[m.group("unit").lower()]))
    for m in BARE_DECIMAL.finditer(text):
        values.add(Decimal("0" + m.group()).normalize())
    for m in _ANY_DIGITS.finditer(text):
        try:
            values.add(Decimal(m.group().replace(",", "")).normalize())
        except ArithmeticError:
            pass
    words = {text[s:e].lower(): v for s, e, v in number_words(text)}
    for m in _DECADES_OF.finditer(text):
        count = 1 if m.group("a") else words.get(m.group("n").lower()) or (
            Decimal(m.group("n")) if m.group("n").isdigit() else None)
        if count is not None:
            values.add(Decimal(count) * 10)
    for m in _MILITARY_TIME.finditer(text):  # 0140 GMT: 1:40
        values.update({Decimal(int(m.group("h") or m.group("h2"))), Decimal(int(m.group("m") or m.group("m2")))})
    for m in _SHORT_RANGE.finditer(text):
        values.add(Decimal(m.group("head") + m.group("y2")))
    for m in _APOS_YEAR.finditer(text):
        values.update({Decimal(1900 + int(m.group("yy"))), Decimal(2000 + int(m.group("yy")))})
    if _LONE_I.search(text):
        values.add(Decimal(1))  # World War I
    return {v.normalize() for v in values}
