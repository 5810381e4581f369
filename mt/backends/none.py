"""``--backend none`` (alias ``memory``): no model at all. Every input comes back as it is, marked
``kept``, so the pipeline leaves those Korean spans untouched and reports them untranslated; what
editors approved (the human translation memory) and spans that are one glossary term whole are
still translated. A run for places where no checkpoint can be had."""

from __future__ import annotations

from typing import Sequence

from ..results import Origin
from .base import Scored, register_backend


@register_backend("none", help="no model: only the glossary and editors' translations; the rest stays Korean",
                  aliases=("memory",))
class NoBackend:
    name = "none"
    max_input_tokens = 1_000_000

    def __init__(self, **_ignored):
        pass

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate(self, texts: Sequence[str]) -> list[str]:
        return list(texts)

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        return [Scored(text, None, Origin.KEPT) for text in texts]

    def provenance(self) -> dict:
        return {"backend": self.name, "model": None, "revision": None}
