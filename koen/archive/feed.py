"""Feeding the decoder: batches sized for the model, formed across committed chunks, with the CPU
work of other chunks done while the model decodes.

Three parties, joined by one event queue in the job's thread:

* **planners** hold each chunk's pipeline stages (:func:`koen.archive.chunks.chunk_stages`):
  segmenting, glossary and number planning, then restoring and the chunk's JSON lines. They run
  in worker processes spread over the machine's cores (:class:`ProcessPlanners`), on Ray workers
  (koen/archive/ray_engine.py), or inline (:class:`InlinePlanners`, the serial run).
* the **decoder** runs the model on whole batches: a thread (:class:`ThreadDecoder`; torch and
  CTranslate2 release the GIL while they compute), Ray actors, or inline.
* the **feeder** (this module, the job's thread) keeps only what must be central: the memory
  lookup of unique inputs, forming batches, and committing chunks in order.

Batches are formed per **decode group**: consecutive chunks holding about ``GROUP_BATCHES`` full
batches of source text, fixed by record order and the batch options alone. Each round of a group
(quoted titles a round before the sentences around them) decodes the group's unique inputs that
were not known before the group: in the memory when the job reached the group, or decoded by the
earlier groups of this run, or by the group's earlier rounds. Only those known sets decide a batch,
so a run killed anywhere and resumed forms the same batches: inputs that chunks of the resumed
group committed meanwhile are recorded in the job's state (``job.written``) and count as unknown
again for that group. A batch's outputs therefore never depend on the run's timing, the number of
planners, or where a previous run stopped; a chunk still commits alone, with its own memory entries.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

from mt.backends.base import Scored, translate_scored
from mt.backends.checkpoint import decoder_batches
from mt.errors import KoenError
from mt.memory import normalise
from mt.results import Origin

GROUP_BATCHES = 6          # a decode group holds about this many full batches
CHARS_PER_INPUT = 50       # Korean characters per model input, to size a group before it is planned
CHARS_PER_TOKEN = 2
LOOKAHEAD = 2              # groups planned ahead of the one being decoded
IN_FLIGHT = 2              # batches handed to an asynchronous decoder before the first is collected


@dataclass
class FeedOptions:
    batch_size: int = 32
    batch_tokens: int | None = None

    def batches(self, texts: list[str], tokens: dict[str, int]) -> list[list[str]]:
        """The model backends' own batching (mt.backends.checkpoint.decoder_batches) of ``texts``."""
        return [[texts[i] for i in batch] for batch in decoder_batches([tokens[text] for text in texts], self)]

    def group_budget(self) -> int:
        per_batch = self.batch_tokens * CHARS_PER_TOKEN if self.batch_tokens else self.batch_size * CHARS_PER_INPUT
        return GROUP_BATCHES * per_batch


def decode_groups(chunks: list, options: FeedOptions) -> list[list[int]]:
    """Chunk indices, grouped from the archive's first record by source characters."""
    groups, current, size = [], [], 0
    for index, (_, records) in enumerate(chunks):
        current.append(index)
        size += sum(len(text) for record in records for text in record.fields.values())
        if size >= options.group_budget():
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


@dataclass
class _Chunk:
    index: int
    start: int
    records: list
    replay: bool                              # committed by an earlier run: planned for its inputs only
    need: list[str] | None = None             # its inputs for the round at hand, once reported
    lines: list[str] | None = None
    used: set[str] = field(default_factory=set)


@dataclass
class _Group:
    chunks: list[_Chunk]
    tokens: dict[str, int] = field(default_factory=dict)
    known: dict[str, Scored] = field(default_factory=dict)     # normalised input -> output, earlier rounds
    decoded: dict[str, Scored] = field(default_factory=dict)   # input -> model output decoded for this group
    outputs: dict[str, Scored] = field(default_factory=dict)   # this round's decoded outputs
    values: dict[str, Scored] = field(default_factory=dict)    # this round's known inputs
    texts: list[str] = field(default_factory=list)             # this round's unique inputs, in order
    pending: int = 0                                           # batches of this round not back yet
    rounds: int = 0
    decoding: bool = False
    committed: bool = False


class Feeder:
    """Run ``work`` (a :class:`koen.archive.job.ChunkWork`) with ``planners`` and ``decoder``."""

    def __init__(self, work, planners, decoder, options: FeedOptions):
        self.work = work
        self.planners = planners
        self.decoder = decoder
        self.options = options
        self.events: queue.Queue = planners.events
        self.overlay: dict[str, Scored] = {}      # normalised input -> output, groups decoded, not all committed
        self.hits = self.misses = 0
        self.batches = self.batched = 0           # decoder calls, inputs in them
        self.written: set[str] = set()

    def run(self) -> None:
        work = self.work
        chunks = [_Chunk(i, start, records, start < work.done) for i, (start, records) in enumerate(work.chunks)]
        groups = [_Group([chunks[i] for i in indices]) for indices in decode_groups(work.chunks, self.options)]
        first = next((g for g, group in enumerate(groups) if any(not c.replay for c in group.chunks)), len(groups))
        if first == len(groups):
            return
        if groups[first].chunks[0].replay:
            self.written = work.written_since(groups[first].chunks[0].start)
        self.groups, self.current, self.dispatched = groups, first, first
        self.next_commit = next(c for c in groups[first].chunks if not c.replay).index
        self.by_key = {c.start: c for group in groups[first:] for c in group.chunks}
        self.group_of = {c.start: g for g, group in enumerate(groups) for c in group.chunks}
        self._dispatch()
        while self.current < len(groups):
            # Commits (SQLite and fsync) wait while planners or the decoder have news: the model's
            # next batches and the planners' next rounds come first.
            if self.events.empty() and self._commit_next():
                continue
            self._handle(self.events.get())
            self._advance()
        while self._commit_next():
            pass

    # -- events ----------------------------------------------------------------------------------

    def _handle(self, event: tuple) -> None:
        kind = event[0]
        if kind == "noop":
            return
        if kind == "error":
            _, where, error = event
            raise error
        if kind == "need":
            _, key, texts, tokens = event
            chunk = self.by_key[key]
            chunk.need = texts
            self.groups[self.group_of[key]].tokens.update(zip(texts, tokens))
        elif kind == "done":
            _, key, lines = event
            self.by_key[key].lines = lines
        elif kind == "decoded":
            _, (group_index, _), texts, outputs = event
            group = self.groups[group_index]
            group.outputs.update(zip(texts, outputs))
            group.pending -= 1
            if group.pending == 0:
                self._finish_round(group)

    def _dispatch(self) -> None:
        while self.dispatched < min(len(self.groups), self.current + 1 + LOOKAHEAD):
            for chunk in self.groups[self.dispatched].chunks:
                self.planners.plan(chunk.index, chunk.start, chunk.records)
            self.dispatched += 1

    def _advance(self) -> None:
        while self.current < len(self.groups):
            group = self.groups[self.current]
            if group.decoding:
                return
            active = [c for c in group.chunks if c.lines is None]
            if not active:
                self._complete(group)
                continue
            if any(c.need is None for c in active):
                return
            self._start_round(group, active)
            if group.decoding:
                return

    def _start_round(self, group: _Group, active: list[_Chunk]) -> None:
        texts = list(dict.fromkeys(text for chunk in active for text in chunk.need))
        values: dict[str, Scored] = {}
        unseen = []
        for text in texts:
            key = normalise(text)
            found = group.known.get(key) or self.overlay.get(key)
            if found is not None:
                values[text] = found
            elif key not in self.written:
                unseen.append(text)
        for text, (translation, confidence) in self.work.memory.get_scored(unseen).items():
            values[text] = Scored(translation, confidence, Origin.MEMORY)
        unknown = [text for text in texts if text not in values]
        self.hits += len(values)
        self.misses += len(unknown)
        group.values, group.outputs, group.texts = values, {}, texts
        batches = self.options.batches(unknown, group.tokens) if unknown else []
        group.pending, group.decoding = len(batches), True
        group.rounds += 1
        for number, batch in enumerate(batches):
            self.batches += 1
            self.batched += len(batch)
            self.decoder.submit((self.current, number), batch)
        if not batches:
            self._finish_round(group)

    def _finish_round(self, group: _Group) -> None:
        values = {**group.values, **group.outputs}
        for text in group.texts:            # the round's order, not the order batches came back in
            scored = values[text]
            if text in group.outputs and scored.origin is Origin.MODEL:
                group.decoded.setdefault(text, scored)
            group.known.setdefault(normalise(text), scored)
        group.decoding = False
        for chunk in group.chunks:
            if chunk.lines is None and chunk.need is not None:
                need, chunk.need = chunk.need, None
                chunk.used.update(need)
                self.planners.feed(chunk.index, chunk.start, {text: values[text] for text in need})

    def _complete(self, group: _Group) -> None:
        for text, scored in group.decoded.items() if not group.committed else ():
            self.overlay.setdefault(normalise(text), scored)
        self.written = set()
        self.current += 1
        self._dispatch()

    def _commit_next(self) -> bool:
        """Commit the next chunk in record order if its lines are back, with the memory entries of
        the inputs it used that its group decoded; whether one was committed."""
        if self.next_commit is None:
            return False
        chunk = self.by_key[self.work.chunks[self.next_commit][0]]
        if chunk.lines is None:
            return False
        group = self.groups[self.group_of[chunk.start]]
        made = {text: group.decoded[text] for text in sorted(chunk.used) if text in group.decoded}
        self.work.commit(chunk.start, chunk.records, chunk.lines, made, group.chunks[0].start)
        chunk.lines = []                    # committed: its lines are in the file now
        if chunk is group.chunks[-1]:
            group.committed = True
            for text in group.decoded:      # the whole group is in the memory now
                self.overlay.pop(normalise(text), None)
        self.next_commit = chunk.index + 1 if chunk.index + 1 < len(self.work.chunks) else None
        return True


def run_feeder(work, planners, decoder) -> Feeder:
    """Run ``work`` to its end with these planners and decoder, then close both."""
    feeder = Feeder(work, planners, decoder, work.feed)
    try:
        feeder.run()
    finally:
        decoder.close()
        planners.close()
    return feeder


# -- planners ------------------------------------------------------------------------------------

class InlinePlanners:
    """Every chunk's stages in this thread (the serial run, and machines with one core)."""

    def __init__(self, make_stages: Callable, count_tokens: Callable):
        self.make_stages = make_stages
        self.count_tokens = count_tokens
        self.events: queue.Queue = queue.Queue()
        self.running: dict[int, object] = {}

    def plan(self, index: int, key: int, records: list) -> None:
        self.running[key] = self.make_stages(records)
        self._step(key, None)

    def feed(self, index: int, key: int, values: dict) -> None:
        self._step(key, values)

    def _step(self, key: int, values) -> None:
        self.events.put(_step(self.running, key, values, self.count_tokens))

    def close(self) -> None:
        self.running.clear()


def _step(running: dict, key, values, count_tokens) -> tuple:
    """Advance one chunk's stages: its next round's inputs, or its finished lines."""
    try:
        unique = running[key].send(values)
        return ("need", key, unique, count_tokens(unique))
    except StopIteration as finished:
        del running[key]
        return ("done", key, finished.value)
    except KoenError as error:
        return ("error", key, KoenError(str(error)))
    except Exception as error:      # a planning process's failure reaches the job as one line
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return ("error", key, RuntimeError(f"planning failed for the chunk at record {key + 1}: {detail}"))


def planner_count() -> int:
    """Planning processes: one per core, the decoder thread sharing the job's own."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores)


class ProcessPlanners:
    """Chunks' stages in forked worker processes, chunk ``index`` on worker ``index % count``.

    Forked after the job loaded Kiwi, the glossary and the tokenizer, so the workers share them;
    they never touch the job's database (editors' translations come as a snapshot) or its model.
    A worker takes the next round of a chunk already planned before planning a new chunk, so the
    decoder's next batches are never stuck behind planning."""

    def __init__(self, count: int, make_stages: Callable, count_tokens: Callable):
        self.events: queue.Queue = queue.Queue()
        # A fast tokenizer that used its threads before the fork warns in every child unless told.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        context = multiprocessing.get_context("fork")
        self.connections, self.processes = [], []
        for _ in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=_planner_main, daemon=True,
                                      args=(theirs, list(self.connections) + [ours], os.getpid(), make_stages, count_tokens))
            process.start()
            theirs.close()
            self.connections.append(ours)
            self.processes.append(process)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def plan(self, index: int, key: int, records: list) -> None:
        self.connections[index % len(self.connections)].send(("plan", key, records))

    def feed(self, index: int, key: int, values: dict) -> None:
        self.connections[index % len(self.connections)].send(("feed", key, values))

    def _read(self) -> None:
        open_connections = list(self.connections)
        while open_connections:
            for connection in multiprocessing.connection.wait(open_connections):
                try:
                    self.events.put(connection.recv())
                except (EOFError, OSError):
                    open_connections.remove(connection)
                    if not getattr(self, "closing", False):
                        self.events.put(("error", None, RuntimeError("a planning process ended unexpectedly")))

    def close(self) -> None:
        self.closing = True
        for connection in self.connections:
            try:
                connection.send(("stop", None, None))
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for connection in self.connections:
            connection.close()


def _planner_main(connection, not_ours: list, parent: int, make_stages: Callable, count_tokens: Callable) -> None:
    _die_with(parent)
    for inherited in not_ours:          # the job's ends of this and earlier workers' pipes
        inherited.close()
    running: dict[int, object] = {}
    plans: deque = deque()
    feeds: deque = deque()
    while True:
        if not plans and not feeds:
            _sort(connection.recv(), plans, feeds)
        while connection.poll():
            _sort(connection.recv(), plans, feeds)
        kind, key, payload = feeds.popleft() if feeds else plans.popleft()
        if kind == "stop":
            return
        if kind == "plan":
            running[key] = make_stages(payload)
            payload = None
        connection.send(_step(running, key, payload, count_tokens))


def _die_with(parent: int) -> None:
    """End this process when the job's process ends, even by kill -9: a forked worker holds the
    job's files (its lock among them) and must never outlive it."""
    try:
        import ctypes   # late: Linux's prctl, only in a planning process

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)      # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:          # it ended before the line above took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _sort(message: tuple, plans: deque, feeds: deque) -> None:
    (feeds if message[0] == "feed" else plans).append(message)


# -- decoders ------------------------------------------------------------------------------------

class InlineDecoder:
    """Decodes each batch when it is handed over (the serial run)."""

    def __init__(self, backend, events: queue.Queue):
        self.backend = backend
        self.events = events

    def submit(self, ticket, texts: list[str]) -> None:
        self.events.put(("decoded", ticket, texts, translate_scored(self.backend, texts)))

    def close(self) -> None:
        pass


class ThreadDecoder:
    """Decodes batches in its own thread, in the order handed over. A backend with
    ``submit_scored(texts) -> collect()`` (CTranslate2's asynchronous translation) gets the next
    batch before the previous one is collected, so the device never waits for Python."""

    def __init__(self, backend, events: queue.Queue):
        self.backend = backend
        self.events = events
        self.queue: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="koen-decoder", daemon=True)
        self.thread.start()

    def submit(self, ticket, texts: list[str]) -> None:
        self.queue.put((ticket, texts))

    def _start(self, texts: list[str]) -> Callable[[], list[Scored]]:
        submit = getattr(self.backend, "submit_scored", None)
        if submit is not None:
            return submit(texts)
        return lambda: translate_scored(self.backend, texts)

    def _loop(self) -> None:
        in_flight: deque = deque()
        try:
            while True:
                try:
                    item = self.queue.get_nowait() if in_flight else self.queue.get()
                except queue.Empty:
                    item = False
                if item is None:
                    return
                if item:
                    ticket, texts = item
                    in_flight.append((ticket, texts, self._start(texts)))
                if in_flight and (item is False or len(in_flight) >= IN_FLIGHT):
                    ticket, texts, collect = in_flight.popleft()
                    self.events.put(("decoded", ticket, texts, collect()))
        except BaseException as error:       # the job's thread raises it
            self.events.put(("error", "decoder", error))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join(timeout=60)
