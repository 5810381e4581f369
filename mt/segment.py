"""Split mixed Korean/English text into spans to translate and spans to keep.

The spans cover the input exactly and in order: ``"".join(s.text for s in spans) == text``.

* ``keep``: English outside Korean, whitespace, layout bullets (□ ■ ◈ ◆ ○ ● ▲ ▶ ※ - * and
  the jamo ``ㅇ`` used as a bullet), quote marks wrapping a Korean span, truncation markers.
* ``translate``: a whole Korean sentence (with its digits, units, punctuation and any Latin
  islands inside it), or a Korean term or phrase inside an English sentence.

Layout bullets are cut first (they are structure, not words), then Kiwi finds sentences inside
each stretch (very long stretches in bounded windows, so time stays linear in the length). A
sentence boundary Kiwi misses next to English (``… in Glasgow. 인천시는 …``) is cut too. An
English stretch that opens a sentence and ends at a clause boundary before the Korean (a label
before ``:``, a clause with ``said,`` before a quote) is detached and kept. Each remaining piece
is classified as Korean or English by its words and its ending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .korean import HANGUL_CHARS, HANGUL_RE, HANJA_CHARS, has_hangul, split_sentences, tags

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
    rf"(?<![0-9.,])[0-9.,]*[{_KOREAN}]+(?:[0-9.,%~‧·\-]*[{_KOREAN}]+)*"
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
    for s_start, s_end in _pieces(stretch):
        if not has_hangul(stretch[s_start:s_end]):
            continue
        sentence = stretch[s_start:s_end]
        if is_korean_sentence(sentence):
            s_start += detached_english_head(sentence)
            trimmed = _trim(stretch, s_start, s_end)
            if trimmed:
                ranges.append((start + trimmed[0], start + trimmed[1]))
        else:
            for match in _KOREAN_PHRASE_RE.finditer(sentence):
                ranges.append((start + s_start + match.start(), start + s_start + match.end()))
    return ranges


def _pieces(stretch: str) -> list[tuple[int, int]]:
    """Kiwi's sentences, each cut further at the sentence boundaries beside English it misses."""
    pieces = []
    for s_start, s_end in _sentences(stretch):
        position = s_start
        for cut in english_sentence_cuts(stretch[s_start:s_end]):
            pieces.append((position, s_start + cut))
            position = s_start + cut
        pieces.append((position, s_end))
    return pieces


def _sentences(stretch: str) -> list[tuple[int, int]]:
    found = []
    for w_start, w_end in windows(stretch):
        found.extend((w_start + a, w_start + b) for a, b in split_sentences(stretch[w_start:w_end]))
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


# -- long stretches: Kiwi's time grows faster than linearly, so it sees bounded windows --------

WINDOW = 20_000
_WINDOW_SENTENCE_END_RE = re.compile(r"[.!?。][\"'”’」』)\]]*\s")
_WHITESPACE_RE = re.compile(r"\s")


def windows(stretch: str, size: int | None = None) -> list[tuple[int, int]]:
    """Consecutive (start, end) windows covering ``stretch``, each at most ``size`` characters,
    cut after sentence punctuation where the window's second half has one, else at whitespace."""
    size = size or WINDOW
    result, start = [], 0
    while len(stretch) - start > size:
        floor, limit = start + size // 2, start + size
        cut = _last_end(_WINDOW_SENTENCE_END_RE, stretch, floor, limit) or _last_end(_WHITESPACE_RE, stretch, floor, limit)
        cut = cut or limit
        result.append((start, cut))
        start = cut
    result.append((start, len(stretch)))
    return result


def _last_end(pattern: re.Pattern, text: str, floor: int, limit: int) -> int:
    last = 0
    for match in pattern.finditer(text, floor, limit):
        last = match.end()
    return last


# -- English beside Korean in one sentence -------------------------------------------------------

_LATIN_RE = re.compile(r"[A-Za-z]")
_CLOSERS = "\"'”’」』)]》〉"
_OPENERS = "\"'“‘「『([《〈"
# Sentence punctuation after a word, its closing marks, then whitespace and the next word.
_SENTENCE_END_RE = re.compile(rf"(?<!\S)(\S*?)([.!?]+[{re.escape(_CLOSERS)}]*)(\s+)(?=(\S+))")
# Abbreviations that stand before a name or a number: never the end of a sentence.
_TITLE_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "gov", "sen", "rep", "lt", "col", "capt", "no", "nos",
    "fig", "vol", "art", "vs", "cf", "p", "pp", "op", "para", "tel", "ed", "eds",
}
# Abbreviations that may end an English sentence (``… until 5 p.m.``, ``… in the U.S.``): a
# boundary only after English prose, not after a bare name (``Samsung C&T Corp.) 대표는``).
_FINAL_ABBREVIATIONS = {
    "co", "corp", "inc", "ltd", "jr", "sr", "etc", "approx", "est", "al", "ca", "dept", "univ", "ave",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
_CONTEXT = 40
# Morphemes that cannot start a sentence: particles, endings, copula, suffixes, dependent nouns.
_ATTACHED_TAGS = ("J", "E", "VCP", "XS", "NNB")
# A clause (``,`` ``;``) or label (``:`` or a spaced dash) boundary, with any closing marks after it.
_HEAD_BOUNDARY_RE = re.compile(rf"(,|;|:|\s[—–])[{re.escape(_CLOSERS)}]*(?=[\s{re.escape(_OPENERS)}]|$)")
# A bracketed English label opening a sentence: ``(Background) 정부는 …``, ``[Reference] …``.
_BRACKET_LABEL_RE = re.compile(r"\s*(?:\([^()\[\]]*\)|\[[^()\[\]]*\])(?=\s)")
# English prose has lower-case words other than the function words that also occur in names.
_LOWER_WORD_RE = re.compile(r"(?<![A-Za-z])[a-z][a-z]+")
_NAME_FUNCTION_WORDS = {"of", "and", "the", "for", "on", "in", "de", "du", "la", "le", "von", "van", "der"}


def _is_latin_word(word: str) -> bool:
    return bool(_LATIN_RE.search(word)) and not has_hangul(word)


def _is_prose(english: str) -> bool:
    return any(word not in _NAME_FUNCTION_WORDS for word in _LOWER_WORD_RE.findall(english))


def english_sentence_cuts(sentence: str) -> list[int]:
    """Offsets in ``sentence`` where an English sentence ends and another begins, one side being
    English: ``… in Glasgow. 인천시는 …``, ``… 가입했다. The city …``. Korean-only boundaries are
    left to Kiwi. Not boundaries: an abbreviation before a name (``Dr.``), one after a bare name
    (``Samsung C&T Corp.``), a number after a name or a Korean sentence (``No. 1``, ``2025. 7.``),
    and a next word that starts with Korean grammar (a particle after a quote)."""
    cuts, last_hangul, scanned = [], -1, 0
    for match in _SENTENCE_END_RE.finditer(sentence):
        before, after = match.group(1), match.group(4)
        for hangul in HANGUL_RE.finditer(sentence, scanned, match.start(2)):
            last_hangul = hangul.start()
        scanned = match.start(2)
        english_run = sentence[last_hangul + 1:match.start(2)]
        before_english = not has_hangul(before) and bool(_LATIN_RE.search(english_run))
        if not before or not (before_english or _is_latin_word(after)):
            continue
        if after[0].islower() or after[0] in _CLOSERS + ",;:.":
            continue
        if after[0].isdigit() and not (before_english and _is_prose(english_run)):
            continue
        if before_english and match.group(2).startswith(".") and not _may_end_sentence(before, english_run):
            continue
        if has_hangul(after[:1]):
            # Kiwi reads the next word in the context of the previous one (bounded: linear time).
            context_start = max(match.start(), match.start(2) - _CONTEXT)
            context = sentence[context_start:match.end() + min(len(after), _CONTEXT)]
            if _starts_attached(context, match.end() - context_start):
                continue
        cuts.append(match.end(2))
    return cuts


def _may_end_sentence(word: str, english_run: str) -> bool:
    core = word.strip(_OPENERS + _CLOSERS)
    letters = core.replace(".", "").lower()
    if letters in _TITLE_ABBREVIATIONS or (len(letters) <= 1 and "." not in core):
        return False
    if "." in core or letters in _FINAL_ABBREVIATIONS:
        return _is_prose(english_run)
    return True


def _starts_attached(context: str, offset: int) -> bool:
    """True when the Korean word at ``offset`` of ``context`` starts with a particle or ending."""
    for _, tag, start, _ in tags(context):
        if start >= offset:
            return tag.startswith(_ATTACHED_TAGS)
    return False


def detached_english_head(sentence: str) -> int:
    """Length of the English that opens ``sentence`` and is not part of its Korean grammar: a
    label before ``:`` or a spaced dash (``Smart+ buildings: 로봇과 …``), a bracketed label
    (``(Background) 정부는 …``), or an English clause before ``,`` / ``;`` (``The mayor said,
    “우리 시는 …”``); 0 when there is none. Between that boundary and the first Korean there may
    only be opening quote marks or an English name (``As of July, MOLIT는 …``); a clause needs
    English prose, so a list of names (``Seoul, Busan, 대구는``) stays with the Korean."""
    first = HANGUL_RE.search(sentence)
    prefix = sentence[:first.start()] if first else ""
    if not _LATIN_RE.search(prefix):
        return 0
    boundary = None
    for boundary in _HEAD_BOUNDARY_RE.finditer(prefix):
        pass
    label = _BRACKET_LABEL_RE.match(prefix)
    if boundary is None:
        end, is_label = (label.end(), True) if label else (0, False)
    else:
        end, is_label = boundary.end(), boundary.group(1) not in ",;"
    if not end or not _LATIN_RE.search(prefix[:end]):
        return 0
    tail = prefix[end:]
    if _is_prose(tail) or any(char in ",;:" for char in tail):
        return 0
    if not is_label and not _is_prose(prefix[:end]):
        return 0
    return end


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
    truncation = _TRUNCATION_RE.search(stretch, max(start, end - 64), end)
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


_ISLAND_RE = re.compile(r"[A-Za-z][A-Za-z0-9&.'’/\-]*(?:[ ,]+[A-Za-z][A-Za-z0-9&.'’/\-]*)*[*]?")


def latin_islands(text: str) -> list[tuple[int, int]]:
    """Runs of Latin script inside a Korean span (names, acronyms) that must come out unchanged."""
    result = []
    for match in _ISLAND_RE.finditer(text):
        start, end = match.start(), match.end()
        while end > start and text[end - 1] in " ,.-'’/":
            end -= 1
        if end > start:
            result.append((start, end))
    return result
