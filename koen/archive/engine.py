"""The archive job's engines: who runs the model for ``koen archive translate``.

An engine gets the job's chunks (:class:`koen.archive.job.ChunkWork`) and must commit every pending
chunk, in order, with output identical to translating it in this process. Both run the feeder of
:mod:`koen.archive.feed` (batches across chunks, planning beside decoding): ``local`` (the
default) with planning processes and a decoder thread here, ``ray``
(:mod:`koen.archive.ray_engine`) with planning and model workers on a Ray cluster.
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

    def run(self, work):
        """Call ``work.commit`` for every pending chunk of ``work.chunks``, in order; return the
        :class:`koen.archive.feed.Feeder` that did (its counts go into the job's report)."""

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
