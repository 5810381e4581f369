"""Fuzzy matches from a translation memory, on the scale CAT-tool editors know (memoQ, Trados):

- 100: the same Korean (after NFC and spacing normalisation);
- 99: only the numbers differ: offered with the source's numbers put into the English (when every
  number of the match's Korean is found in its English);
- 95–98: only numbers, punctuation or spacing differ (98 spacing, 97 punctuation, 95 numbers and
  punctuation);
- 85–94 and 75–84: edit similarity (rapidfuzz's normalised Indel ratio, capped at 94); below 75 nothing.

Lookups are answered from an index, not by scanning the memory: exact and "skeleton" (letters
only) dictionaries for the top of the scale, and a character-bigram inverted index that picks a
few hundred candidates sharing the most of the query's rarest bigrams (counted with numpy over
the posting arrays), which rapidfuzz then scores. Matches are
suggestions: nothing here applies one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from .memory import normalise

__all__ = ["FuzzyEntry", "FuzzyIndex", "FuzzyMatch", "band"]

MIN_SCORE = 75
CANDIDATES = 300
RAREST_BIGRAMS = 24          # a query's candidates come from its rarest bigrams' postings
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_NON_LETTER_RE = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class FuzzyEntry:
    korean: str
    english: str
    origin: str                  # "human" or "machine"
    who: str = ""                # editor or model


@dataclass(frozen=True)
class FuzzyMatch:
    entry: FuzzyEntry
    score: int                   # 75..100
    english: str                 # the entry's English, numbers substituted at 99
    why: str                     # "exact", "numbers", "spacing", "punctuation", "fuzzy"

    @property
    def band(self) -> str:
        return band(self.score)


def band(score: int) -> str:
    if score >= 100:
        return "100"
    if score >= 95:
        return "95-99"
    if score >= 85:
        return "85-94"
    return "75-84"


def _without_spacing(text: str) -> str:
    return "".join(text.split())


def _letters(text: str) -> str:
    """Only what is neither a number, punctuation nor spacing."""
    return _NON_LETTER_RE.sub("", text)


def _no_numbers(text: str) -> str:
    return _NUMBER_RE.sub("#", _without_spacing(text))


def _bigrams(text: str) -> set[str]:
    squeezed = _without_spacing(text)
    return {squeezed[i:i + 2] for i in range(len(squeezed) - 1)} or {squeezed}


def substitute_numbers(match_korean: str, query_korean: str, english: str) -> str | None:
    """The match's English with each number of the match's Korean replaced by the query's number
    in the same place (English word order may differ from Korean); None when the counts differ,
    one number would map to two, or a number of the match is not in its English."""
    old, new = _NUMBER_RE.findall(match_korean), _NUMBER_RE.findall(query_korean)
    if len(old) != len(new):
        return None
    mapping: dict[str, str] = {}
    for before, after in zip(old, new):
        if mapping.setdefault(before, after) != after:
            return None
    present = set(_NUMBER_RE.findall(english))
    if not set(mapping) <= present:
        return None
    return _NUMBER_RE.sub(lambda m: mapping.get(m.group(0), m.group(0)), english)


class FuzzyIndex:
    def __init__(self, entries: Iterable[FuzzyEntry]):
        self.entries: list[FuzzyEntry] = []
        self.keys: list[str] = []
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._skeleton: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            key = normalise(entry.korean)
            if not key or not entry.english:
                continue
            number = len(self.entries)
            self.entries.append(entry)
            self.keys.append(key)
            self._exact[key].append(number)
            self._skeleton[_letters(key)].append(number)
            for gram in _bigrams(key):
                postings[gram].append(number)
        self._postings = {gram: np.asarray(numbers, dtype=np.int32) for gram, numbers in postings.items()}
        self._lengths = np.asarray([len(_without_spacing(key)) for key in self.keys], dtype=np.int32)

    def __len__(self) -> int:
        return len(self.entries)

    def _near_exact(self, key: str, number: int) -> tuple[int, str, str]:
        other = self.keys[number]
        english = self.entries[number].english
        if _without_spacing(other) == _without_spacing(key):
            return 98, english, "spacing"
        if _no_numbers(other) == _no_numbers(key):
            substituted = substitute_numbers(other, key, english)
            if substituted is not None:
                return 99, substituted, "numbers"
            return 95, english, "numbers"
        if _NUMBER_RE.findall(other) == _NUMBER_RE.findall(key):
            return 97, english, "punctuation"
        return 95, english, "numbers and punctuation"

    def _candidates(self, key: str, skip: set[int]) -> list[int]:
        lists = sorted((self._postings[gram] for gram in _bigrams(key) if gram in self._postings), key=len)
        if not lists:
            return []
        numbers, counts = np.unique(np.concatenate(lists[:RAREST_BIGRAMS]), return_counts=True)
        length = len(_without_spacing(key))
        # An Indel ratio >= 75 needs lengths within a factor of 0.6..1.67 of each other.
        lengths = self._lengths[numbers]
        keep = (lengths >= 0.6 * length) & (lengths <= 1.67 * length + 2)
        numbers, counts = numbers[keep], counts[keep]
        if len(numbers) > CANDIDATES:
            top = np.argpartition(-counts, CANDIDATES)[:CANDIDATES]
            numbers = numbers[top]
        return [int(n) for n in numbers if int(n) not in skip]

    def lookup(self, korean: str, limit: int = 3, exclude_origin_of_self: str | None = None) -> list[FuzzyMatch]:
        """The best ``limit`` matches for ``korean``, best first (one per distinct English).
        ``exclude_origin_of_self``: skip exact entries of that origin (a segment's own machine
        English is no suggestion)."""
        key = normalise(korean)
        if not key:
            return []
        found: list[FuzzyMatch] = []
        taken: set[int] = set()
        for number in self._exact.get(key, ()):
            taken.add(number)
            entry = self.entries[number]
            if entry.origin != exclude_origin_of_self:
                found.append(FuzzyMatch(entry, 100, entry.english, "exact"))
        for number in self._skeleton.get(_letters(key), ()):
            if number not in taken:
                taken.add(number)
                score, english, why = self._near_exact(key, number)
                found.append(FuzzyMatch(self.entries[number], score, english, why))
        candidates = self._candidates(key, taken)
        if candidates:
            scored = process.extract(key, [self.keys[n] for n in candidates], scorer=fuzz.ratio,
                                     score_cutoff=MIN_SCORE, limit=limit * 3)
            for _, score, position in scored:
                number = candidates[position]
                found.append(FuzzyMatch(self.entries[number], min(94, int(score)), self.entries[number].english, "fuzzy"))
        found.sort(key=lambda m: (-m.score, m.entry.origin != "human"))
        unique, seen = [], set()
        for match in found:
            if match.english not in seen:
                seen.add(match.english)
                unique.append(match)
        return unique[:limit]
