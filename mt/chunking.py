"""Split a model input that exceeds the model's limit at sentence, then clause, then word
boundaries, never inside a protected stretch, so nothing is ever truncated."""

from __future__ import annotations

import bisect
import re
from typing import Callable, Sequence

from .korean import split_sentences

# Korean connective endings and commas that end a clause; the split goes after the whitespace.
_CLAUSE_END_RE = re.compile(r"(?:[,;:]|(?:고|며|면서|지만|는데|은데|으며|으나|하여|해서|되어|되며|하고|이며))(?=\s)")


def split_to_fit(text: str, count_tokens: Callable[[Sequence[str]], list[int]], limit: int,
                 protected: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Pieces of ``text`` (joined by single spaces they give back ``text`` up to whitespace),
    each within ``limit`` tokens where any boundary allows it."""
    if count_tokens([text])[0] <= limit:
        return [text]
    protected = sorted(protected)
    for splitter in (_sentence_cuts, _clause_cuts, _space_cuts):
        cuts = [c for c in splitter(text) if not _inside(c, protected)]
        pieces = _pack(text, cuts, count_tokens, limit)
        if all(n <= limit for n in count_tokens(pieces)):
            return pieces
    return _hard_split(text, count_tokens, limit, protected)


def _inside(cut: int, protected: Sequence[tuple[int, int]]) -> bool:
    """Is ``cut`` strictly inside a protected stretch (``protected``: sorted, not overlapping)?"""
    index = bisect.bisect_left(protected, (cut, cut)) - 1
    return index >= 0 and protected[index][0] < cut < protected[index][1]


def _sentence_cuts(text: str) -> list[int]:
    return [start for start, _ in split_sentences(text)[1:]]


def _clause_cuts(text: str) -> list[int]:
    cuts = set(_sentence_cuts(text))
    for match in _CLAUSE_END_RE.finditer(text):
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
        cuts.add(position)
    return sorted(c for c in cuts if 0 < c < len(text))


def _space_cuts(text: str) -> list[int]:
    return [m.end() for m in re.finditer(r"\s+", text) if m.end() < len(text)]


def _pack(text: str, cuts: list[int], count_tokens, limit: int) -> list[str]:
    """Greedy packing of the stretches between cuts into pieces of at most ``limit`` tokens."""
    bounds = [0, *sorted(set(cuts)), len(text)]
    units = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    units = [u for u in units if u]
    sizes = count_tokens(units) if units else []
    pieces, current, current_size = [], [], 0
    for unit, size in zip(units, sizes):
        if current and current_size + size > limit:
            pieces.append(" ".join(current))
            current, current_size = [], 0
        current.append(unit)
        current_size += size
    if current:
        pieces.append(" ".join(current))
    return pieces


def _hard_split(text: str, count_tokens, limit: int, protected) -> list[str]:
    """Last resort for a run with no usable boundary: cut by characters, outside protections."""
    pieces, start = [], 0
    while start < len(text):
        low, high = start + 1, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if count_tokens([text[start:middle]])[0] <= limit:
                low = middle
            else:
                high = middle - 1
        end = max(low, start + 1)
        index = bisect.bisect_left(protected, (end, end)) - 1
        if index >= 0 and protected[index][0] < end < protected[index][1] and protected[index][0] > start:
            end = protected[index][0]
        pieces.append(text[start:end].strip())
        start = end
    return [p for p in pieces if p]
