"""Putting the layers together: a glossary becomes the pipeline's term finder, a model name
becomes a backend, a memory file becomes a backend around it."""

from __future__ import annotations

from pathlib import Path

from glossary.match import Matcher
from glossary.termbase import Termbase
from mt.backends import Backend, GenerationOptions, load_backend
from mt.backends.checkpoint import DEFAULT_MODEL
from mt.backends.memory import MemoryBackend
from mt.memory import TranslationMemory, model_identity
from mt.pipeline import Pipeline

# Backends that load no checkpoint (their --model is ignored).
NO_CHECKPOINT = ("romanize", "none", "memory")


def load_terms(glossary: str | Path | None) -> Matcher | None:
    """The term finder for a glossary file (``None``: no glossary enforced)."""
    return Matcher(Termbase.load(glossary)) if glossary else None


def generation_options(batch_size: int = 32, beam_size: int = 1, max_output_tokens: int | None = None,
                       fixed_output_tokens: int | None = None, batch_tokens: int | None = None,
                       **_other_backend_options) -> GenerationOptions:
    """How to decode, from the same keywords ``make_backend`` takes (the Ray driver plans with these)."""
    return GenerationOptions(beam_size=beam_size, batch_size=batch_size, max_output_tokens=max_output_tokens,
                             fixed_output_tokens=fixed_output_tokens, batch_tokens=batch_tokens)


def make_backend(model: str = DEFAULT_MODEL, backend: str = "transformers", device: str = "auto",
                 dtype: str = "auto", compute_type: str = "default", **decoding) -> Backend:
    return load_backend(backend, model=model, device=device, dtype=dtype, compute_type=compute_type,
                        options=generation_options(**decoding))


def with_memory(backend: Backend, memory: TranslationMemory, glossary_sha256: str | None) -> MemoryBackend:
    """The backend behind the memory, bound to the model identity it produces output under."""
    generation = getattr(backend, "options", None)
    options = generation.identity() if hasattr(generation, "identity") else getattr(generation, "__dict__", None)
    identity = model_identity({**backend.provenance(), "glossary_sha256": glossary_sha256}, options)
    return MemoryBackend(backend, memory.bind(identity))


def build_pipeline(glossary: str | Path | None = None, protect_numbers: bool = True,
                   memory: TranslationMemory | None = None, **backend_options) -> Pipeline:
    """A pipeline from command-line style options (``make_backend``'s keywords plus a glossary path);
    with ``memory``, machine segments are reused and editors' translations win."""
    terms = load_terms(glossary)     # a bad glossary fails before a model loads
    backend = make_backend(**backend_options)
    if memory is not None:
        backend = with_memory(backend, memory, terms.fingerprint if terms else None)
    return Pipeline(backend, terms=terms, protect_numbers=protect_numbers, humans=memory)
