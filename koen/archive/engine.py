"""The archive job's engines: who runs the model for ``koen archive translate``.

An engine gets the job's pending chunks (:class:`koen.archive.job.ChunkWork`) and must commit every
chunk, in order, with output identical to translating it in this process. ``local`` (the default)
is the job's own loop; ``ray`` (:mod:`koen.archive.ray_engine`) runs the model on Ray workers.
"""

from __future__ import annotations

from typing import Callable, Protocol

from mt.backends import Backend
from mt.errors import KoenError

from .ray_engine import RayEngine


class Engine(Protocol):
    name: str

    def make_backend(self) -> Backend:
        """The driver's backend: the same provenance, memory identity and batching as the model
        backend the local engine would load (the weights may live elsewhere)."""

    def run(self, work) -> None:
        """Call ``work.commit(pipeline, start, chunk)`` for every chunk of ``work.chunks``, in order."""

    def summary(self) -> dict:
        """Keys added to summary.json (records.jsonl stays byte-identical to the local engine's)."""

    def report_lines(self) -> list[str]:
        """Lines for the run summary on stderr."""


ENGINES: dict[str, Callable[..., Engine]] = {RayEngine.name: RayEngine}


def make_engine(name: str, backend_options: dict, **engine_options) -> Engine | None:
    """None for the local engine (the job translates in this process), else the named engine."""
    if name == "local":
        return None
    if name not in ENGINES:
        raise KoenError(f"--engine {name}: expected one of {', '.join(['local', *sorted(ENGINES)])}")
    return ENGINES[name](backend_options, **engine_options)
