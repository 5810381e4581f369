"""The named types of mt.numbers: render style, found expressions, accounting results, scanner items."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import NamedTuple

from ..errors import KoenError


@dataclass(frozen=True)
class RenderStyle:
    """How money is written. ``currency`` applies to won and every other currency except the dollar,
    which follows ``dollar`` (``None``: follow ``currency``) because "$500 billion" is what English
    news writes even where won amounts are written "KRW 16.5 billion"."""

    currency: str = "code"  # "code" | "word" | "symbol"
    dollar: str | None = "symbol"

    def __post_init__(self) -> None:
        for name in ("currency", "dollar"):
            value = getattr(self, name)
            if value is None and name == "dollar":
                continue
            if value not in ("code", "word", "symbol"):
                raise KoenError(f"unknown {name} style {value!r} (use code, word or symbol)")


class NumberKind(str, Enum):
    """The closed set of expression kinds. The values are the strings JSON output has always carried."""

    NUMBER = "number"
    MONEY = "money"
    QUANTITY = "quantity"
    PERCENT = "percent"
    MULTIPLE = "multiple"
    DATE = "date"
    YEAR = "year"
    TIME = "time"
    RANGE = "range"
    RATIO = "ratio"
    ORDINAL = "ordinal"
    SCORE = "score"  # 1-0, 3대 2: a match result
    FRACTION = "fraction"  # 3분의 2: two thirds, written 2/3
    VAGUE = "vague"  # 수십억 원: an order of magnitude, no digits
    CODE = "code"  # a phone number: kept verbatim
    LITERAL = "literal"  # digits the finder does not read: kept exactly as written

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


@dataclass(frozen=True)
class NumberExpr:
    """One expression of the source: ``text == source[start:end]``, rendered as ``english``.

    ``problem`` is set on a ``literal`` that looked like a number but cannot be one (``13월 1일``,
    a 5,000-digit run): the caller warns about it once; the text is kept as written."""

    start: int
    end: int
    text: str
    kind: NumberKind
    value: object
    english: str
    unit: str = ""  # canonical unit: "KRW", "USD", "%", "person", "km", ... ("" for none)
    problem: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NumberKind(self.kind))


@dataclass(frozen=True)
class NumberCheck:
    expr: NumberExpr
    found: bool


class ParsedAmount(NamedTuple):
    """What ``parse_amount`` read: digits and/or Hangul numerals with 십백천 and 만억조."""

    end: int
    value: Decimal
    korean_scaled: bool  # written with 만/억/조: render with million/billion/trillion
    trail_scale: Decimal | None  # 200억 → 10^8: the scale a bare left range end (100~200억) takes
    arabic: bool  # written with at least one ASCII digit


@dataclass
class Item:
    """A scanned expression before rendering (internal to the package)."""

    start: int
    end: int
    kind: str
    value: object
    unit: str = ""
    korean_scaled: bool = False
    trail_scale: Decimal | None = None  # for "200억": 10^8, applied to a bare left range end
    weekday: str = ""
    approx: str = ""  # "about" | "more than"
    words: bool = False  # written with native Korean numerals: render in English words
    extra: dict = field(default_factory=dict)
