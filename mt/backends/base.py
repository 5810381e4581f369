"""The one protocol every translation backend implements, and the registry that finds them."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence, runtime_checkable

from ..errors import KoenError
from ..results import Origin


@dataclass(frozen=True)
class GenerationOptions:
    """How to decode. ``fixed_output_tokens`` forces every output to that length (benchmarks).
    ``batch_tokens`` sizes batches by padded tokens instead of ``batch_size`` inputs."""

    beam_size: int = 1
    batch_size: int = 32
    max_output_tokens: int | None = None
    fixed_output_tokens: int | None = None
    batch_tokens: int | None = None

    def identity(self) -> dict:
        """The options as the translation memory's model identity holds them (an unset token
        budget is left out, so memories made before it existed keep matching)."""
        options = dict(self.__dict__)
        if options.get("batch_tokens") is None:
            options.pop("batch_tokens", None)
        return options

    def output_budget(self, input_tokens: int, limit: int) -> int:
        """Most target tokens to generate for a batch whose longest input has ``input_tokens``."""
        return (self.fixed_output_tokens or self.max_output_tokens
                or min(limit, int(input_tokens * 2) + 16))


@dataclass(frozen=True)
class Scored:
    """One output with how sure the model was: ``confidence`` is the mean log-probability of the
    generated tokens (end-of-sentence included, forced language/prefix tokens excluded), the same
    definition for every model backend; ``None`` where no model scored it."""

    text: str
    confidence: float | None = None
    origin: Origin = Origin.MODEL


@runtime_checkable
class Backend(Protocol):
    """What every backend implements. A backend may also offer ``translate_scored(texts) ->
    list[Scored]``; ``translate_scored`` below uses it when present."""

    name: str
    max_input_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Source-side token counts, to split inputs that exceed ``max_input_tokens``."""

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate Korean strings to English, one output per input, order kept."""

    def provenance(self) -> dict:
        """What produced the output: backend, model id or path, revision, device, precision."""


def translate_scored(backend: Backend, texts: Sequence[str]) -> list[Scored]:
    """The backend's scored outputs, or its plain outputs with no confidence."""
    scored = getattr(backend, "translate_scored", None)
    if scored is not None:
        return scored(texts)
    return [Scored(text) for text in backend.translate(texts)]


# Confidence is recorded to 4 decimals: enough to rank and threshold, and the same whatever the
# thread count or machine that decoded it (float sums differ in their last bits across those), so
# records stay byte-identical between the local engine and Ray workers.
CONFIDENCE_DECIMALS = 4


def confidence(mean: float | None) -> float | None:
    return None if mean is None else round(float(mean), CONFIDENCE_DECIMALS)


def mean_log_prob(token_log_probs: Sequence[float]) -> float | None:
    return confidence(sum(token_log_probs) / len(token_log_probs)) if token_log_probs else None


@dataclass
class BackendSpec:
    name: str
    factory: Callable[..., Backend]
    help: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)


_REGISTRY: dict[str, BackendSpec] = {}


def register_backend(name: str, help: str = "", aliases: tuple[str, ...] = ()):
    def decorate(factory):
        spec = BackendSpec(name, factory, help, aliases)
        for key in (name, *aliases):
            _REGISTRY[key] = spec
        return factory

    return decorate


# Backends from outside koen join the registry in one of two ways, looked at when a name is not
# registered yet: a distribution's entry point in the group ``koen.backends`` (name = the backend's
# name, value = ``module:factory``), or a module named in ``KOEN_BACKENDS`` (comma-separated
# module names) that registers its backends with ``@register_backend`` when imported.
ENTRY_POINT_GROUP = "koen.backends"
PLUGINS_VARIABLE = "KOEN_BACKENDS"
_plugins_loaded = False


def load_plugins() -> None:
    """Import the backends named by ``KOEN_BACKENDS`` and entry points (once per process)."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for module in filter(None, (part.strip() for part in os.environ.get(PLUGINS_VARIABLE, "").split(","))):
        try:
            importlib.import_module(module)
        except Exception as exc:         # a broken plugin is the user's one-line error, not a traceback
            raise KoenError(f"{PLUGINS_VARIABLE}: cannot import backend module {module!r} ({exc})") from None
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in _REGISTRY:
            continue
        try:
            factory = entry.load()
        except Exception as exc:
            raise KoenError(f"backend {entry.name!r} (entry point {entry.value}): cannot load it ({exc})") from None
        if entry.name not in _REGISTRY:      # importing it may have registered it already
            register_backend(entry.name, help=f"from {entry.value}")(factory)


def backend_names() -> list[str]:
    load_plugins()
    return sorted({spec.name for spec in _REGISTRY.values()})


def canonical_backend(name: str) -> str | None:
    """The registered name behind ``name`` or one of its aliases (None: no such backend)."""
    spec = _REGISTRY.get(name)
    if spec is None:                  # perhaps a backend from outside koen (KOEN_BACKENDS, entry points)
        load_plugins()
        spec = _REGISTRY.get(name)
    return spec.name if spec else None


def load_backend(name: str, **options) -> Backend:
    if name not in _REGISTRY:
        load_plugins()
    spec = _REGISTRY.get(name)
    if spec is None:
        raise KoenError(f"unknown backend {name!r}; choose one of: {', '.join(backend_names())}")
    if _is_ours(spec.factory):
        return spec.factory(**options)
    where = f"{getattr(spec.factory, '__module__', '?')}.{getattr(spec.factory, '__qualname__', spec.factory)}"
    try:
        backend = spec.factory(**options)
    except KoenError:
        raise
    except Exception as exc:          # a backend from outside koen failing is one line, not a traceback
        raise KoenError(f"backend {spec.name!r} ({where}) failed to start: {type(exc).__name__}: {exc}") from None
    return completed(backend, spec.name, where)


def _is_ours(factory) -> bool:
    return getattr(factory, "__module__", "").split(".")[0] in ("mt", "koen")


# What a backend from outside koen may leave out, and what koen assumes then.
DEFAULT_MAX_INPUT_TOKENS = 1024


def completed(backend, name: str, where: str) -> Backend:
    """``backend`` itself when it has every member of :class:`Backend`; otherwise ``backend``
    behind :class:`_Completed`, which supplies the missing ones. Without ``translate`` it is
    no backend: a one-line KoenError."""
    if not callable(getattr(backend, "translate", None)):
        raise KoenError(f"backend {name!r} ({where}) has no translate(texts) method: it cannot translate")
    if all(hasattr(backend, member) for member in ("name", "max_input_tokens", "count_tokens", "provenance")):
        return backend
    return _Completed(backend, name, where)


class _Completed:
    """An outside backend with koen's defaults for what it lacks: its registered name, no input
    split below ``DEFAULT_MAX_INPUT_TOKENS``, about one token per two characters, and a
    provenance naming the backend and its class. Everything else is the backend's own."""

    def __init__(self, backend, name: str, where: str):
        self._backend = backend
        self._where = where
        self.name = getattr(backend, "name", name)
        self.max_input_tokens = getattr(backend, "max_input_tokens", DEFAULT_MAX_INPUT_TOKENS)

    def __getattr__(self, member: str):
        if member.startswith("_"):        # not yet set (a copy being made): never the wrapped one's
            raise AttributeError(member)
        return getattr(self._backend, member)

    def translate(self, texts: Sequence[str]) -> list[str]:
        return self._backend.translate(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        own = getattr(self._backend, "count_tokens", None)
        return own(texts) if own is not None else [len(text) // 2 + 1 for text in texts]

    def provenance(self) -> dict:
        own = getattr(self._backend, "provenance", None)
        return own() if own is not None else {"backend": self.name, "model": self._where}
