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
batches of source text, fixed by record order and the batch options alone. A group decodes in
rounds (quoted titles a round before the sentences around them); a group's round is a **step**.
Steps are formed in one fixed order, by diagonals: step (g, r) comes after every step (g', r')
with g' + r' < g + r, and after those with the same sum and a lower round, so the next group's
first round is formed while a group's later rounds wait for its earlier ones to come back, and
the model always has batches queued while the planners restore. A step decodes the unique inputs
that no step before it in that order decoded and that were not in the memory when the step was
formed; the inputs of earlier steps are taken from them, the memory's from the memory. Only that
order decides a batch, so a run killed anywhere and resumed forms the same batches: inputs that
chunks of the resumed group committed meanwhile are recorded in the job's state (``job.written``)
and count as unknown again for that group's steps (an input a later step decoded can never be an
input of an earlier one, so nothing else a killed run committed changes a step). A batch's outputs
therefore never depend on the run's timing, the number of planners, or where a previous run
stopped; a chunk still commits alone, with its own memory entries.
"""

from __future__ import annotations

import gc
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
from typing import Callable, NamedTuple

from mt.backends.base import Scored, translate_scored
from mt.backends.checkpoint import decoder_batches
from mt.errors import KoenError
from mt.memory import normalise
from mt.results import Origin

GROUP_BATCHES = 6          # a decode group holds about this many full batches
CHARS_PER_INPUT = 50       # Korean characters per model input, to size a group before it is planned
CHARS_PER_TOKEN = 2
LOOKAHEAD = 2              # groups planned beyond the one whose first round is formed next
IN_FLIGHT = 2              # batches handed to an asynchronous decoder before the first is collected
COMMIT_CHUNKS = 32         # chunks whose lines are back committed in one transaction, at most


class ChunkCommit(NamedTuple):
    """One chunk's commit: its records' lines and the memory entries of what its group decoded."""
    start: int                      # the chunk's first record (seq)
    records: list
    lines: list[str]
    made: dict[str, Scored]         # input -> model output, the inputs it used that its group decoded
    group_start: int                # the first record of its decode group


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
        size += source_chars(records)
        if size >= options.group_budget():
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def source_chars(records: list) -> int:
    """The characters of the records' text fields: how much planning and decoding they hold."""
    return sum(len(text) for record in records for text in record.fields.values())


def step_order(groups: int, rounds_of: Callable[[int], int | None]):
    """The steps (group, round) in forming order, by diagonals g + r. ``rounds_of(g)`` is how many
    rounds group g has, or None while that is not known: the order stops there (its next step is
    the one it waits for). Groups whose rounds are all known and past are skipped."""
    level, low = 0, 0
    while low < groups:
        while low < groups and rounds_of(low) is not None and rounds_of(low) <= level - low:
            low += 1
        for round_ in range(max(1, level - groups + 2), level - low + 2):
            group = level - round_ + 1
            if rounds_of(group) is None:
                yield group, round_
        level += 1


class _Slot:
    """One decoded input's output, filled when its batch comes back; later steps hold it."""

    __slots__ = ("value",)

    def __init__(self):
        self.value: Scored | None = None


@dataclass
class _Chunk:
    index: int
    start: int
    records: list
    replay: bool                              # committed by an earlier run: planned for its inputs only
    need: list[str] | None = None             # its inputs for its next round, once reported
    lines: list[str] | None = None
    used: set[str] = field(default_factory=set)

    @property
    def answered(self) -> bool:
        return self.need is not None or self.lines is not None


@dataclass
class _Step:
    group: int
    round: int
    chunks: list[_Chunk]                                       # those with inputs in this round
    texts: list[str]                                           # unique inputs, in order
    values: dict[str, Scored]                                  # from the memory when formed
    borrowed: dict[str, _Slot]                                 # decoded by earlier steps
    slots: dict[str, _Slot]                                    # decoded by this step
    pending: int = 0                                           # batches not back yet


@dataclass
class _Group:
    chunks: list[_Chunk]
    tokens: dict[str, int] = field(default_factory=dict)
    decoded: dict[str, Scored] = field(default_factory=dict)   # input -> model output decoded by its steps
    formed: int = 0                                            # rounds formed
    finished: int = 0                                          # rounds back and fed to the planners

    def rounds(self) -> int | None:
        """How many rounds it has, once every chunk answered its last feed without more inputs."""
        if self.finished == self.formed and all(c.lines is not None for c in self.chunks):
            return self.formed
        return None


class Feeder:
    """Run ``work`` (a :class:`koen.archive.job.ChunkWork`) with ``planners`` and ``decoder``."""

    def __init__(self, work, planners, decoder, options: FeedOptions):
        self.work = work
        self.planners = planners
        self.decoder = decoder
        self.options = options
        self.events: queue.Queue = planners.events
        self.seen: dict[str, _Slot] = {}          # normalised input -> its output, decoded by a step this run
        self.hits = self.misses = 0
        self.batches = self.batched = 0           # decoder calls, inputs in them
        self.written: set[str] = set()
        self.in_flight: deque[_Step] = deque()    # formed steps, in order, not yet fed back
        self.steps: dict[tuple[int, int], _Step] = {}
        self.keeps = work.memory.memory.writable  # committed entries can be found in the memory again

    def run(self) -> None:
        work = self.work
        chunks = [_Chunk(i, start, records, start < work.done) for i, (start, records) in enumerate(work.chunks)]
        groups = [_Group([chunks[i] for i in indices]) for indices in decode_groups(work.chunks, self.options)]
        first = next((g for g, group in enumerate(groups) if any(not c.replay for c in group.chunks)), len(groups))
        if first == len(groups):
            return
        if groups[first].chunks[0].replay:
            self.written = work.written_since(groups[first].chunks[0].start)
        self.groups, self.first, self.dispatched = groups, first, first
        self.next_commit = next(c for c in groups[first].chunks if not c.replay).index
        self.by_key = {c.start: c for group in groups[first:] for c in group.chunks}
        self.group_of = {c.start: g for g, group in enumerate(groups) for c in group.chunks}
        self.order = step_order(len(groups) - first, lambda g: groups[first + g].rounds())
        self.next_step = self._next_step()
        self._dispatch()
        while self.next_commit is not None:
            # Commits (SQLite and fsync) wait while planners or the decoder have news: the model's
            # next batches and the planners' next rounds come first.
            if self.events.empty() and self._commit_ready():
                continue
            self._handle(self.events.get())
            self._advance()

    def _next_step(self) -> tuple[int, int] | None:
        step = next(self.order, None)
        return None if step is None else (step[0] + self.first, step[1])

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
            self.by_key[key].need = texts
            self.groups[self.group_of[key]].tokens.update(zip(texts, tokens))
        elif kind == "done":
            _, key, lines = event
            self.by_key[key].lines = lines
        elif kind == "decoded":
            _, (group, round_, _), texts, outputs = event
            step = self.steps[(group, round_)]
            for text, scored in zip(texts, outputs):
                step.slots[text].value = scored
            step.pending -= 1
            while self.in_flight and self.in_flight[0].pending == 0:
                self._finish(self.in_flight.popleft())

    def _dispatch(self) -> None:
        """Plan the groups up to ``LOOKAHEAD`` beyond the one whose first round comes next."""
        upcoming = sum(self.next_step) - 1 if self.next_step else len(self.groups)
        while self.dispatched < min(len(self.groups), upcoming + 1 + LOOKAHEAD):
            for chunk in self.groups[self.dispatched].chunks:
                self.planners.plan(chunk.index, chunk.start, chunk.records)
            self.dispatched += 1

    def _advance(self) -> None:
        """Form the steps that can be formed, in order."""
        while self.next_step is not None:
            group_index, round_ = self.next_step
            group = self.groups[group_index]
            if group.finished < round_ - 1 or not all(c.answered for c in group.chunks):
                return
            if group.formed < round_:
                active = [c for c in group.chunks if c.lines is None]
                if not active:              # its rounds are over: the order moves past it
                    self.next_step = self._next_step()
                    continue
                self._form(group_index, round_, group, active)
            self.next_step = self._next_step()
            self._dispatch()

    def _form(self, group_index: int, round_: int, group: _Group, active: list[_Chunk]) -> None:
        texts = list(dict.fromkeys(text for chunk in active for text in chunk.need))
        borrowed: dict[str, _Slot] = {}
        lookup = []
        for text in texts:
            key = normalise(text)
            slot = self.seen.get(key)
            if slot is not None:
                borrowed[text] = slot
            elif group_index != self.first or key not in self.written:
                lookup.append(text)
        values = {text: Scored(translation, confidence, Origin.MEMORY)
                  for text, (translation, confidence) in self.work.memory.get_scored(lookup).items()}
        unknown = [text for text in texts if text not in values and text not in borrowed]
        slots = {text: _Slot() for text in unknown}
        for text, slot in slots.items():
            self.seen.setdefault(normalise(text), slot)
        self.hits += len(values) + len(borrowed)
        self.misses += len(unknown)
        batches = self.options.batches(unknown, group.tokens) if unknown else []
        step = _Step(group_index, round_, active, texts, values, borrowed, slots, len(batches))
        group.formed = round_
        self.steps[(group_index, round_)] = step
        self.in_flight.append(step)
        for number, batch in enumerate(batches):
            self.batches += 1
            self.batched += len(batch)
            self.decoder.submit((group_index, round_, number), batch)
        while self.in_flight and self.in_flight[0].pending == 0:
            self._finish(self.in_flight.popleft())

    def _finish(self, step: _Step) -> None:
        """A step's batches and those of every step before it are back: feed its chunks."""
        del self.steps[(step.group, step.round)]
        group = self.groups[step.group]
        values = {**step.values, **{text: slot.value for text, slot in step.borrowed.items()},
                  **{text: slot.value for text, slot in step.slots.items()}}
        for text in step.texts:             # the round's order, not the order batches came back in
            if text in step.slots and values[text].origin is Origin.MODEL:
                group.decoded.setdefault(text, values[text])
        group.finished = step.round
        for chunk in step.chunks:
            need, chunk.need = chunk.need, None
            chunk.used.update(need)
            self.planners.feed(chunk.index, chunk.start, {text: values[text] for text in need})

    def _commit_ready(self) -> bool:
        """Commit the next chunks in record order whose lines are back (up to ``COMMIT_CHUNKS``, in
        one transaction), each with the memory entries of the inputs it used that its group
        decoded; whether any was committed."""
        ready = []
        while self.next_commit is not None and len(ready) < COMMIT_CHUNKS:
            chunk = self.by_key[self.work.chunks[self.next_commit][0]]
            if chunk.lines is None:
                break
            ready.append(chunk)
            self.next_commit = chunk.index + 1 if chunk.index + 1 < len(self.work.chunks) else None
        if not ready:
            return False
        commits = []
        for chunk in ready:
            group = self.groups[self.group_of[chunk.start]]
            made = {text: group.decoded[text] for text in sorted(chunk.used) if text in group.decoded}
            commits.append(ChunkCommit(chunk.start, chunk.records, chunk.lines, made, group.chunks[0].start))
        self.work.commit(commits)
        for chunk in ready:
            chunk.lines = []                # committed: its lines are in the file now
            group = self.groups[self.group_of[chunk.start]]
            if chunk is group.chunks[-1]:
                self._forget(group)
        return True

    def _forget(self, group: _Group) -> None:
        """The whole group is in the memory now: later steps find its inputs there instead."""
        if self.keeps:
            for text in group.decoded:
                key = normalise(text)
                slot = self.seen.get(key)
                if slot is not None and slot.value is not None and slot.value.origin is Origin.MODEL:
                    del self.seen[key]
        group.decoded, group.tokens = {}, {}


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
    """Chunks' stages in forked worker processes, each chunk on the worker with the least source
    text planned but not yet answered (which also lets a worker slowed by the machine take less).

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
        self.owner: dict[int, int] = {}          # chunk key -> the worker holding its stages
        self.planning: dict[int, int] = {}       # chunk key -> its characters, planned, not answered
        self.load = [0] * count                   # characters each worker has planned, not answered
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def plan(self, index: int, key: int, records: list) -> None:
        size = source_chars(records) + 1
        with self.lock:
            worker = min(range(len(self.load)), key=self.load.__getitem__)
            self.owner[key], self.planning[key] = worker, size
            self.load[worker] += size
        self.connections[worker].send(("plan", key, records))

    def feed(self, index: int, key: int, values: dict) -> None:
        self.connections[self.owner[key]].send(("feed", key, values))

    def _answered(self, event: tuple) -> None:
        if event[0] not in ("need", "done"):
            return
        key = event[1]
        with self.lock:
            size = self.planning.pop(key, 0)
            if size:
                self.load[self.owner[key]] -= size
            if event[0] == "done":
                self.owner.pop(key, None)

    def _read(self) -> None:
        open_connections = list(self.connections)
        while open_connections:
            try:
                ready = multiprocessing.connection.wait(open_connections)
            except (OSError, ValueError):       # closed under it: only ever by close()
                return
            for connection in ready:
                try:
                    event = connection.recv()
                    self._answered(event)
                    self.events.put(event)
                except (EOFError, OSError):
                    open_connections.remove(connection)
                    if not getattr(self, "closing", False):
                        self.events.put(("error", None, RuntimeError("a planning process ended unexpectedly")))
                except BaseException as error:  # the job's thread raises it (it would wait forever)
                    self.events.put(("error", "planners", error))
                    return

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
        self.reader.join(timeout=5)      # it ends once it has read every worker's end of file
        for connection in self.connections:
            connection.close()


def _planner_main(connection, not_ours: list, parent: int, make_stages: Callable, count_tokens: Callable) -> None:
    _die_with(parent)
    # What the job loaded before the fork (Kiwi, the glossary, the tokenizer) lives as long as
    # this process: kept out of its garbage collections, which would walk it every time (and
    # copy the pages they touch).
    gc.freeze()
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
