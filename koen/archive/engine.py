"""The archive job's engines: who runs the model for ``koen archive translate``.

An engine gets the job's pending chunks (:class:`mt.archive.jobs.ChunkWork`) and must commit every
chunk, in order, with output identical to translating it in this process. ``local`` (the default)
is the job's own loop; ``ray`` (:mod:`koen.archive.ray_engine`) runs the model on Ray workers.
The archive command line receives the engines from here: mt/ never imports koen/.
"""

from __future__ import annotations

from typing import Callable, Protocol

from .ray_engine import RayEngine


class Engine(Protocol):
    name: str

    def make_pipeline(self):
        """The driver's pipeline: same provenance, memory identity and batching as the local one."""

    def run(self, work) -> None:
        """Call ``work.commit(pipeline, start, chunk)`` for every chunk of ``work.chunks``, in order."""

    def summary(self) -> dict:
        """Keys added to summary.json (records.jsonl stays byte-identical to the local engine's)."""

    def report_lines(self) -> list[str]:
        """Lines for the run summary on stderr."""


def register_engines(register_engine: Callable[[str, Callable], None]) -> None:
    register_engine(RayEngine.name, RayEngine)
