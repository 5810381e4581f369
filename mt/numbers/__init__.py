"""Korean numeric expressions: find them, read their value, render them in English, account for them.

``find_numbers`` scans Korean or mixed Korean/English text for numbers, money, counted quantities,
percentages, dates, times, ranges and ratios (``165억 원``, ``2025년 6월 26일``, ``6.26.(목)``,
``'25~'29``, ``30~40%``, ``5.3대 1``) and renders each one by fixed rules (``KRW 16.5 billion``,
``June 26, 2025``, ``June 26 (Thursday)``, ``2025–2029``, ``30–40%``, ``5.3:1``).

``account_numbers`` says which source expressions an English output contains (in any equivalent
form), ``unjustified_numbers`` finds numbers in an output that nothing in the source justifies.
The conventions are documented in docs/numbers.md.

Modules, by job: ``scan`` (the Korean scanner, tables in ``units``), ``render`` (the English
renderer), ``find`` (``find_numbers``), ``english`` (English-side mentions and
``account_numbers``), ``justify`` (``unjustified_numbers``), ``types`` (the named result types),
``values`` (number formatting).
"""

from __future__ import annotations

from .english import account_numbers
from .find import coverage, digit_runs, find_numbers
from .justify import unjustified_numbers
from .types import NumberCheck, NumberExpr, NumberKind, RenderStyle
from .values import format_number

__all__ = [
    "RenderStyle",
    "NumberExpr",
    "NumberKind",
    "NumberCheck",
    "find_numbers",
    "digit_runs",
    "coverage",
    "account_numbers",
    "unjustified_numbers",
    "format_number",
]
