"""``find_numbers``: the scanner's items rendered as ``NumberExpr``s."""

from __future__ import annotations

from .render import render, value_of
from .scan import scan
from .types import NumberExpr, RenderStyle


def find_numbers(text: str, style: RenderStyle = RenderStyle(), default_year: int | None = None) -> list[NumberExpr]:
    """All numeric expressions in Korean or mixed text, left to right, non-overlapping.

    ``default_year`` resolves the century of ``'25`` and fills the year of dates written without
    one in ``value`` (the English rendering keeps the source's precision).
    """
    out = []
    for item in scan(text, default_year):
        out.append(
            NumberExpr(
                start=item.start,
                end=item.end,
                text=text[item.start:item.end],
                kind=item.kind,
                value=value_of(item, default_year),
                english=render(item, style),
                unit=item.unit,
            )
        )
    return out
