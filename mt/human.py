"""What the pipeline needs from editors' translations: approved English for whole Korean spans.

An editor approves the English of one Korean span (what ``koen review`` and the workbench show);
the pipeline asks for every span it is about to translate, keyed by the span's text normalised
(NFC, spacing collapsed), and uses an approved translation instead of the model, the machine
memory or the glossary. ``mt.memory.TranslationMemory`` implements this protocol; a test double
or any other store can plug in the same way.
"""

from __future__ import annotations

from typing import Iterable, Protocol, runtime_checkable

from .memory import normalise

__all__ = ["HumanTranslations", "span_key"]


def span_key(text: str) -> str:
    """The key a span's human translation is stored under."""
    return normalise(text)


@runtime_checkable
class HumanTranslations(Protocol):
    def human_translations(self, spans: Iterable[str]) -> dict[str, str]:
        """Approved English for those of ``spans`` that have one, keyed by the span as given."""
