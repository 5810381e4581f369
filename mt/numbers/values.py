"""Decimal helpers shared by the scanner, the renderer and the English side: formatting and scales."""

from __future__ import annotations

from decimal import Decimal


_MAX_EXPONENT = 10_000  # format_number writes at most this many digits
SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def dec(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_number(value) -> str:
    """``1234567.50`` → ``1,234,567.5``: thousands separators, no trailing zeros, no ``.0``.

    Never raises and never rounds: a value that is not a finite number, or whose exponent is out
    of all proportion (``1e999999``), comes back as ``str(value)``.
    """
    try:
        d = dec(value)
    except (ArithmeticError, ValueError, TypeError):
        return str(value)
    if not d.is_finite() or not -_MAX_EXPONENT <= d.adjusted() <= _MAX_EXPONENT:
        return str(value)
    if d.is_zero():
        return "0"
    text = format(d, ",f")  # exact: no int() (4,300-digit limit) and no context rounding
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def decimals(d: Decimal) -> int:
    exponent = d.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def pick_scale(values: list[Decimal]) -> tuple[Decimal, str] | None:
    low = min(values)
    for size, word in SCALES:
        if low >= size and all(decimals(v / size) <= 4 for v in values):
            return size, word
    return None


def scaled(values: list[Decimal], korean_scaled: bool, verbatim: str | None = None) -> str:
    """Render one value or a range of values, using million/billion/trillion when the Korean did."""
    scale = pick_scale(values) if korean_scaled else None
    if scale is None and verbatim is not None:
        return verbatim
    if scale is None:
        return "–".join(format_number(v) for v in values)
    size, word = scale
    return "–".join(format_number(v / size) for v in values) + f" {word}"


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def to_int_if_whole(d: Decimal):
    return int(d) if d == d.to_integral_value() else d.normalize()


def is_year(value) -> bool:
    return isinstance(value, Decimal) and value == value.to_integral_value() and 1000 <= value <= 2999
