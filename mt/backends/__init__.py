"""Translation backends, one module each behind :class:`mt.backends.base.Backend`; each built-in
module registers itself on import (``register_backend``)."""

from . import ct2, hf, romanize  # noqa: F401
from .base import Backend, GenerationOptions, backend_names, load_backend, register_backend

__all__ = ["Backend", "GenerationOptions", "backend_names", "load_backend", "register_backend"]
