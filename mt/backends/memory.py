"""A backend around a backend: segments already in the translation memory never reach the model.

The memory is bound to one model identity (``mt.memory``), so what it returns is exactly what the
wrapped backend produced for the same input, with the confidence the model gave it then; new
translations are written back in the caller's open transaction, if any. Outputs the wrapped
backend did not make with a model (``kept`` by ``--backend none``) are never stored.
"""

from __future__ import annotations

from typing import Sequence

from ..memory import BoundMemory
from ..results import Origin
from .base import Backend, Scored, translate_scored


class MemoryBackend:
    def __init__(self, inner: Backend, memory: BoundMemory):
        self.inner = inner
        self.memory = memory
        self.name = inner.name
        self.max_input_tokens = inner.max_input_tokens
        self.options = getattr(inner, "options", None)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [scored.text for scored in self.translate_scored(texts)]

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        texts = list(texts)
        known = {text: Scored(translation, confidence, Origin.MEMORY)
                 for text, (translation, confidence) in self.memory.get_scored(texts).items()}
        missing = [t for t in texts if t not in known]
        if missing:
            fresh = dict(zip(missing, translate_scored(self.inner, missing)))
            made = {text: scored for text, scored in fresh.items() if scored.origin is Origin.MODEL}
            if made:
                self.memory.put_many({t: s.text for t, s in made.items()}, {t: s.confidence for t, s in made.items()})
            known.update(fresh)
        return [known[t] for t in texts]

    def provenance(self) -> dict:
        return self.inner.provenance()
