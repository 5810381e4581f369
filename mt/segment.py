"""Split mixed Korean/English text into spans to translate and spans to keep.

The spans cover the input exactly and in order: ``"".join(s.text for s in spans) == text``.

* ``keep``: English outside Korean, whitespace, layout bullets (□ ■ ◈ ◆ ○ ● ▲ ▶ ※ - * and
  the jamo ``ㅇ`` used as a bullet), quote marks wrapping a Korean span, truncation markers.
* ``translate``: a whole Korean sentence (with its digits, units, punctuation and any Latin
  islands inside it), or a Korean term or phrase inside an English sentence.

Layout bullets are cut first (they are structure, not words), then Kiwi finds sentences inside
each stretch, and each sentence is classified as Korean or English by its words and its ending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .korean import HANGUL_CHARS, HANJA_CHARS, has_hangul, split_sentences, tags

Kind = Literal["translate", "keep"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Kind
    text: str

    @property
    def translate(self) -> bool:
        return self.kind == "translate"


BULLETS = "□■◈◆○●▲▶※◇△▷▪•◎◉☞➤►"
# A bullet is a layout symbol standing alone between whitespace (or at the start); `-`, `*` and
# the jamo ㅇ count as bullets only in that position, never inside a word (K-드론, ODA*).
_BULLET_RE = re.compile(rf"(?:(?<=\s)|^)(?:[{BULLETS}]+|ㅇ|-|\*)(?=\s|$)|[{BULLETS}]")

_KOREAN = f"{HANGUL_CHARS}{HANJA_CHARS}"
_WORD_RE = re.compile(rf"[{_KOREAN}]+|[A-Za-z]+")
_KOREAN_WORD_RE = re.compile(rf"[{_KOREAN}]")
# A Korean phrase inside English: Korean words with what binds them (spaces, digits, ‧ · - ~).
_KOREAN_PHRASE_RE = re.compile(
    rf"[0-9.,]*[{_KOREAN}]+(?:[0-9.,%~‧·\-]*[{_KOREAN}]+)*"
    rf"(?:[ \t\u00a0]*[0-9.,%~‧·\-]*[{_KOREAN}]+(?:[0-9.,%~‧·\-]*[{_KOREAN}]+)*)*"
)
_TRUNCATION_RE = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*$")
_PREDICATE_TAGS = {"EF", "EP"}

PAIRS = {"「": "」", "『": "』", "‘": "’", "“": "”", "'": "'", '"': '"', "(": ")", "[": "]", "《": "》", "〈": "〉", "<": ">"}


def segment(text: str) -> list[Span]:
    """Return the keep/translate spans of ``text`` (any length, any mix of scripts)."""
    if not has_hangul(text):
        return [Span(0, len(text), "keep", text)] if text else []
    translate_ranges: list[tuple[int, int]] = []
    for start, end in _stretches_between_bullets(text):
        if has_hangul(text[start:end]):
            translate_ranges.extend(_korean_ranges(text, start, end))
    return _cover(text, translate_ranges)


def _stretches_between_bullets(text: str) -> list[tuple[int, int]]:
    stretches, position = [], 0
    for match in _BULLET_RE.finditer(text):
        if match.start() > position:
            stretches.append((position, match.start()))
        position = match.end()
    if position < len(text):
        stretches.append((position, len(text)))
    return stretches


def _korean_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    stretch = text[start:end]
    ranges = []
    for s_start, s_end in _sentences(stretch):
        sentence = stretch[s_start:s_end]
        if not has_hangul(sentence):
            continue
        if is_korean_sentence(sentence):
            trimmed = _trim(stretch, s_start, s_end)
            if trimmed:
                ranges.append((start + trimmed[0], start + trimmed[1]))
        else:
            for match in _KOREAN_PHRASE_RE.finditer(sentence):
                ranges.append((start + s_start + match.start(), start + s_start + match.end()))
    return ranges


def _sentences(stretch: str) -> list[tuple[int, int]]:
    found = split_sentences(stretch)
    if not found:
        return [(0, len(stretch))]
    # Kiwi drops whitespace between sentences; give any text it skipped to the following sentence
    # so nothing with Hangul in it can fall between two sentences.
    result, previous_end = [], 0
    for s_start, s_end in found:
        if stretch[previous_end:s_start].strip():
            s_start = previous_end
        result.append((s_start, s_end))
        previous_end = s_end
    if stretch[previous_end:].strip():
        last_start = result[-1][0] if result else 0
        result[-1:] = [(last_start, len(stretch))]
    return result


def is_korean_sentence(sentence: str) -> bool:
    """Korean when it ends in a Korean predicate, or Korean words outnumber English ones two to one;
    otherwise it is an English sentence with Korean terms inside."""
    words = _WORD_RE.findall(sentence)
    korean = [w for w in words if _KOREAN_WORD_RE.match(w)]
    english = len(words) - len(korean)
    if english == 0 or len(korean) >= 2 * english:
        return True
    if not _KOREAN_WORD_RE.match(words[-1]):
        return False
    return any(tag in _PREDICATE_TAGS for _, tag, _, _ in tags(korean[-1]))


def _trim(stretch: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop surrounding whitespace, truncation markers and quote marks that wrap the whole sentence."""
    while start < end and stretch[start].isspace():
        start += 1
    truncation = _TRUNCATION_RE.search(stretch, start, end)
    if truncation and truncation.start() > start:
        end = truncation.start()
    while end > start and stretch[end - 1].isspace():
        end -= 1
    while end - start >= 2 and PAIRS.get(stretch[start]) == stretch[end - 1] and _wraps(stretch[start:end]):
        start, end = start + 1, end - 1
        while start < end and stretch[start].isspace():
            start += 1
        while end > start and stretch[end - 1].isspace():
            end -= 1
    return (start, end) if end > start else None


def _wraps(quoted: str) -> bool:
    """True when the first mark's partner is the last character (「a」 b 「c」 is not wrapped)."""
    opening, closing = quoted[0], quoted[-1]
    if opening == closing:
        return quoted.count(opening) == 2
    depth = 0
    for index, char in enumerate(quoted):
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index == len(quoted) - 1
    return False


def _cover(text: str, ranges: list[tuple[int, int]]) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for start, end in sorted(ranges):
        if start < position:
            start = position
        if end <= start:
            continue
        if start > position:
            spans.append(Span(position, start, "keep", text[position:start]))
        spans.append(Span(start, end, "translate", text[start:end]))
        position = end
    if position < len(text):
        spans.append(Span(position, len(text), "keep", text[position:]))
    return spans


_ISLAND_RE = re.compile(r"[A-Za-z][A-Za-z0-9&.'’\-]*(?:[ ,]+[A-Za-z][A-Za-z0-9&.'’\-]*)*[*]?")


def latin_islands(text: str) -> list[tuple[int, int]]:
    """Runs of Latin script inside a Korean span (names, acronyms) that must come out unchanged."""
    result = []
    for match in _ISLAND_RE.finditer(text):
        start, end = match.start(), match.end()
        while end > start and text[end - 1] in " ,.-'’":
            end -= 1
        if end > start:
            result.append((start, end))
    return result
