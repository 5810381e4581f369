"""`koen archive translate --engine ray`: planning and model workers on a Ray cluster, the rest on the driver.

Who does what (the parties of koen/archive/feed.py):

* **Planning workers** (``ChunkPlanner`` actors) hold each chunk's pipeline stages: segmenting,
  glossary and number planning, restoring and the chunk's JSON lines. They count tokens with the
  model's tokenizer (no weights) and consult editors' translations as a snapshot.
* **Model workers** (``BatchTranslator`` actors) load the backend once and decode whole batches.
* The **driver** keeps what must be central: the memory lookup of each round's unique inputs,
  forming the batches exactly as the local engine does (so the output is byte-identical to it),
  committing chunks in order, and writing. Its CPU time per segment is in summary.json.

Actors are restarted when they die (``max_restarts=-1``) and a call they held runs again
(``max_task_retries=-1``): a decoded batch arrives once; a planning worker that lost its chunks'
state is sent each chunk again with the rounds it was already fed. A batch never decoded is
never invented: nothing commits before its outputs are back. Segments already in the memory never
travel.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlparse

from mt.backends import GenerationOptions, load_backend
from mt.backends.base import Scored, translate_scored
from mt.errors import KoenError
from mt.pipeline import Pipeline
from mt.results import Origin

from ..compose import generation_options
from .feed import Feeder, _step, run_feeder
from .planning import backend_name, planning_backend, worker_device
from .ray_cleanup import end_orphans, mark_session

INSTALL_HINT = "--engine ray needs Ray, an optional extra: pip install 'koen[ray]'"


def import_ray():
    """Ray, or the one-line install hint. (ray is an optional extra: imported late, here only.)"""
    try:
        import ray   # late: the optional extra koen[ray]
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
    """The model worker: loads the backend once, then decodes whole koen batches."""

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

    def translate(self, texts: list[str]) -> tuple[str, str, list[tuple]]:
        outputs = [(s.text, s.confidence, s.origin.value) for s in translate_scored(self.backend, texts)]
        return self.worker, self.provenance, outputs


class ChunkPlanner:
    """The planning worker: each chunk's stages (koen.archive.chunks.chunk_stages), round by round."""

    def __init__(self, spec: dict, terms, approved, provenance: dict, default_date):
        from .chunks import ApprovedSnapshot, chunk_stages, warm_up

        backend = planning_backend(spec["options"], spec["device"])
        pipeline = Pipeline(backend, terms=terms, humans=ApprovedSnapshot(approved))
        warm_up(pipeline)
        self.count_tokens = backend.count_tokens
        self.make_stages = lambda records: chunk_stages(pipeline, records, provenance, default_date)
        self.running: dict[int, object] = {}

    def plan(self, key: int, records: list) -> tuple:
        self.running[key] = self.make_stages(records)
        return _step(self.running, key, None, self.count_tokens)

    def feed(self, key: int, values: dict) -> tuple:
        if key not in self.running:
            return ("lost", key)
        return _step(self.running, key, values, self.count_tokens)

    def replay(self, key: int, records: list, fed: list[dict]) -> tuple:
        """A restarted worker's state for one chunk: planned again, sent every round fed before."""
        self.running[key] = self.make_stages(records)
        self.running[key].send(None)
        for values in fed[:-1]:
            self.running[key].send(values)
        return _step(self.running, key, fed[-1], self.count_tokens)


class _Calls:
    """Ray calls in flight; a thread turns each finished one into an event of the job's queue."""

    def __init__(self, ray, events: queue.Queue):
        self.ray = ray
        self.events = events
        self.pending: dict = {}                # ObjectRef -> how to report it
        self.lock = threading.Lock()
        self.stopped = False
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._wait, name="koen-ray-calls", daemon=True)
        self.thread.start()

    def add(self, ref, report) -> None:
        with self.lock:
            self.pending[ref] = report
        self.wake.set()

    def _wait(self) -> None:
        ray = self.ray
        while not self.stopped:
            with self.lock:
                refs = list(self.pending)
            if not refs:
                self.wake.wait(0.5)
                self.wake.clear()
                continue
            ready, _ = ray.wait(refs, num_returns=1, timeout=0.05)
            for ref in ready:
                with self.lock:
                    report = self.pending.pop(ref)
                try:
                    self.events.put(report(ray.get(ref)))
                except KoenError as error:
                    self.events.put(("error", "ray", error))
                except Exception as error:    # a Ray failure: worker could not load the model, cluster lost...
                    self.events.put(("error", "ray", KoenError(f"Ray workers failed: {_first_line(error)}")))

    def close(self) -> None:
        self.stopped = True
        self.wake.set()
        self.thread.join(timeout=10)


class RayPlanners:
    """koen/archive/feed.py's planners on ``ChunkPlanner`` actors."""

    def __init__(self, engine, work, count: int):
        ray = engine.ray
        self.events: queue.Queue = queue.Queue()
        self.calls = _Calls(ray, self.events)
        self.records: dict[int, list] = {}
        self.fed: dict[int, list[dict]] = {}
        spec = {"options": engine.options, "device": engine.device}
        humans = work.pipeline.humans
        remote = ray.remote(ChunkPlanner).options(num_cpus=0, max_restarts=-1, max_task_retries=-1,
                                                  scheduling_strategy="SPREAD")
        self.actors = [remote.remote(spec, work.pipeline.terms, humans.approved, engine.provenance,
                                     work.default_date) for _ in range(count)]

    def plan(self, index: int, key: int, records: list) -> None:
        self.records[key], self.fed[key] = records, []
        self.calls.add(self.actors[index % len(self.actors)].plan.remote(key, records), self._report(index))

    def feed(self, index: int, key: int, values: dict) -> None:
        self.fed[key].append(values)
        self.calls.add(self.actors[index % len(self.actors)].feed.remote(key, values), self._report(index))

    def _report(self, index: int):
        def report(result: tuple) -> tuple:
            if result[0] == "lost":           # the actor was restarted: give it the chunk again
                key = result[1]
                self.calls.add(self.actors[index % len(self.actors)].replay.remote(key, self.records[key], self.fed[key]),
                               self._report(index))
                return ("noop",)
            if result[0] == "done":
                self.records.pop(result[1], None)
                self.fed.pop(result[1], None)
            return result
        return report

    def close(self) -> None:
        self.calls.close()
        for actor in self.actors:
            self.calls.ray.kill(actor)


class RayDecoder:
    """koen/archive/feed.py's decoder on ``BatchTranslator`` actors, each batch to the least busy."""

    def __init__(self, engine, events: queue.Queue):
        ray = engine.ray
        self.engine = engine
        self.calls = _Calls(ray, events)
        spec = {"backend": engine.backend, "model": engine.options["model"], "device": engine.device,
                "dtype": engine.options["dtype"], "compute_type": engine.options["compute_type"],
                "options": generation_options(**engine.options).__dict__, "threads": max(1, int(engine.cpus))}
        resources = {"num_gpus": engine.gpus} if engine.gpus else {}
        remote = ray.remote(BatchTranslator).options(num_cpus=engine.cpus, max_restarts=-1, max_task_retries=-1,
                                                     **resources)
        self.actors = [remote.remote(spec) for _ in range(engine.workers)]
        self.busy = Counter()
        self.expected = json.dumps(engine.planner.provenance(), sort_keys=True)

    def submit(self, ticket, texts: list[str]) -> None:
        index = min(range(len(self.actors)), key=lambda i: self.busy[i])
        self.busy[index] += 1
        began = time.perf_counter()

        def report(result: tuple) -> tuple:
            worker, provenance, outputs = result
            self.busy[index] -= 1
            if provenance != self.expected:
                raise KoenError(f"Ray worker {worker} loaded a different model than the driver planned for "
                                f"({provenance} != {self.expected}); every node needs the same model files")
            if len(outputs) != len(texts):
                raise KoenError(f"Ray worker {worker} returned {len(outputs)} outputs for {len(texts)} inputs")
            self.engine.worker_segments[worker] += len(texts)
            self.engine.note_batch(ticket, len(texts), time.perf_counter() - began)
            return ("decoded", ticket, texts, [Scored(text, confidence, Origin(origin))
                                                for text, confidence, origin in outputs])

        self.calls.add(self.actors[index].translate.remote(texts), report)

    def close(self) -> None:
        self.calls.close()
        for actor in self.actors:
            self.calls.ray.kill(actor)


class RayEngine:
    name = "ray"

    def __init__(self, pipeline_options: dict, address: str | None = None, workers: int = 1,
                 cpus_per_worker: float = 1, gpus_per_worker: float = 0, planners: int | None = None):
        self.ray = import_ray()
        self.options = dict(pipeline_options)
        self.backend = backend_name(self.options["backend"])
        self.device = worker_device(self.options.get("device", "auto"), gpus_per_worker)
        self.address = address
        self.workers = workers
        self.cpus = cpus_per_worker
        self.gpus = gpus_per_worker
        self.planners = planners or workers          # planning workers (0 or None: as many as model workers)
        if address:
            check_reachable(address)
        self.planner = None
        self.provenance = None
        self.worker_segments: Counter = Counter()
        self.timings = {"connect_s": 0.0, "rounds": []}
        self.driver = {"cpu_s": 0.0, "segments": 0, "cpu_ms_per_segment": None}
        self.ended_orphans = 0

    # -- the engine protocol (see koen.archive.job.ChunkWork) ---------------------------------------

    def make_backend(self):
        self._connect()
        self.planner = planning_backend(self.options, self.device)
        return self.planner

    def run(self, work) -> Feeder:
        began = time.process_time()
        self.provenance = work.provenance
        planners = RayPlanners(self, work, self.planners)
        feeder = run_feeder(work, planners, RayDecoder(self, planners.events))
        cpu = time.process_time() - began
        segments = feeder.hits + feeder.misses
        self.driver = {"cpu_s": round(cpu, 3), "segments": segments,
                       "cpu_ms_per_segment": round(1000 * cpu / segments, 3) if segments else None}
        return feeder

    def note_batch(self, ticket, segments: int, seconds: float) -> None:
        group, round_, number = ticket
        self.timings["rounds"].append({"group": group, "round": round_, "batch": number, "segments": segments,
                                       "seconds": round(seconds, 3)})

    def summary(self) -> dict:
        return {"engine": {"name": self.name, "address": self.address or "local instance", "workers": self.workers,
                           "planners": self.planners, "cpus_per_worker": self.cpus, "gpus_per_worker": self.gpus,
                           "device": self.device, "timings": self.timings, "driver": self.driver},
                "worker_segments": dict(sorted(self.worker_segments.items()))}

    def report_lines(self) -> list[str]:
        lines = [f"ended {self.ended_orphans} Ray process(es) a killed earlier run had left"] if self.ended_orphans else []
        batches = self.timings["rounds"]
        if not batches:
            return lines
        per_worker = ", ".join(f"{name} {count}" for name, count in sorted(self.worker_segments.items()))
        cpu = self.driver["cpu_ms_per_segment"]
        return lines + [f"ray: {self.workers} model worker(s), {self.planners} planning worker(s), {len(batches)} "
                        f"batches; segments per worker: {per_worker or 'none'}; driver CPU "
                        f"{cpu if cpu is not None else 0:.2f} ms per segment"]

    def _connect(self) -> None:
        ray = self.ray
        began = time.perf_counter()
        if not ray.is_initialized():
            if not self.address:
                self.ended_orphans = end_orphans()
            settings = {"include_dashboard": False, "logging_level": logging.WARNING}
            try:
                context = ray.init(address=self.address, **settings)
            except Exception as exc:     # ConnectionError, RuntimeError, ...: one line, exit 2
                where = f"--address {self.address}" if self.address else "--engine ray"
                raise KoenError(f"{where}: cannot start or join Ray ({_first_line(exc)})") from None
            if not self.address:
                mark_session(context)
        self.timings["connect_s"] = round(time.perf_counter() - began, 3)


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
