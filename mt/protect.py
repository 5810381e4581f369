"""Choosing a job's protections among the candidates (terms, numbers, Latin islands, quotes) and
tidying them, each step linear or n log n in the number of candidates:

- overlaps resolved by priority (``ProtectionKind`` order), longer first; an island that overlaps
  a chosen term or number keeps its other words (``EMU-320, ITX``: the number takes ``EMU-320``,
  ``ITX`` stays an island);
- a term beside its own English gloss states that English once (``스마트도시 데이터허브(Smart City
  Data Hub)`` → ``Smart City Data Hub``, also the other way round);
- a bracketed Hanja gloss after a Korean word (``특례(特例)``) is dropped: it spells the word;
- when only particles or a copula glued to protected English are left (``… the smart city
  field이다.``), they are dropped too, so the span needs no model at all.
"""

from __future__ import annotations

import bisect
import re

from .korean import HANGUL_RE, HANJA_CHARS, attached_grammar, has_hangul, is_invisible
from .results import Protection, ProtectionKind
from .segment import PAIRS

# Title marks hold names of programmes, laws and events: their inside is translated on its own and
# put back inside the same marks. Ordinary quotes (‘’ “” ' ") are punctuation the model handles.
TITLE_MARKS = "「『《〈"
_ISLAND_TRIM = " ,.-'’"
_HANJA_GLOSS_RE = re.compile(rf"(?<=[\uac00-\ud7a3])\(([{HANJA_CHARS}]+)\)")
_GLOSS_SPACE = " \t\u00a0"
# Particles after protected English are short; a longer Korean remainder is translated.
_MAX_TAIL = 12
# Conjunctive particles between English words become "and" (Safety와 growth); other particles,
# endings and the copula are dropped.
_AND = {"와", "과", "랑", "이랑", "하고", "및"}


class Intervals:
    """Half-open intervals, answering "does [s, e) fall inside one?" and "does x fall strictly
    inside one?" in O(log n) (intervals may overlap)."""

    def __init__(self, intervals):
        self.items = sorted(intervals)
        self.starts = [s for s, _ in self.items]
        self.reach, furthest = [], -1
        for _, end in self.items:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def covers(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self.starts, start) - 1
        return index >= 0 and self.reach[index] >= end

    def strictly_contains(self, point: int) -> bool:
        index = bisect.bisect_left(self.starts, point) - 1
        return index >= 0 and self.reach[index] > point


def non_overlapping(candidates: list[Protection], text: str) -> list[Protection]:
    """The candidates kept, by priority then length; islands cut around what outranks them."""
    chosen_starts: list[int] = []
    chosen: list[Protection] = []
    for candidate in sorted(candidates, key=lambda p: (p.kind.priority, -(p.end - p.start), p.start)):
        blockers = _overlapping(chosen_starts, chosen, candidate.start, candidate.end)
        if not blockers:
            _insert(chosen_starts, chosen, candidate)
        elif candidate.kind is ProtectionKind.ISLAND:
            position = candidate.start
            for blocker in blockers + [None]:
                stop = blocker.start if blocker else candidate.end
                piece = _trimmed_island(text, position, stop, candidate.offset - candidate.start)
                if piece is not None and not _overlapping(chosen_starts, chosen, piece.start, piece.end):
                    _insert(chosen_starts, chosen, piece)
                if blocker:
                    position = max(position, blocker.end)
    return chosen


def _overlapping(starts: list[int], chosen: list[Protection], start: int, end: int) -> list[Protection]:
    index = bisect.bisect_right(starts, start) - 1
    if index < 0 or chosen[index].end <= start:
        index += 1
    found = []
    while index < len(chosen) and chosen[index].start < end:
        found.append(chosen[index])
        index += 1
    return found


def _insert(starts: list[int], chosen: list[Protection], protection: Protection) -> None:
    index = bisect.bisect_left(starts, protection.start)
    starts.insert(index, protection.start)
    chosen.insert(index, protection)


def _trimmed_island(text: str, start: int, end: int, base: int) -> Protection | None:
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and text[end - 1] in _ISLAND_TRIM:
        end -= 1
    if end <= start or not re.search(r"[A-Za-z]", text[start:end]):
        return None
    return Protection(start, end, ProtectionKind.ISLAND, text[start:end], text[start:end], offset=base + start)


def _gloss_key(english: str) -> str:
    return re.sub(r"[\s\-‐‑–]+", "", english).casefold()


def merge_glosses(text: str, protections: list[Protection]) -> list[Protection]:
    """A term followed by its own English in brackets, or English followed by the term in brackets:
    one protection over both, stating the English once (the brackets go with the Korean)."""
    result: list[Protection] = []
    index = 0
    while index < len(protections):
        current = protections[index]
        following = protections[index + 1] if index + 1 < len(protections) else None
        merged = _merged(text, current, following) if following is not None else None
        if merged is not None:
            result.append(merged)
            index += 2
        else:
            result.append(current)
            index += 1
    return result


def _merged(text: str, first: Protection, second: Protection) -> Protection | None:
    kinds = {first.kind, second.kind}
    if kinds != {ProtectionKind.TERM, ProtectionKind.ISLAND}:
        return None
    if _gloss_key(first.replacement) != _gloss_key(second.replacement):
        return None
    between = text[first.end:second.start].strip(_GLOSS_SPACE)
    opening = between[:1]
    if len(between) != 1 or opening not in "([" or text[second.end:second.end + 1] != PAIRS[opening]:
        return None
    keeper = first if first.kind is ProtectionKind.TERM else second
    end = second.end + 1
    return Protection(first.start, end, ProtectionKind.TERM, text[first.start:end], keeper.replacement,
                      offset=first.offset, term=keeper.term)


def hanja_glosses(text: str, base: int) -> list[Protection]:
    """Bracketed Hanja right after a Hangul syllable: dropped from what the model sees."""
    return [Protection(m.start(), m.end(), ProtectionKind.DROPPED, m.group(), "", offset=base + m.start())
            for m in _HANJA_GLOSS_RE.finditer(text)]


def particle_tails(text: str, protections: list[Protection], base: int) -> list[Protection]:
    """When the only Hangul outside the protections is particles or a copula glued right after one
    (``field이다``, ``Safety와``), those tails as protections to drop; otherwise none."""
    tails, position = [], 0
    kept = [p for p in protections if p.kind is not ProtectionKind.DROPPED]
    for i, protection in enumerate(kept):
        gap_end = kept[i + 1].start if i + 1 < len(kept) else len(text)
        if i == 0 and has_hangul(text[position:protection.start]):
            return []
        start = protection.end
        end = start
        while end < gap_end and (HANGUL_RE.match(text[end]) or is_invisible(text[end])) and end - start <= _MAX_TAIL:
            end += 1
        if has_hangul(text[end:gap_end]):
            return []
        if end > start:
            tail = "".join(c for c in text[start:end] if not is_invisible(c))
            if end - start > _MAX_TAIL or not attached_grammar(protection.source[-1:], tail):
                return []
            english = "and" if tail in _AND and _something_follows(text, end, gap_end) else ""
            tails.append(Protection(start, end, ProtectionKind.DROPPED, text[start:end], english, offset=base + start))
    if not kept and has_hangul(text):
        return []
    return tails


def lone_particles(text: str, before: str, after: str) -> list[Protection]:
    """A span that is only particles or a copula glued to the English before it (``Safety와 growth``
    splits into English, ``와`` and English): the Hangul as a protection to drop (or "and")."""
    start, end = 0, len(text)
    while start < end and not HANGUL_RE.match(text[start]):
        start += 1
    while end > start and not HANGUL_RE.match(text[end - 1]):
        end -= 1
    hangul = text[start:end]
    if (start or not before or not before[-1].isalnum() or not hangul or len(hangul) > _MAX_TAIL
            or not all(HANGUL_RE.match(c) for c in hangul) or not attached_grammar(before[-1], hangul)):
        return []
    english = "and" if hangul in _AND and any(c.isalnum() for c in text[end:] + after) else ""
    return [Protection(start, end, ProtectionKind.DROPPED, hangul, english, offset=start)]


def _something_follows(text: str, start: int, end: int) -> bool:
    """Is there a word in text[start:end], or more text after it (so "and" has something to join)?"""
    return any(c.isalnum() for c in text[start:end]) or end < len(text)


def quoted_korean(text: str) -> list[tuple[int, int]]:
    """Balanced title-mark pairs with Hangul inside (「…」, 『…』, 《…》, 〈…〉), outermost only; one
    pass over the text to pair the marks, prefix counts for the Hangul test."""
    partners: dict[int, int] = {}
    stacks: dict[str, list[int]] = {mark: [] for mark in TITLE_MARKS}
    closing = {PAIRS[mark]: mark for mark in TITLE_MARKS}
    hangul_before = [0]
    for index, char in enumerate(text):
        hangul_before.append(hangul_before[-1] + bool(HANGUL_RE.match(char)))
        if char in stacks:
            stacks[char].append(index)
        elif char in closing and stacks[closing[char]]:
            partners[stacks[closing[char]].pop()] = index
    found, index = [], 0
    while index < len(text):
        end = partners.get(index, -1)
        if end > index + 1 and hangul_before[end] - hangul_before[index + 1] > 0 and (index, end + 1) != (0, len(text)):
            found.append((index, end + 1))
            index = end + 1
        else:
            index += 1
    return found
