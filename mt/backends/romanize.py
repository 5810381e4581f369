"""A deterministic backend: Korean content words romanized (Revised Romanization, letter by
letter), particles and endings dropped, everything else passed through.

It is no translation, but it is exact and repeatable, so it is what content tests use (is the
glossary term there, is the English untouched, are the numbers kept), and it shows names in
Latin script when no model is at hand.
"""

from __future__ import annotations

from typing import Sequence

from .base import register_backend
from ..korean import HANGUL_RE, kiwi

_INITIALS = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_MEDIALS = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi",
            "yu", "eu", "ui", "i"]
_FINALS = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
           "ng", "t", "t", "k", "t", "p", "t"]
_DROPPED_TAG_PREFIXES = ("J", "E", "XS", "VCP")


def romanize(text: str) -> str:
    """Hangul syllables in Revised Romanization (no sound-change rules); other Hangul dropped."""
    out = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            out.append(_INITIALS[code // 588] + _MEDIALS[(code % 588) // 28] + _FINALS[code % 28])
        elif not HANGUL_RE.match(char):
            out.append(char)
    return "".join(out)


@register_backend("romanize", help="deterministic: romanized Korean content words, particles dropped (tests, names)")
class RomanizeBackend:
    name = "romanize"
    max_input_tokens = 10_000

    def __init__(self, **_ignored):
        self._kiwi = kiwi()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate(self, texts: Sequence[str]) -> list[str]:
        self._kiwi.expect(texts)          # one look at the dictionary for the whole batch
        return [self._translate_one(text) for text in texts]

    def _translate_one(self, text: str) -> str:
        out, position = [], 0
        for token in self._kiwi.tokenize(text):
            start, end = token.start, token.start + token.len
            gap = text[position:start]
            if gap:
                out.append(gap)
            position = max(position, end)
            surface = text[start:end]
            if not HANGUL_RE.search(surface):
                out.append(surface)
            elif not token.tag.startswith(_DROPPED_TAG_PREFIXES):
                out.append(romanize(token.form))
        out.append(text[position:])
        return " ".join("".join(out).split()).strip()

    def provenance(self) -> dict:
        return {"backend": self.name, "model": "romanize", "revision": "rr-1"}
