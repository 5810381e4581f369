"""Finding glossary terms in Korean text the way Korean is written.

A term is found by its characters with spacing ignored (스마트 도시 = 스마트도시), longest first,
and is accepted only where it is a word of its own:

- it starts a word (after a space, punctuation or a non-Hangul character), or is a title that
  directly follows a name in the same word (국토교통부장관 = 국토교통부 + 장관). Two other terms glued
  into one word make a compound the glossary lacks (부산경찰청 is not 부산 + 경찰청, Busan's police is
  not the national agency): neither fires, the word is left to the model, and ``compounds`` lists it;
- what follows it in the same word is nothing, punctuation, another accepted term, or only
  particles and endings. That last check is Kiwi's: the word is analysed with the term fixed as
  one proper noun (``pretokenized``) and every morpheme after it must be a particle (J*), an
  ending (E*), the copula 이다 (VCP) or the plural/honorific suffix 들/님. So 데이터허브에서 matches
  데이터허브, while 도시 does not fire inside 도시데이터 or 도시화.

Titles (장관, 시장, ...) are ambiguous alone (시장 is also "market"), so a title is kept only
beside a name: a person, organisation or place hit right before it (국토교통부 장관, 안산시장)
or a person right after it (장관 박상우).

Invisible characters (``mt.korean.is_invisible``: format characters such as U+200B/U+200D/U+200F,
U+FEFF and the soft hyphen, the combining grapheme joiner, variation selectors, the Hangul fillers)
are ignored for matching like spaces, in the text and in the terms; offsets stay offsets into the
original text.

Hit offsets never include the particle: in "스마트도시 데이터허브를" the hit is
"스마트도시 데이터허브", so a caller can replace [start, end) and keep the particle.
"""

from __future__ import annotations

import bisect
import datetime
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from mt.korean import attached_grammar, is_invisible, strip_invisible

from .termbase import Entry, Termbase, match_key

NAME_KINDS = frozenset({"person", "organisation", "place"})
# Particles and endings after a term are short (이었습니다만은 is 8): a longer Hangul tail is a word.
MAX_TAIL = 12
# Words longer than this are scanned right to left first, so chained terms never recurse deeply.
_LONG_WORD = 64


def is_hangul(char: str) -> bool:
    code = ord(char)
    return (0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F) and not is_invisible(char)


def _key(form: str) -> str:
    return match_key(strip_invisible(form))


def is_word_char(char: str) -> bool:
    """Letters and digits that glue to a neighbouring term (Hangul is handled separately)."""
    return char.isalnum() and not is_hangul(char)


@dataclass(frozen=True)
class TermHit:
    start: int
    end: int
    surface: str
    entry: Entry

    @property
    def english(self) -> str:
        return self.entry.target

    def describe(self) -> dict:
        entry = self.entry
        return {"entry": entry.id, "korean": entry.korean, "line": entry.line, "kind": entry.kind, "dnt": entry.dnt}


class _Node:
    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entries: list[tuple[Entry, bool]] = []  # (entry, matched by its main Korean form)


def _preference(date: datetime.date | None):
    """Sort key among entries sharing a form: the main form before an alias, then the newest."""

    def key(item: tuple[Entry, bool]):
        entry, is_main = item
        current = entry.valid_to is None
        newest = entry.valid_from.toordinal() if entry.valid_from else 0
        return (not is_main, not current if date is None else False, -newest, entry.line)

    return key


class Matcher:
    """Finds approved terms in text (``mt.terms.TermFinder``). Build once per termbase and reuse
    (it caches analyses)."""

    def __init__(self, termbase: Termbase | Iterable[Entry], statuses: Iterable[str] = ("approved",), *, title_context: bool = True):
        entries = termbase.entries if isinstance(termbase, Termbase) else list(termbase)
        self.fingerprint = termbase.sha256() if isinstance(termbase, Termbase) else None
        wanted = set(statuses)
        self.entries = [e for e in entries if e.status in wanted]
        self.title_context = title_context
        self._root = _Node()
        for entry in self.entries:
            for number, form in enumerate(entry.forms):
                key = _key(unicodedata.normalize("NFC", form))
                if not key:
                    continue
                node = self._root
                for char in key:
                    node = node.children.setdefault(char, _Node())
                node.entries.append((entry, number == 0))
        self._last: tuple[tuple[str, datetime.date | None], tuple[list[TermHit], list[tuple[int, int]]]] | None = None

    # -- Korean morphology ---------------------------------------------------------------

    def _only_particles_follow(self, term_key: str, tail: str) -> bool:
        """Is ``tail`` (Hangul, right after the term in the same word) only particles/endings?"""
        return attached_grammar(term_key[-1:], tail)

    # -- matching -------------------------------------------------------------------------

    def find(self, text: str, date: datetime.date | None = None) -> list[TermHit]:
        """Non-overlapping hits, left to right, longest match first."""
        return self._find(text, date)[0]

    def compounds(self, text: str, date: datetime.date | None = None) -> list[tuple[int, int]]:
        """(start, end) of words where a term is glued to another term into a compound the glossary
        lacks (부산경찰청): no hit is given there; an editor may add the compound."""
        return self._find(text, date)[1]

    def _find(self, text: str, date: datetime.date | None) -> tuple[list[TermHit], list[tuple[int, int]]]:
        if not self.entries or not text:
            return [], []
        last = self._last      # one read: another thread may replace it (find, then compounds)
        if last is not None and last[0] == (text, date):
            return last[1]
        original = text
        text = unicodedata.normalize("NFC", text) if not unicodedata.is_normalized("NFC", text) else text
        positions = [i for i, c in enumerate(text) if not c.isspace() and not is_invisible(c)]
        stripped = "".join(text[i] for i in positions)
        scan = _Scan(self, text, positions, stripped, date)
        hits: list[TermHit] = []
        compounds: list[tuple[int, int]] = []
        starts = self._root.children      # no term begins with any other character
        k = 0
        while k < len(stripped):
            if stripped[k] not in starts:
                k += 1
                continue
            start = positions[k]
            before = start - 1
            while before >= 0 and is_invisible(text[before]):
                before -= 1
            if before < 0 or self._may_start_word(text[before], text[start]):
                scan.prepare_word(k)
                found = scan.accept(k)
                if found:
                    hits.extend(found)
                    end = found[-1].end
                    while k < len(positions) and positions[k] < end:
                        k += 1
                    continue
                if k in scan.glued:
                    compounds.append((start, scan.glued[k]))
            k += 1
        if self.title_context:
            hits = self._titles_beside_names(text, hits)
        self._last = ((original, date), (hits, compounds))
        return hits, compounds

    @staticmethod
    def _may_start_word(before: str, first: str) -> bool:
        if before.isspace():
            return True
        if is_hangul(first):
            return not is_hangul(before)
        if is_word_char(first):
            return not is_word_char(before) and not is_hangul(before)
        return True

    @staticmethod
    def _titles_beside_names(text: str, hits: list[TermHit]) -> list[TermHit]:
        kept = []
        for i, hit in enumerate(hits):
            if hit.entry.kind != "title":
                kept.append(hit)
                continue
            before = hits[i - 1] if i > 0 else None
            after = hits[i + 1] if i + 1 < len(hits) else None
            named_before = (before is not None and before.entry.kind in NAME_KINDS
                            and not strip_invisible(text[before.end:hit.start]).strip())
            person_after = (after is not None and after.entry.kind == "person"
                            and not strip_invisible(text[hit.end:after.start]).strip())
            if named_before or person_after:
                kept.append(hit)
        return kept


class _Scan:
    """The state of one ``find`` call: candidate terms at each position, with backtracking."""

    def __init__(self, matcher: Matcher, text: str, positions: list[int], stripped: str, date):
        self.m = matcher
        self.text = text
        self.positions = positions
        self.stripped = stripped
        self.date = date
        self.memo: dict[int, list[TermHit] | None] = {}
        self.glued: dict[int, int] = {}   # k -> end of the word where a term at k is glued to another term

    def prepare_word(self, k: int) -> None:
        """For a long glued word starting at k, decide every later position first (right to left),
        so that ``accept``'s chain through the word is memoized instead of recursing its length."""
        text, positions = self.text, self.positions
        end_k = k
        while end_k + 1 < len(positions) and is_hangul(text[positions[end_k + 1]]) \
                and not any(c.isspace() for c in text[positions[end_k] + 1:positions[end_k + 1]]):
            end_k += 1
            if end_k - k > _LONG_WORD:
                break
        if end_k - k <= _LONG_WORD:
            return
        while end_k + 1 < len(positions) and is_hangul(text[positions[end_k + 1]]) \
                and not any(c.isspace() for c in text[positions[end_k] + 1:positions[end_k + 1]]):
            end_k += 1
        for j in range(end_k, k, -1):
            self.accept(j)

    def candidates(self, k: int) -> list[tuple[int, Entry]]:
        """(end index in ``stripped``, entry) for every term starting at k, longest first."""
        node = self.m._root
        found: list[tuple[int, Entry]] = []
        j = k
        while j < len(self.stripped):
            node = node.children.get(self.stripped[j])
            if node is None:
                break
            j += 1
            if node.entries:
                valid = [item for item in node.entries if item[0].valid_on(self.date)]
                if valid:
                    valid.sort(key=_preference(self.date))
                    found.append((j, valid[0][0]))
        found.reverse()
        return found

    def accept(self, k: int) -> list[TermHit] | None:
        """The hits of the longest acceptable term at k (plus terms chained after it), or None."""
        if k in self.memo:
            return self.memo[k]
        self.memo[k] = None  # guards against re-entry while deciding
        result = None
        for end_k, entry in self.candidates(k):
            start = self.positions[k]
            end = self.positions[end_k - 1] + 1
            hit = TermHit(start, end, self.text[start:end], entry)
            rest = self._after(hit, end_k)
            if rest is not None:
                result = [hit, *rest]
                break
        self.memo[k] = result
        return result

    def _after(self, hit: TermHit, end_k: int) -> list[TermHit] | None:
        """What follows ``hit`` in its word: None if it makes the hit part of a longer word."""
        text, end = self.text, hit.end
        last = text[end - 1]
        while end < len(text) and is_invisible(text[end]):
            end += 1
        if end == len(text) or text[end].isspace():
            return []
        nxt = text[end]
        if not is_hangul(nxt):
            if is_word_char(nxt) and is_word_char(last):
                return None  # Latin glued to Latin: "ITSx" is another word
            return []
        chained = self.accept(end_k)
        if chained:
            if chained[0].entry.kind != "title":
                self.glued[self._k_of(hit.start)] = self._word_end(end)
            elif hit.entry.kind in NAME_KINDS or not self.m.title_context:
                return chained
            return None
        tail_end = end
        while tail_end < len(text) and tail_end - end <= MAX_TAIL and (is_hangul(text[tail_end]) or is_invisible(text[tail_end])):
            tail_end += 1
        if tail_end - end > MAX_TAIL:
            return None
        if self.m._only_particles_follow(_key(hit.surface), strip_invisible(text[end:tail_end])):
            return []
        return None

    def _k_of(self, start: int) -> int:
        return bisect.bisect_left(self.positions, start)

    def _word_end(self, end: int) -> int:
        text = self.text
        while end < len(text) and (is_hangul(text[end]) or is_invisible(text[end])):
            end += 1
        return end
