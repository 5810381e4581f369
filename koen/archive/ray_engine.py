"""`koen archive translate --engine ray`: model-holding workers on a Ray cluster, the rest on the driver.

Who does what:

* The driver reads and segments the records, plans protections, asks the translation memory and
  forms the batches the local engine would decode, all with the unchanged pipeline running over
  a stand-in backend (:mod:`koen.archive.planning`: tokenizer only, no weights).
* The batches of a window of chunks travel as one Ray Dataset, one row per batch, so Ray's block
  splitting can never change which inputs share a batch. ``map_batches`` runs them on a pool of
  actors (``BatchTranslator``) that load the backend once; results stream back in order.
* The driver then commits each chunk exactly as the local engine does (same memory writes, same
  records, same one-transaction commit), its model calls served from the shipped results. A
  batch never computed is never invented: a commit that meets one rolls back and waits.

Planning runs ahead of the memory: a pass over the window records the batches each chunk asks
for, with a placeholder output for each one not yet translated and an overlay standing for the
memory writes of the chunks before. A chunk whose planned model calls were all exact commits as
soon as its batches are back. One that depended on a placeholder (a quoted title is translated
first and its English becomes part of the sentence around it) goes round again with the real
output: a second, usually small, dataset. Segments already in the memory never travel.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections import Counter
from urllib.parse import urlparse

import numpy as np

from mt.backends import GenerationOptions, load_backend
from mt.backends.base import Scored, translate_scored
from mt.backends.memory import MemoryBackend
from mt.errors import KoenError
from mt.pipeline import Pipeline
from mt.results import Origin

from ..compose import generation_options
from .planning import (
    Batch,
    MissingBatch,
    OverlayMemory,
    ServedBackend,
    backend_name,
    planning_backend,
    worker_device,
)

INSTALL_HINT = "--engine ray needs Ray, an optional extra: pip install 'koen[ray]'"
WINDOW_RECORDS = 2048        # records planned and shipped together (one actor pool, one model load per round)


def import_ray():
    """Ray, or the one-line install hint. (ray is an optional extra: imported late, here only.)"""
    try:
        import ray   # late: the optional extra koen[ray]
        import ray.data
    except ImportError:
        raise KoenError(INSTALL_HINT) from None
    return ray


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, in one line, when nothing listens at ``host:port`` (Ray itself retries for minutes)."""
    if address == "auto":
        return
    parsed = urlparse(address if "://" in address else f"gcs://{address}")
    try:
        host, port = parsed.hostname, parsed.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise KoenError(f"--address {address}: expected auto, host:port or ray://host:port")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise KoenError(f"--address {address}: no Ray cluster reachable there ({exc.strerror or exc})") from None


class BatchTranslator:
    """The Ray actor: loads the backend once, then translates whole koen batches (one row each)."""

    def __init__(self, spec: dict):
        threads = spec["threads"]
        if spec["backend"] == "transformers" and spec["device"] == "cpu":
            import torch   # late: only model workers need it

            torch.set_num_threads(threads)
        self.backend = load_backend(spec["backend"], model=spec["model"], device=spec["device"], dtype=spec["dtype"],
                                    compute_type=spec["compute_type"], options=GenerationOptions(**spec["options"]),
                                    threads=threads)
        self.provenance = json.dumps(self.backend.provenance(), sort_keys=True)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def __call__(self, batch: dict) -> dict:
        outputs = [json.dumps([[s.text, s.confidence, s.origin.value] for s in translate_scored(self.backend, json.loads(texts))],
                              ensure_ascii=False) for texts in batch["texts"]]
        count = len(outputs)
        return {"id": batch["id"], "outputs": np.array(outputs, dtype=object),
                "worker": np.array([self.worker] * count, dtype=object),
                "provenance": np.array([self.provenance] * count, dtype=object)}


class RayEngine:
    name = "ray"

    def __init__(self, pipeline_options: dict, address: str | None = None, workers: int = 1,
                 cpus_per_worker: float = 1, gpus_per_worker: float = 0, window_records: int = WINDOW_RECORDS):
        self.ray = import_ray()
        self.options = dict(pipeline_options)
        self.backend = backend_name(self.options["backend"])
        self.device = worker_device(self.options.get("device", "auto"), gpus_per_worker)
        self.address = address
        self.workers = workers
        self.cpus = cpus_per_worker
        self.gpus = gpus_per_worker
        self.window_records = max(1, window_records)
        if address:
            check_reachable(address)
        self.planner = None
        self.worker_segments: Counter = Counter()
        self.timings = {"connect_s": 0.0, "rounds": []}
        self.segments = 0            # model inputs committed from worker results
        self._window = 0

    # -- the engine protocol (see koen.archive.job.ChunkWork) ---------------------------------------

    def make_backend(self):
        self._connect()
        self.planner = planning_backend(self.options, self.device)
        return self.planner

    def run(self, work) -> None:
        context = self.ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True      # results come back in shipping order
        context.enable_progress_bars = False                  # the driver's own bar counts records
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        results: dict[Batch, list[Scored]] = {}
        per_window = max(1, self.window_records // max(1, max((len(c) for _, c in work.chunks), default=1)))
        for first in range(0, len(work.chunks), per_window):
            self._window = first // per_window
            pending = work.chunks[first:first + per_window]
            while pending:
                pending = self._round(work, pending, results)
            results.clear()

    def summary(self) -> dict:
        return {"engine": {"name": self.name, "address": self.address or "local instance", "workers": self.workers,
                           "cpus_per_worker": self.cpus, "gpus_per_worker": self.gpus, "device": self.device,
                           "timings": self.timings},
                "worker_segments": dict(sorted(self.worker_segments.items()))}

    def report_lines(self) -> list[str]:
        rounds = self.timings["rounds"]
        if not rounds:
            return []
        per_worker = ", ".join(f"{name} {count}" for name, count in sorted(self.worker_segments.items()))
        return [f"ray: {self.workers} worker(s), {sum(r['batches'] for r in rounds)} batches in {len(rounds)} "
                f"dataset(s); segments per worker: {per_worker or 'none'}"]

    # -- one round: plan the pending chunks, ship what they lack, commit in order ------------------

    def _round(self, work, pending: list, results: dict) -> list:
        wanted: dict[Batch, None] = {}
        needs: list[set[Batch]] = []
        overlay = OverlayMemory(work.memory)
        for _, chunk in pending:
            served = ServedBackend(self.planner, results, wanted)
            work.translate(_with(work.pipeline, served, overlay), chunk)
            needs.append(served.asked)
        committed, blocked = 0, False

        def advance() -> None:
            nonlocal committed, blocked
            while not blocked and committed < len(pending) and needs[committed] <= results.keys():
                if self._commit(work, pending[committed], results):
                    committed += 1
                else:
                    blocked = True      # it needs a batch only known once this round's results are in

        advance()
        for batch, outputs in self._ship(list(wanted)):
            results[batch] = outputs
            advance()
        if not wanted and committed == 0:
            raise RuntimeError("ray engine: a chunk needs batches that planning did not find")
        return pending[committed:]

    def _commit(self, work, item, results: dict) -> bool:
        start, chunk = item
        served = ServedBackend(self.planner, results)
        hits, misses = work.memory.hits, work.memory.misses
        try:
            work.commit(_with(work.pipeline, served, work.memory), start, chunk)
        except MissingBatch:
            work.memory.hits, work.memory.misses = hits, misses       # rolled back: no lookup happened
            return False
        self.segments += served.segments
        if work.bar is not None and hasattr(work.bar, "set_postfix_str"):
            work.bar.set_postfix_str(f"{self.segments} segments by {self.workers} worker(s)")
        return True

    def _ship(self, batches: list[Batch]):
        """Translate ``batches`` on the workers; yield (batch, outputs) in order as they come back."""
        if not batches:
            return
        ray = self.ray
        spec = {"backend": self.backend, "model": self.options["model"], "device": self.device,
                "dtype": self.options["dtype"], "compute_type": self.options["compute_type"],
                "options": generation_options(**self.options).__dict__,
                "threads": max(1, int(self.cpus))}
        rows = [{"id": index, "texts": json.dumps(list(batch), ensure_ascii=False)} for index, batch in enumerate(batches)]
        resources = {"num_gpus": self.gpus} if self.gpus else {}
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            BatchTranslator, fn_constructor_kwargs={"spec": spec}, batch_size=1, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(rows))), num_cpus=self.cpus, **resources)
        # Ray Data's actors default to max_restarts=-1, max_task_retries=-1: a killed actor is
        # restarted and the batch it held runs again; its result arrives once, in order.
        expected = json.dumps(self.planner.provenance(), sort_keys=True)
        timing = {"window": self._window, "batches": len(batches), "segments": sum(len(b) for b in batches), "first_result_s": None}
        self.timings["rounds"].append(timing)
        began = time.perf_counter()
        try:
            for row in dataset.iter_rows():
                if timing["first_result_s"] is None:
                    timing["first_result_s"] = round(time.perf_counter() - began, 3)
                if row["provenance"] != expected:
                    raise KoenError(f"Ray worker {row['worker']} loaded a different model than the driver planned "
                                    f"for ({row['provenance']} != {expected}); every node needs the same model files")
                batch = batches[int(row["id"])]
                outputs = [Scored(text, confidence, Origin(origin)) for text, confidence, origin in json.loads(row["outputs"])]
                if len(outputs) != len(batch):
                    raise KoenError(f"Ray worker {row['worker']} returned {len(outputs)} outputs for {len(batch)} inputs")
                self.worker_segments[str(row["worker"])] += len(batch)
                yield batch, outputs
        except KoenError:
            raise
        except Exception as exc:         # a Ray failure: worker could not load the model, cluster lost...
            raise KoenError(f"Ray workers failed: {_first_line(exc)}") from None
        finally:
            timing["total_s"] = round(time.perf_counter() - began, 3)

    def _connect(self) -> None:
        ray = self.ray
        began = time.perf_counter()
        if not ray.is_initialized():
            settings = {"include_dashboard": False, "logging_level": logging.WARNING}
            try:
                ray.init(address=self.address, **settings)
            except Exception as exc:     # ConnectionError, RuntimeError, ...: one line, exit 2
                where = f"--address {self.address}" if self.address else "--engine ray"
                raise KoenError(f"{where}: cannot start or join Ray ({_first_line(exc)})") from None
        self.timings["connect_s"] = round(time.perf_counter() - began, 3)


def _with(pipeline: Pipeline, backend, memory) -> Pipeline:
    """The job's pipeline (same terms, number rules, editors' translations) with another model
    backend and memory around it."""
    return Pipeline(MemoryBackend(backend, memory), terms=pipeline.terms, protect_numbers=pipeline.protect_numbers,
                    humans=pipeline.humans)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
