"""Noun phrases in Korean text (Kiwi's analysis), and a guess of what kind of term each is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..termbase import has_hangul, match_key


MAX_WORDS = 6

LONE_NOUN_MIN_CHARS = 4

NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})

EDGE_STOP_NOUNS = frozenset(
    "결과 관련 이번 올해 지난해 내년 금년 현재 당시 이후 이전 경우 대상 이상 이하 가운데 최근 일부 전체 "
    "각종 다양 여러 모든 향후 기존 신규 주요 해당 본 총 약 등 및 간 내 외 중 전 후 위 말 초 시 분 개".split()
)

VERBAL_NOUNS = frozenset(
    "선정 추진 지원 개최 발표 운영 실시 참여 마련 확대 강화 개선 구축 도입 활용 개발 발굴 계획 방안 예정 공모 "
    "수행 실증 운항 설정 공개 제공 연계 수집 분석 점검 시행 검토 협의 논의 완료 착수 지정 신청 접수".split()
)

_WORD_BREAK = re.compile(r"[\s\u00a0\u3000]+|[^\w\-]|(?<![A-Za-z0-9가-힣])-|-(?![A-Za-z0-9가-힣])")

_ACRONYM_RE = re.compile(r"^[A-Z0-9][A-Z0-9&+\-]{0,7}$")

_PLACE_ENDINGS = ("광역시", "특별시", "특별자치시", "특별자치도")

_ORGANISATION_ENDINGS = ("위원회", "협의회", "공단", "공사", "재단", "연구원", "진흥원", "센터", "본부", "협회", "학회",
                         "부", "청", "처", "원")

_PROGRAMME_ENDINGS = ("사업", "사업단", "프로젝트", "공모전", "특구", "단지", "제도", "플랫폼")

_SURNAMES = set("김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구나민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보")

@dataclass(frozen=True)
class Word:
    start: int
    end: int                  # end of the noun part (a particle after it is not included)
    morphemes: tuple[tuple[str, str], ...]
    closes_run: bool          # a particle or the copula followed: the phrase cannot go on

    @property
    def latin_only(self) -> bool:
        return all(tag in ("SL", "SO") for _, tag in self.morphemes)

@dataclass(frozen=True)
class Occurrence:
    doc: int
    unit: int
    start: int
    end: int
    surface: str
    morphemes: tuple[tuple[str, str], ...]
    left: str | None          # the neighbouring word in the same run, if any
    right: str | None

def _words(text: str, tokens) -> list[Word | None]:
    """The words of ``text`` in order; None stands for a word that breaks a run."""
    pieces: list[tuple[int, int]] = []
    position = 0
    for brk in _WORD_BREAK.finditer(text):
        if brk.start() > position:
            pieces.append((position, brk.start()))
        if not brk.group().isspace() and brk.group():
            pieces.append((-1, -1))  # punctuation: a hard break between runs
        position = brk.end()
    if position < len(text):
        pieces.append((position, len(text)))
    words: list[Word | None] = []
    token_index = 0
    for start, end in pieces:
        if start < 0:
            words.append(None)
            continue
        inside = []
        while token_index < len(tokens) and tokens[token_index].start < end:
            token = tokens[token_index]
            if token.start >= start:
                inside.append(token)
            token_index += 1
        words.append(_noun_word(text, start, end, inside))
    return words

def _noun_word(text: str, start: int, end: int, tokens) -> Word | None:
    morphemes: list[tuple[str, str]] = []
    noun_end = start
    rest = []
    for i, token in enumerate(tokens):
        tag = str(token.tag)
        if tag in NOUN_TAGS or (tag == "SO" and token.form == "-" and morphemes):
            if rest:
                return None
            morphemes.append((token.form, tag))
            noun_end = token.start + token.len
        else:
            rest = tokens[i:]
            break
    if not morphemes or morphemes[-1][1] == "SO" or noun_end <= start:
        return None
    closes = False
    if rest:
        if not all(str(t.tag).startswith(("J", "E")) or str(t.tag) == "VCP" for t in rest):
            return None  # 선정하였다, 효율적으로: a verb or adverb, not a noun
        closes = True
    if noun_end < end and not rest:
        return None  # Kiwi's tokens stop short of the word: something it could not analyse
    return Word(start, noun_end, tuple(morphemes), closes)

def _runs(words: list[Word | None]) -> list[list[Word]]:
    runs, current = [], []
    for word in words:
        if word is None:
            if current:
                runs.append(current)
            current = []
            continue
        current.append(word)
        if word.closes_run:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs

def _acceptable(words: Sequence[Word]) -> bool:
    if not any(has_hangul("".join(f for f, _ in w.morphemes)) for w in words):
        return False
    for edge in (words[0], words[-1]):
        if edge.latin_only and not _ACRONYM_RE.match("".join(f for f, _ in edge.morphemes)):
            return False
        if len(edge.morphemes) == 1 and edge.morphemes[0][0] in EDGE_STOP_NOUNS:
            return False
    if any(w.latin_only and not _ACRONYM_RE.match("".join(f for f, _ in w.morphemes)) for w in words):
        return False
    return words[-1].morphemes[-1][0] not in VERBAL_NOUNS

def _is_term_like(morphemes: Sequence[tuple[str, str]], surface: str) -> bool:
    """A single common noun (결과, 지역) is vocabulary, not terminology; see ``LONE_NOUN_MIN_CHARS``."""
    nouns = [(f, t) for f, t in morphemes if t != "SO"]
    if len(match_key(surface)) < 2:
        return False
    if len(nouns) >= 2:
        return True
    return nouns[0][1] == "NNP" or len(nouns[0][0]) >= LONE_NOUN_MIN_CHARS

def _candidate_words(text: str, words: Sequence[Word]) -> bool:
    if len(words) > MAX_WORDS or not _acceptable(words):
        return False
    surface = " ".join(text[words[0].start:words[-1].end].split())
    return _is_term_like(tuple(m for w in words for m in w.morphemes), surface)

def noun_phrases(text: str, tokens, doc: int = 0, unit: int = 0) -> list[Occurrence]:
    """Every phrase occurrence in ``text`` (Kiwi ``tokens`` of it), n-grams of noun-word runs."""
    found = []
    for run in _runs(_words(text, tokens)):
        keys = [match_key(text[w.start:w.end]) for w in run]
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + MAX_WORDS) + 1):
                words = run[i:j]
                if not _acceptable(words):
                    continue
                start, end = words[0].start, words[-1].end
                surface = " ".join(text[start:end].split())
                morphemes = tuple(m for w in words for m in w.morphemes)
                if not _is_term_like(morphemes, surface):
                    continue
                # A neighbour counts only when the longer phrase could be a candidate itself: 제천시 is
                # a term even though it is always followed by 공동수행 (an event, not a name).
                left = keys[i - 1] if i > 0 and _candidate_words(text, run[i - 1:j]) else None
                right = keys[j] if j < len(run) and _candidate_words(text, run[i:j + 1]) else None
                found.append(Occurrence(doc, unit, start, end, surface, morphemes, left, right))
    return found

def guess_kind(surface: str, morphemes: Sequence[tuple[str, str]]) -> str:
    key = match_key(surface)
    last_form, last_tag = morphemes[-1]
    if key.endswith(_PLACE_ENDINGS) or (last_tag == "NNP" and len(key) >= 3 and key[-1] in "시군구도" and len(morphemes) <= 2):
        return "place"
    if key.endswith(_PROGRAMME_ENDINGS):
        return "programme"
    if len(key) >= 3 and key.endswith(_ORGANISATION_ENDINGS) and (len(last_form) >= 2 or len(morphemes) >= 2):
        return "organisation"
    if len(morphemes) == 1 and last_tag == "NNP" and 2 <= len(key) <= 4 and key[0] in _SURNAMES:
        return "person"
    return "general"