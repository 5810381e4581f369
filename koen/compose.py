"""Putting the layers together: a glossary becomes the pipeline's term finder, a model name
becomes a backend, a memory file becomes a backend around it."""

from __future__ import annotations

from pathlib import Path

from glossary.match import Matcher
from glossary.termbase import Termbase
from mt.backends import Backend, GenerationOptions, load_backend
from mt.backends.checkpoint import DEFAULT_MODEL
from mt.pipeline import Pipeline


def load_terms(glossary: str | Path | None) -> Matcher | None:
    """The term finder for a glossary file (``None``: no glossary enforced)."""
    return Matcher(Termbase.load(glossary)) if glossary else None


def make_backend(model: str = DEFAULT_MODEL, backend: str = "transformers", device: str = "auto",
                 batch_size: int = 32, beam_size: int = 1, dtype: str = "auto", compute_type: str = "default",
                 max_output_tokens: int | None = None, fixed_output_tokens: int | None = None) -> Backend:
    options = GenerationOptions(beam_size=beam_size, batch_size=batch_size, max_output_tokens=max_output_tokens,
                                fixed_output_tokens=fixed_output_tokens)
    return load_backend(backend, model=model, device=device, dtype=dtype, compute_type=compute_type, options=options)


def build_pipeline(glossary: str | Path | None = None, protect_numbers: bool = True, **backend_options) -> Pipeline:
    """A pipeline from command-line style options (``make_backend``'s keywords plus a glossary path)."""
    terms = load_terms(glossary)     # a bad glossary fails before a model loads
    return Pipeline(make_backend(**backend_options), terms=terms, protect_numbers=protect_numbers)
