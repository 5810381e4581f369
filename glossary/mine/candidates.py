"""Grouping phrase occurrences into ranked candidates the glossary does not cover yet."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from mt.korean import kiwi

from ..match import Matcher
from ..termbase import HEADER, Entry, Termbase, has_hangul, match_key
from .documents import Document
from .phrases import Occurrence, guess_kind, noun_phrases
from .suggestions import MemorySuggestions, Suggestion, archive_glosses, one_line, romanized


MAX_CONTEXTS = 3

LONE_NOUN_MIN_DOCUMENTS = 2

CONTEXT_CHARS = 40

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
        return one_line(" | ".join(parts).replace("\t", " "))

    def to_entry(self, archive_name: str) -> Entry:
        return Entry(korean=self.korean, english=self.english, kind=self.kind, status="candidate",
                     note=self.note(archive_name))

def _context(text: str, start: int, end: int) -> str:
    left = text[max(0, start - CONTEXT_CHARS):start]
    right = text[end:end + CONTEXT_CHARS]
    return one_line(("…" if start > CONTEXT_CHARS else "") + left + text[start:end] + right
                     + ("…" if end + CONTEXT_CHARS < len(text) else ""))

def mine(
    documents: Sequence[Document],
    glossary: Termbase | None = None,
    *,
    min_count: int = 1,
    limit: int | None = None,
    memory: MemorySuggestions | None = None,
    model_translate: Callable[[list[str]], list[str]] | None = None,
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
            candidate.suggestions.extend(memory.lookup(candidate.korean))
    if model_translate is not None and candidates:
        outputs = model_translate([c.korean for c in candidates])
        for candidate, english in zip(candidates, outputs):
            english = one_line(english)
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