"""Putting the layers together: a glossary becomes the pipeline's term finder, a model name
becomes a backend, a memory file becomes a backend around it."""

from __future__ import annotations

from pathlib import Path

from glossary.match import Matcher
from glossary.termbase import Termbase
from mt.backends import Backend, GenerationOptions, backend_names, canonical_backend, load_backend
from mt.backends.checkpoint import DEFAULT_MODEL
from mt.backends.memory import MemoryBackend
from mt.errors import KoenError
from mt.memory import TranslationMemory, model_identity
from mt.pipeline import Pipeline

# Backends that load no checkpoint (they take no --model).
NO_CHECKPOINT = ("romanize", "none", "memory")
DTYPES = ("auto", "float32", "float16", "bfloat16")                        # transformers
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
                 "float16", "bfloat16", "float32")                           # ctranslate2


def check_backend_options(backend: str = "transformers", model: str = DEFAULT_MODEL, dtype: str = "auto",
                          compute_type: str = "default", **_decoding) -> None:
    """Refuse, before anything is read or loaded, a backend that does not exist, a bad value, and an
    option given to a backend it does not apply to (``--dtype`` is for transformers only, ...)."""
    name = canonical_backend(backend)
    if name is None:
        raise KoenError(f"--backend: unknown backend {backend!r}; choose one of: {', '.join(backend_names())}")
    if dtype not in DTYPES:
        raise KoenError(f"--dtype: {dtype!r} is not one of {', '.join(DTYPES)}")
    if compute_type not in COMPUTE_TYPES:
        raise KoenError(f"--compute-type: {compute_type!r} is not one of {', '.join(COMPUTE_TYPES)}")
    backend = name
    if dtype != "auto" and backend != "transformers":
        raise KoenError(f"--dtype {dtype}: applies to --backend transformers only, not {backend} "
                        f"(ctranslate2 takes --compute-type)")
    if compute_type != "default" and backend != "ctranslate2":
        raise KoenError(f"--compute-type {compute_type}: applies to --backend ctranslate2 only, not {backend} "
                        f"(transformers takes --dtype)")
    if backend in NO_CHECKPOINT and model != DEFAULT_MODEL:
        raise KoenError(f"--model {model}: --backend {backend} loads no model; leave --model out")


def producer(backend: str) -> str | None:
    """What writes the English of a backend, for reports: ``the model``, ``the romanize backend``,
    or None for ``none`` (nothing is translated; only the glossary and editors' English go in)."""
    if backend == "none":
        return None
    return f"the {backend} backend" if backend in NO_CHECKPOINT else "the model"


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
