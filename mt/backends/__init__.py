"""Translation backends, one module each behind :class:`mt.backends.base.Backend`."""

from .base import Backend, GenerationOptions, backend_names, load_backend, register_backend

__all__ = ["Backend", "GenerationOptions", "backend_names", "load_backend", "register_backend"]
