"""Term candidates mined from an archive: Korean noun phrases the glossary does not cover yet.

The steps, each its own function:

1. ``read_documents``: the archive as documents with an id (``file:line`` of the title), a date
   and text units (title, body), read by ``mt.archive``'s readers (the press-release listing,
   JSONL, a folder of .txt/.md files, HF datasets).
2. ``noun_phrases``: Kiwi analyses each unit. A *word* is a stretch between spaces and
   punctuation (a hyphen between letters stays inside: K-드론). A word takes part in a phrase when
   it is nouns (NNG, NNP, SL) followed by nothing, or only by particles or the copula (the
   particle is cut off: 데이터허브에 → 데이터허브, and the phrase ends there). Words joined only by
   spaces form a run; every contiguous stretch of up to ``MAX_WORDS`` words of a run is a phrase
   occurrence. Latin-only words count only as acronyms (AI 기반 서비스) and never start or end a
   phrase unless they are one.
3. ``mine``: occurrences are grouped by their spacing-free key (스마트 도시 = 스마트도시); a phrase
   that always has the same neighbour word is only part of a longer one and is dropped
   (데이터허브 시범솔루션 exists only inside 스마트도시 데이터허브 시범솔루션 발굴사업); single
   common nouns (결과, 지역) are not terms and are dropped; what the glossary already covers (any
   status, so rejected candidates do not come back) is dropped, matched by ``glossary.match``
   so particles, spacing and aliases do not create duplicates. The rest is ranked by
   ``score = count * (1 + log2(documents))``: frequent, and spread over documents.
4. English suggestions, best source first: a gloss the archive gives in parentheses
   (도심항공교통(UAM), Smart City Data Hub(스마트도시 데이터허브)), the translation memory, the
   model's translation of the term alone (only with a model), and last a romanized placeholder
   so that the row is valid; each says where it comes from (in the note).
5. ``candidates_to_text``: ``status=candidate`` rows in the glossary's own TSV format.
"""

from __future__ import annotations

import datetime
import math
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from mt.errors import KoenError
from mt.textio import write_text_atomic

from .termbase import HEADER, Entry, Termbase, default_glossary_path, has_hangul, match_key
from mt.archive.base import require_records
from mt.archive.readers import open_reader
from mt.backends.romanize import romanize
from mt.korean import kiwi
from .match import Matcher

MAX_WORDS = 6
MAX_CONTEXTS = 3
# One common noun alone is a term only when long (버티포트) and seen in several documents.
LONE_NOUN_MIN_CHARS = 4
LONE_NOUN_MIN_DOCUMENTS = 2
CONTEXT_CHARS = 40

NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
# Common nouns that make no term at the edge of a phrase (공모 결과, 이번 사업).
EDGE_STOP_NOUNS = frozenset(
    "결과 관련 이번 올해 지난해 내년 금년 현재 당시 이후 이전 경우 대상 이상 이하 가운데 최근 일부 전체 "
    "각종 다양 여러 모든 향후 기존 신규 주요 해당 본 총 약 등 및 간 내 외 중 전 후 위 말 초 시 분 개".split()
)
# Verbal nouns (선정하다, 수행하다) ending a phrase make it an event, not a name: 지역 선정, 제천시 공동수행.
VERBAL_NOUNS = frozenset(
    "선정 추진 지원 개최 발표 운영 실시 참여 마련 확대 강화 개선 구축 도입 활용 개발 발굴 계획 방안 예정 공모 "
    "수행 실증 운항 설정 공개 제공 연계 수집 분석 점검 시행 검토 협의 논의 완료 착수 지정 신청 접수".split()
)

_WORD_BREAK = re.compile(r"[\s\u00a0\u3000]+|[^\w\-]|(?<![A-Za-z0-9가-힣])-|-(?![A-Za-z0-9가-힣])")
_LATIN_TEXT = r"[A-Za-z0-9][A-Za-z0-9&.,'’/+\- ]*[A-Za-z0-9.)]?"
_ACRONYM_RE = re.compile(r"^[A-Z0-9][A-Z0-9&+\-]{0,7}$")
_CONNECTORS = frozenset({"of", "and", "for", "on", "in", "the", "to", "&"})
_ARTICLES = frozenset({"the", "a", "an"})
_PLACE_ENDINGS = ("광역시", "특별시", "특별자치시", "특별자치도")
_ORGANISATION_ENDINGS = ("위원회", "협의회", "공단", "공사", "재단", "연구원", "진흥원", "센터", "본부", "협회", "학회",
                         "부", "청", "처", "원")
_PROGRAMME_ENDINGS = ("사업", "사업단", "프로젝트", "공모전", "특구", "단지", "제도", "플랫폼")
_SURNAMES = set("김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구나민진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보")


# -- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextUnit:
    line: int
    text: str


@dataclass
class Document:
    id: str
    date: Optional[datetime.date]
    title: str
    units: list[TextUnit]


def read_documents(path: str | Path, format: str = "auto", skip_bad: bool = False, warn=None) -> list[Document]:
    """The archive's documents, read by ``mt.archive``'s readers (listing, JSONL, folder, datasets).

    A bad record stops the mining with its location unless ``skip_bad``, as in ``koen archive``.
    """

    p = Path(path)
    scan = open_reader(p, format).scan()
    require_records(scan, str(p), skip_bad, warn or (lambda message: None))
    documents = []
    for record in scan.records:
        lines = record.meta.get("lines") or {}
        first = lines.get("title")
        doc_id = f"{p.name}:{first}" if first else f"{p.name}#{record.id}"
        units = [TextUnit(lines.get(name, 0), text) for name, text in record.fields.items() if text]
        documents.append(Document(doc_id, record.date, record.fields.get("title", "").strip(), units))
    return documents


# -- noun phrases ------------------------------------------------------------------------------


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


# -- candidates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    english: str
    source: str               # archive gloss | translation memory | model <name> | romanized placeholder


@dataclass(frozen=True)
class Context:
    doc_id: str
    date: Optional[datetime.date]
    text: str


@dataclass
class Candidate:
    korean: str
    count: int
    documents: int
    score: float
    kind: str
    contexts: list[Context]
    suggestions: list[Suggestion] = field(default_factory=list)
    key: str = ""

    @property
    def english(self) -> str:
        return self.suggestions[0].english if self.suggestions else ""

    def note(self, archive_name: str) -> str:
        docs = f"{self.documents} document{'s' if self.documents != 1 else ''}"
        parts = [f"mined from {archive_name}: {self.count}x in {docs}"]
        if self.suggestions:
            parts.append("English: " + "; ".join(f"'{s.english}' ({s.source})" for s in self.suggestions))
        for context in self.contexts:
            day = f" {context.date.isoformat()}" if context.date else ""
            parts.append(f"[{context.doc_id}{day}] {context.text}")
        return _one_line(" | ".join(parts).replace("\t", " "))

    def to_entry(self, archive_name: str) -> Entry:
        return Entry(korean=self.korean, english=self.english, kind=self.kind, status="candidate",
                     note=self.note(archive_name))


def _one_line(text: str) -> str:
    return " ".join(text.split())


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


def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS):start]
    right = text[end:end + CONTEXT_CHARS]
    return _one_line(("…" if start > CONTEXT_CHARS else "") + left + text[start:end] + right
                     + ("…" if end + CONTEXT_CHARS < len(text) else ""))


def archive_glosses(text: str, start: int, end: int, starts_phrase: bool = True) -> list[str]:
    """English the text itself gives for text[start:end]: 도심항공교통(UAM), Smart City Data Hub(스마트도시 데이터허브).

    ``starts_phrase``: the Korean is not the tail of a longer noun phrase (시범운행지구 in
    자율주행 시범운행지구(Pilot Zone ...) does not get the gloss of the whole).
    """
    glosses = []
    after = re.match(r"\(\s*(" + _LATIN_TEXT + r")\s*\)", text[end:])
    if starts_phrase and after and not has_hangul(after.group(1)):
        glosses.extend(part.strip() for part in re.split(r"[;,]\s+", after.group(1)) if part.strip())
    if start > 0 and text[start - 1] == "(" and text[end:end + 1] == ")":
        before = re.split(r"([\"'‘’“”「」『』\[\](){}:;,!?])", text[:start - 1])
        delimiter = before[-2] if len(before) > 1 else ""
        words = re.findall(r"[A-Za-z0-9&][A-Za-z0-9&+'’.\-]*", before[-1])
        phrase: list[str] = []
        for word in reversed(words):
            if word[0].isupper() or word[0].isdigit() or (word.lower() in _CONNECTORS and phrase):
                phrase.insert(0, word)
            else:
                break
        while phrase and phrase[0].lower() in _ARTICLES:
            phrase.pop(0)
        cut_from_a_list = delimiter == "," or bool(phrase and phrase[0].lower() in _CONNECTORS)
        content_words = [w for w in phrase if w.lower() not in _CONNECTORS]
        # "Transport(장관 박상우)" is an apposition, not a gloss: too short, or the tail of a list.
        if phrase and not cut_from_a_list and len(content_words) >= len(text[start:end].split()):
            glosses.append(" ".join(phrase))
    return glosses


class TranslationMemory:
    """Exact lookups of a term in a translation memory (SQLite) written by the archive tools.

    The schema is found by column names (a source column and a translation column), so this
    keeps working with the memory's own module; a file that is missing or has no such table
    gives no suggestions and a warning instead of failing the mining.
    """

    SOURCE_COLUMNS = ("source", "src", "source_text", "segment", "korean", "ko")
    TARGET_COLUMNS = ("translation", "target", "tgt", "target_text", "output", "english", "en")

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.warning = ""
        self._tables: list[tuple[str, str, str]] = []
        if not self.path.is_file():
            self.warning = f"{self.path}: no translation memory there; skipped"
            return
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            for (table,) in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                columns = [row[1].lower() for row in self._db.execute(f'PRAGMA table_info("{table}")')]
                source = next((c for c in self.SOURCE_COLUMNS if c in columns), None)
                target = next((c for c in self.TARGET_COLUMNS if c in columns), None)
                if source and target:
                    self._tables.append((table, source, target))
        except sqlite3.DatabaseError as exc:
            self.warning = f"{self.path}: not a usable SQLite translation memory ({exc}); skipped"
            return
        if not self._tables:
            self.warning = f"{self.path}: no table with source and translation columns; skipped"

    def lookup(self, korean: str) -> list[str]:
        forms = list(dict.fromkeys([korean, match_key(korean)]))
        found: Counter[str] = Counter()
        for table, source, target in self._tables:
            marks = ",".join("?" * len(forms))
            query = f'SELECT "{target}" FROM "{table}" WHERE trim("{source}") IN ({marks})'
            for (english,) in self._db.execute(query, forms):
                if isinstance(english, str) and english.strip() and not has_hangul(english):
                    found[_one_line(english)] += 1
        return [english for english, _ in found.most_common()]


def romanized(korean: str) -> str:

    return _one_line(romanize(korean))


def mine(
    documents: Sequence[Document],
    glossary: Termbase | None = None,
    *,
    min_count: int = 1,
    limit: int | None = None,
    memory: TranslationMemory | None = None,
    model_translate=None,
    model_name: str = "model",
) -> list[Candidate]:
    """Ranked candidates from ``documents`` that ``glossary`` does not cover.

    ``model_translate(list_of_terms) -> list_of_english`` adds the model's suggestion.
    """

    analyser = kiwi()
    occurrences: list[Occurrence] = []
    for d, document in enumerate(documents):
        for u, unit in enumerate(document.units):
            if not has_hangul(unit.text):
                continue
            tokens = analyser.tokenize(unit.text)
            occurrences.extend(noun_phrases(unit.text, tokens, d, u))

    groups: dict[str, list[Occurrence]] = {}
    for occurrence in occurrences:
        groups.setdefault(match_key(occurrence.surface), []).append(occurrence)

    covered = _coverage(glossary)
    candidates: list[Candidate] = []
    for key, group in groups.items():
        if len(group) < min_count or _only_inside_longer(group):
            continue
        surface = Counter(o.surface for o in group).most_common(1)[0][0]
        if covered(surface):
            continue
        docs = {o.doc for o in group}
        if _lone_common_noun(group[0].morphemes) and len(docs) < LONE_NOUN_MIN_DOCUMENTS:
            continue
        contexts, seen_docs = [], set()
        for occurrence in sorted(group, key=lambda o: (o.doc in seen_docs, o.doc, o.unit, o.start)):
            if len(contexts) == MAX_CONTEXTS:
                break
            if occurrence.doc in seen_docs and len(docs) > len(seen_docs):
                continue
            seen_docs.add(occurrence.doc)
            document = documents[occurrence.doc]
            text = document.units[occurrence.unit].text
            contexts.append(Context(document.id, document.date, _context(text, occurrence.start, occurrence.end)))
        glosses = Counter()
        for occurrence in group:
            text = documents[occurrence.doc].units[occurrence.unit].text
            glosses.update(archive_glosses(text, occurrence.start, occurrence.end, occurrence.left is None))
        suggestions = [Suggestion(g, "archive gloss") for g, _ in glosses.most_common()]
        score = len(group) * (1 + math.log2(len(docs)))
        candidates.append(Candidate(surface, len(group), len(docs), score, guess_kind(surface, group[0].morphemes),
                                    contexts, suggestions, key))

    candidates.sort(key=lambda c: (-c.score, -c.documents, -len(c.key), c.korean))
    if limit is not None:
        candidates = candidates[:limit]
    if memory is not None:
        for candidate in candidates:
            candidate.suggestions.extend(Suggestion(e, "translation memory") for e in memory.lookup(candidate.korean))
    if model_translate is not None and candidates:
        outputs = model_translate([c.korean for c in candidates])
        for candidate, english in zip(candidates, outputs):
            english = _one_line(english)
            if english and not has_hangul(english):
                candidate.suggestions.append(Suggestion(english, f"model {model_name}"))
    for candidate in candidates:
        unique: dict[str, Suggestion] = {}
        for suggestion in candidate.suggestions:
            unique.setdefault(suggestion.english.lower(), suggestion)
        candidate.suggestions = list(unique.values())
        if not candidate.suggestions:
            candidate.suggestions.append(Suggestion(romanized(candidate.korean), "romanized placeholder, needs English"))
    return candidates


def _lone_common_noun(morphemes) -> bool:
    nouns = [(f, t) for f, t in morphemes if t != "SO"]
    return len(nouns) == 1 and nouns[0][1] != "NNP"


def _only_inside_longer(group: list[Occurrence]) -> bool:
    """Every occurrence has the same word on its left (or on its right): part of a longer phrase."""
    lefts = {o.left for o in group}
    rights = {o.right for o in group}
    return (len(lefts) == 1 and None not in lefts) or (len(rights) == 1 and None not in rights)


def _coverage(glossary: Termbase | None):
    """``covered(surface)``: the glossary's terms (any status) tile the whole phrase."""
    if glossary is None or not glossary.entries:
        return lambda surface: False

    matcher = Matcher(glossary, statuses=("approved", "candidate", "deprecated"), title_context=False)

    def covered(surface: str) -> bool:
        hits = matcher.find(surface)
        position = 0
        for hit in hits:
            if surface[position:hit.start].strip():
                return False
            position = hit.end
        return bool(hits) and not surface[position:].strip()

    return covered


def candidates_to_text(candidates: Iterable[Candidate], archive_name: str) -> str:
    return "".join(line + "\n" for line in (HEADER, *(c.to_entry(archive_name).to_row() for c in candidates)))
