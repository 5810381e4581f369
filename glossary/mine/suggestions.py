"""Where suggested English for a mined term comes from: the archive's own glosses, the translation
memory, the model, or a romanized placeholder."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mt.backends.romanize import romanize
from mt.errors import KoenError
from mt.memory import TranslationMemory

from ..termbase import has_hangul, match_key


_LATIN_TEXT = r"[A-Za-z0-9][A-Za-z0-9&.,'’/+\- ]*[A-Za-z0-9.)]?"

_CONNECTORS = frozenset({"of", "and", "for", "on", "in", "the", "to", "&"})

_ARTICLES = frozenset({"the", "a", "an"})

@dataclass(frozen=True)
class Suggestion:
    english: str
    source: str               # archive gloss | translation memory | model <name> | romanized placeholder

def one_line(text: str) -> str:
    return " ".join(text.split())

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

class MemorySuggestions:
    """English for a term from a koen translation memory (``mt.memory``): segments whose source is
    exactly the term, each labelled with the model that produced it. A file that is missing or is
    not a koen memory gives no suggestions and a warning instead of failing the mining."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.warning = ""
        self._memory: TranslationMemory | None = None
        if not self.path.is_file():
            self.warning = f"{self.path}: no translation memory there; skipped"
            return
        try:
            self._memory = TranslationMemory.read_only(self.path)
        except KoenError as exc:
            self.warning = f"{exc}; skipped"

    def lookup(self, korean: str) -> list[Suggestion]:
        if self._memory is None:
            return []
        found: Counter[tuple[str, str]] = Counter()
        for form in dict.fromkeys([korean, match_key(korean)]):
            for english, identity in self._memory.translations_of(form):
                if english.strip() and not has_hangul(english):
                    found[(one_line(english), identity.get("model") or identity.get("backend") or "unknown model")] += 1
        return [Suggestion(english, f"translation memory, {model}") for (english, model), _ in found.most_common()]


def romanized(korean: str) -> str:

    return one_line(romanize(korean))