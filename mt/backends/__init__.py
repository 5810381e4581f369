"""Translation backends, one module each behind :class:`mt.backends.base.Backend`; each built-in
module registers itself on import (``register_backend``)."""

from . import ct2, hf, none, romanize  # noqa: F401
from .base import (Backend, GenerationOptions, Scored, backend_names, canonical_backend, load_backend, register_backend,
                   translate_scored)

__all__ = ["Backend", "GenerationOptions", "Scored", "backend_names", "canonical_backend", "load_backend",
           "register_backend",
           "translate_scored"]
