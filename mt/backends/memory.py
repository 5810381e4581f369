"""A backend around a backend: segments already in the translation memory never reach the model.

The memory is bound to one model identity (``mt.memory``), so what it returns is exactly what the
wrapped backend produced for the same input; new translations are written back in the caller's
open transaction, if any.
"""

from __future__ import annotations

from typing import Sequence

from ..memory import BoundMemory
from .base import Backend


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
        texts = list(texts)
        known = self.memory.get_many(texts)
        missing = [t for t in texts if t not in known]
        if missing:
            fresh = self.inner.translate(missing)
            self.memory.put_many(dict(zip(missing, fresh)))
            known.update(zip(missing, fresh))
        return [known[t] for t in texts]

    def provenance(self) -> dict:
        return self.inner.provenance()
