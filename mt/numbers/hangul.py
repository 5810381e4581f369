"""Whether Hangul that looks like a number stands as one: Kiwi's analysis decides, not a word list.

A numeral syllable (일 이 삼 … 십 백 천 만 억 조, 한 두 세 네 …) is often a syllable of an
ordinary noun: 조건 (conditions), 구조원 (a lifeguard), 열대 (tropical), 세대 (a generation),
조명 (lighting). The scanner proposes ``numeral + counter``; it is a number only when Kiwi reads
the numeral part as numerals of their own (NR, or MM for the native determiners 한 두 세 네 …)
and the counter as a separate morpheme. The analysis sees the words around the candidate only
(bounded work per candidate, so long lines stay linear).

A small list of exceptions covers readings Kiwi gets right as morphemes but that are idioms:
``한 배`` (the same boat), glued ``한번`` (once, ever, "give it a try"), ``한 번도``/``한 명도``
(never, no one).
"""

from __future__ import annotations

import functools
import re

from ..korean import tags


@functools.lru_cache(maxsize=4096)
def analysis(window: str) -> tuple:
    """Kiwi's tokens of a short window (cached: the same words recur through a document)."""
    return tuple(tags(window))

NUMERAL_TAGS = frozenset({"NR", "SN"})
NATIVE_TAGS = frozenset({"NR", "MM", "SN"})  # 한/두/세/네 are determiners (MM) before a counter
# (numeral, counter) pairs that are idioms, not counts, whatever the analysis says
IDIOMS = frozenset({("한", "배"), ("한", "번")})  # 한 배를 탔다 (same boat); 한번 glued (once, ever)
GLUED_ONLY = frozenset({("한", "번")})  # 한 번 with a space is "one time"; 한번 glued is the idiom
_WORD_EDGE = re.compile(r"\s")
NOT_ONE = re.compile(r"[가-힣]{1,2}도(?![가-힣])")  # a counter and 도: 한 번도, 한 명도, 한 푼도
# Korean personal names: a surname syllable and one or two more (김철수, 남궁민). A foreign name
# before N세 is a monarch or pope (헨리 8세); a Korean name before it is a person's age.
SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설길연")


def _window(text: str, start: int, end: int, words: int = 1) -> tuple[int, int]:
    """From ``words`` words before ``start`` to the end of the word at ``end`` and ``words`` after it."""
    lo = start
    for _ in range(words + 1):
        while lo > 0 and _WORD_EDGE.match(text, lo - 1):
            lo -= 1
        while lo > 0 and not _WORD_EDGE.match(text, lo - 1):
            lo -= 1
    hi = end
    for _ in range(words + 1):
        while hi < len(text) and _WORD_EDGE.match(text, hi):
            hi += 1
        while hi < len(text) and not _WORD_EDGE.match(text, hi):
            hi += 1
    return lo, hi


def stands_as_numeral(text: str, start: int, numeral_end: int, counter_start: int, native: bool = False) -> bool:
    """Whether ``text[start:numeral_end]`` is read as numerals and a counter begins at ``counter_start``."""
    numeral = text[start:numeral_end].strip()
    counter = text[counter_start:counter_start + 1]
    if (numeral, counter) in IDIOMS and ((numeral, counter) not in GLUED_ONLY or numeral_end == counter_start):
        return False
    if native and numeral == "한" and NOT_ONE.match(text, counter_start):
        return False  # 한 번도 없다 (never), 한 명도 (no one): the English says never, no, none
    lo, hi = _window(text, start, counter_start)
    allowed = NATIVE_TAGS if native else NUMERAL_TAGS
    a, b, c = start - lo, numeral_end - lo, counter_start - lo
    counter_begins = False
    for _form, tag, t_start, t_end in analysis(text[lo:hi]):
        if t_end <= a:
            continue
        if t_start >= c:
            counter_begins = counter_begins or t_start == c
            continue
        if t_start < a or t_end > b or tag not in allowed:
            return False  # a morpheme reaches past the numeral (조건, 구조원, 열대) or is no numeral
    return counter_begins


def previous_word(text: str, start: int) -> tuple[int, int] | None:
    """The space-delimited word just before ``text[start]`` (one space apart), as (start, end)."""
    if start < 2 or text[start - 1] != " " or text[start - 2].isspace():
        return None
    end = start - 1
    lo = end
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    return lo, end


def is_foreign_name(text: str, start: int, end: int) -> bool:
    """Kiwi reads ``text[start:end]`` as one proper noun (NNP) that is not a Korean personal name."""
    word = text[start:end]
    if not word or not all("가" <= ch <= "힣" for ch in word):
        return False
    if len(word) == 3 and word[0] in SURNAMES:
        return False  # 김철수 8세: a person's age
    morphemes = analysis(word)
    return len(morphemes) == 1 and morphemes[0][1] == "NNP"

