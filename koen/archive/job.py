"""The resumable archive job: scan → translate in fixed chunks → commit → append → render.

Crash safety rests on one rule: a chunk's new memory entries and its finished records are
committed in ONE SQLite transaction (the job's state file is ATTACHed to the memory database,
and SQLite commits attached files atomically); consecutive chunks whose lines are back together
share one. The model decodes batches formed across the chunks of a decode group
(koen/archive/feed.py); the batches depend only on record order, the batch options and the
memory as it was before the job, and chunk boundaries depend only on
record order, so a run killed at any moment and started again produces exactly the bytes an
uninterrupted run would. ``records.jsonl`` is derived from the committed records: a torn last line is cut off and
missing lines are appended. Rendered files and the summary are written atomically at the end.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from mt.archive.base import STATE_FILE, ArchiveReader, Record, Scan, require_records
from mt.backends import Backend
from mt.errors import KoenError, disk_full_is_an_error
from mt.memory import BoundMemory, TranslationMemory, normalise
from mt.pipeline import Pipeline
from mt.results import RunSummary
from mt.terms import TermFinder
from mt.textio import atomic_writer

from ..compose import with_memory
from .chunks import ApprovedSnapshot, chunk_stages, warm_up
from .feed import (ChunkCommit, FeedOptions, Feeder, InlineDecoder, InlinePlanners, ProcessPlanners, ThreadDecoder, planner_count,
                   run_feeder)
from .identity import fingerprint as job_fingerprint, what_changed
from .lock import OutdirLock, attach_state, check_records, prepare_outdir
from . import MEMORY_FILE, RECORDS_FILE, RENDERED_DIR, SUMMARY_FILE
from .review import apply_approvals, stored_records



@dataclass
class JobOptions:
    chunk_records: int = 16
    skip_bad: bool = False
    redo: bool = False
    default_date: datetime.date | None = None
    planners: int | None = None         # planning processes; None: one per core; 0: serial (feed.py)


@dataclass
class JobReport:
    records: int                      # good records in the archive
    translated_now: int               # records translated by this run
    resumed_from: int                 # records already done when this run started
    skipped: int
    memory_hits: int = 0
    memory_misses: int = 0
    model_loaded: bool = False
    approved_now: int = 0             # finished records re-rendered with editors' translations
    untranslated_spans: int = 0       # Korean spans left as they are in the whole output (--backend none)
    batches: tuple[int, int] = (0, 0)  # decoder batches this run, inputs in them
    outputs: list[Path] = field(default_factory=list)


# -- engine seam (issues 13, 19) -------------------------------------------------------------------
# The job hands its chunks to an engine: ``engine.run(work)`` must call ``work.commit`` for every
# pending chunk, in order, with the lines ``work.stages`` makes when fed the outputs of batches
# formed as koen/archive/feed.py forms them (the local engine runs that feeder here, the Ray
# engine with planners and decoders on its workers). ``engine.summary()`` adds keys to summary.json.

@dataclass
class ChunkWork:
    pipeline: Pipeline                  # the job's pipeline around the model backend (no memory around it)
    memory: BoundMemory                 # the job's memory, bound to the model identity
    chunks: list[tuple[int, list[Record]]]        # every chunk from the first record: (its first seq, records)
    done: int                           # records committed before this run
    commit: Callable                    # commit([ChunkCommit, ...]): consecutive chunks in one transaction
    stages: Callable                    # stages(pipeline, records): koen.archive.chunks.chunk_stages
    written_since: Callable             # written_since(seq): normalised inputs committed by chunks from seq on
    feed: FeedOptions = field(default_factory=FeedOptions)
    planners: int = 0                   # planning processes (0: plan and decode in turn, in this thread)
    bar: object = None                  # the progress bar, or None
    provenance: dict = field(default_factory=dict)      # what every record's provenance says
    default_date: datetime.date | None = None


def run_locally(work: ChunkWork) -> Feeder:
    """Plan in ``work.planners`` processes while a thread decodes (or both in turn, in this thread)."""
    backend = work.pipeline.backend

    def make_stages(records):
        return work.stages(work.pipeline, records)

    if work.planners:
        warm_up(work.pipeline)            # before forking, so every planning process shares what it loaded
        planners = ProcessPlanners(work.planners, make_stages, backend.count_tokens)
        decoder = ThreadDecoder(backend, planners.events)
    else:
        planners = InlinePlanners(make_stages, backend.count_tokens)
        decoder = InlineDecoder(backend, planners.events)
    return run_feeder(work, planners, decoder)


class ArchiveJob:
    """Translate every record of ``reader`` into ``outdir``.

    ``make_backend()`` loads the model backend; it is called only when some record is left to
    translate. ``terms`` is the glossary's term finder (or None). ``settings`` names everything that decides the output (model, backend,
    options, glossary hash): a different value refuses to resume an existing ``outdir``.
    """

    def __init__(self, reader: ArchiveReader, outdir: str | Path, make_backend: Callable[[], Backend],
                 settings: dict, terms: TermFinder | None = None, memory_path: str | Path | None = None,
                 options: JobOptions = JobOptions(), warn: Callable[[str], None] | None = None,
                 progress: Callable | None = None, engine=None):
        self.reader = reader
        self.outdir = Path(outdir)
        self.make_backend = make_backend
        self.terms = terms
        self.settings = settings
        self.memory_path = Path(memory_path) if memory_path else self.outdir / MEMORY_FILE
        self.options = options
        self.warn = warn or (lambda message: print(f"koen: {message}", file=sys.stderr))
        self.progress = progress
        self.engine = engine              # None: translate here (see ChunkWork)
        self._rows: dict[int, dict] = {}  # seq -> its record parsed, for those this run committed

    # -- the run -------------------------------------------------------------------------------

    def run(self) -> JobReport:
        scan = self.reader.scan()
        require_records(scan, str(getattr(self.reader, "path", "input")), self.options.skip_bad, self.warn)
        prepare_outdir(self.outdir, self.memory_path)
        with OutdirLock(self.outdir):
            memory = TranslationMemory(self.memory_path)
            try:
                return self._run(scan, memory)
            finally:
                memory.close()

    def _run(self, scan: Scan, memory: TranslationMemory) -> JobReport:
        db = memory.connection
        attach_state(db, self.outdir / STATE_FILE)
        identity = self._identity(scan)
        fingerprint = job_fingerprint(identity)
        with memory.transaction():
            db.execute("CREATE TABLE IF NOT EXISTS job.state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("CREATE TABLE IF NOT EXISTS job.records (seq INTEGER PRIMARY KEY, position INTEGER NOT NULL, "
                       "line TEXT NOT NULL)")
            # Model inputs each committed chunk decoded in its decode group (see koen/archive/feed.py).
            db.execute("CREATE TABLE IF NOT EXISTS job.written (seq INTEGER NOT NULL, source TEXT NOT NULL, "
                       "PRIMARY KEY (seq, source))")
            row = db.execute("SELECT value FROM job.state WHERE key = 'fingerprint'").fetchone()
            # A job that finished no record (e.g. its model failed to load) holds nothing to keep: replaced.
            finished_any = db.execute("SELECT COUNT(*) FROM job.records").fetchone()[0] > 0
            if row and row[0] != fingerprint and not self.options.redo and finished_any:
                raise KoenError(f"{self.outdir}: holds the output of a different job ({self._stored_change(db, identity)}); "
                                f"use another output folder or --redo to start it over")
            if self.options.redo or not row or row[0] != fingerprint:
                db.execute("DELETE FROM job.records")
                db.execute("DELETE FROM job.written")
                db.execute("INSERT OR REPLACE INTO job.state VALUES ('fingerprint', ?)", (fingerprint,))
                db.execute("INSERT OR REPLACE INTO job.state VALUES ('identity', ?)",
                           (json.dumps(identity, sort_keys=True, default=str),))
        records_path = self.outdir / RECORDS_FILE
        if self.options.redo:
            records_path.unlink(missing_ok=True)
        done = db.execute("SELECT COUNT(*) FROM job.records").fetchone()[0]
        committed = [line for (line,) in db.execute("SELECT line FROM job.records ORDER BY seq")]
        stored_records(committed, self.outdir / STATE_FILE)      # damaged state never reaches records.jsonl
        self._sync_records_file(records_path, committed)
        report = JobReport(len(scan.records), 0, done, len(scan.bad))
        report.approved_now = self._apply_approvals(memory, records_path)
        pending = scan.records[done:]
        if pending:
            self._translate(scan.records, done, memory, records_path, report)
        report.outputs, summary = self._finish(scan, db)
        report.untranslated_spans = summary["untranslated_spans"]
        return report

    def _translate(self, records: list[Record], done: int, memory: TranslationMemory, records_path: Path,
                   report: JobReport) -> None:
        model = self.make_backend()
        report.model_loaded = True
        bound = with_memory(model, memory, self.terms.fingerprint if self.terms else None).memory
        pipeline = Pipeline(model, terms=self.terms, humans=ApprovedSnapshot.of(memory))
        provenance = Pipeline(model, terms=self.terms).provenance()
        bar = self.progress(len(records), done) if self.progress else None
        size = max(1, self.options.chunk_records)
        db = memory.connection

        def commit(commits: list[ChunkCommit]) -> None:
            with memory.transaction():
                for start, chunk, lines, made, group_start in commits:
                    if made:
                        bound.put_many({text: scored.text for text, scored in made.items()},
                                       {text: scored.confidence for text, scored in made.items()})
                        db.executemany("INSERT OR IGNORE INTO job.written (seq, source) VALUES (?, ?)",
                                       [(start, normalise(text)) for text in made])
                    db.execute("DELETE FROM job.written WHERE seq < ?", (group_start,))
                    self._store(db, start, chunk, lines)
            self._append(records_path, [line for commit in commits for line in commit.lines])
            # Parsed now, while the decoder and planners work, instead of all at the end (_finish).
            for start, _, lines, _, _ in commits:
                for offset, row in enumerate(stored_records(lines, self.outdir / STATE_FILE, start + 1)):
                    self._rows[start + offset] = row
            records = sum(len(commit.records) for commit in commits)
            report.translated_now += records
            if bar is not None:
                bar.update(records)

        def written_since(seq: int) -> set[str]:
            return {source for (source,) in db.execute("SELECT source FROM job.written WHERE seq >= ?", (seq,))}

        def stages(chunk_pipeline, chunk):
            return chunk_stages(chunk_pipeline, chunk, provenance, self.options.default_date)

        planners = self.options.planners
        # The backend's own batching (the batches it decodes); a backend from outside koen that keeps
        # no ``options`` decodes the batches the command line asked for.
        options = getattr(model, "options", None)
        work = ChunkWork(pipeline, bound, [(start, records[start:start + size]) for start in range(0, len(records), size)],
                         done, commit, stages, written_since,
                         FeedOptions(getattr(options, "batch_size", self.settings.get("batch_size") or 32),
                                     getattr(options, "batch_tokens", self.settings.get("batch_tokens"))),
                         planner_count() if planners is None else planners, bar, provenance, self.options.default_date)
        try:
            feeder = (self.engine.run if self.engine is not None else run_locally)(work)
        finally:
            if bar is not None:
                bar.close()
        report.memory_hits, report.memory_misses = (feeder.hits, feeder.misses) if feeder else (bound.hits, bound.misses)
        report.batches = (feeder.batches, feeder.batched) if feeder else (0, 0)

    def _store(self, db, start: int, chunk: list[Record], lines: list[str]) -> None:
        """The chunk's finished records, inside its commit's transaction."""
        db.executemany("INSERT INTO job.records (seq, position, line) VALUES (?, ?, ?)",
                       [(start + i, record.position, line) for i, (record, line) in enumerate(zip(chunk, lines))])

    def _apply_approvals(self, memory: TranslationMemory, records_path: Path) -> int:
        """Finished records holding a span an editor approved since are patched in place (no model
        call), in one transaction; every other record keeps its bytes."""
        db = memory.connection
        stored = db.execute("SELECT seq, line FROM job.records ORDER BY seq").fetchall()
        changed = apply_approvals(stored_records([line for _, line in stored], self.outdir / STATE_FILE), memory)
        if not changed:
            return 0
        lines = [line for _, line in stored]
        for index, row in changed.items():
            lines[index] = json.dumps(row, ensure_ascii=False) + "\n"
        with memory.transaction():
            db.executemany("UPDATE job.records SET line = ? WHERE seq = ?",
                           [(lines[index], stored[index][0]) for index in changed])
        with atomic_writer(records_path, "wb") as handle:
            handle.write("".join(lines).encode("utf-8"))
        return len(changed)

    # -- files -----------------------------------------------------------------------------------

    def _sync_records_file(self, path: Path, committed: list[str]) -> None:
        """Make records.jsonl hold exactly the committed records (a kill may have torn it)."""
        expected = [line.encode("utf-8") for line in committed]
        data = path.read_bytes() if path.exists() else b""
        present = data[:data.rfind(b"\n") + 1].splitlines(keepends=True) if data else []
        if len(present) <= len(expected) and present == expected[:len(present)]:
            with disk_full_is_an_error(path), open(path, "ab") as handle:
                handle.truncate(sum(len(line) for line in present))
                handle.write(b"".join(expected[len(present):]))
                handle.flush()
                os.fsync(handle.fileno())
        else:
            self.warn(f"{path}: did not match the job's committed records; rewritten from them")
            with atomic_writer(path, "wb") as handle:
                handle.write(b"".join(expected))

    def _append(self, path: Path, lines: list[str]) -> None:
        data = "".join(lines).encode("utf-8")
        with disk_full_is_an_error(path), open(path, "ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_writer(path, "wb") as handle:      # it removes temporaries a killed run left behind
            handle.write(data)

    def _finish(self, scan: Scan, db) -> tuple[list[Path], dict]:
        stored = db.execute("SELECT seq, line FROM job.records ORDER BY seq").fetchall()
        committed = [line for _, line in stored]
        check_records(self.outdir / RECORDS_FILE, committed, len(scan.records))
        earlier = [line for seq, line in stored if seq not in self._rows]
        parsed = iter(stored_records(earlier, self.outdir / STATE_FILE))
        rows = [self._rows[seq] if seq in self._rows else next(parsed) for seq, _ in stored]
        translations = {record.position: row["translation"] for record, row in zip(scan.records, rows)}
        outputs = []
        # Readers that write documents with a review state (XLIFF) also get each record's audits.
        audits = {"audits": {record.position: row["audit"] for record, row in zip(scan.records, rows)}} \
            if getattr(self.reader, "wants_audits", False) else {}
        for rendered in self.reader.render(scan, translations, **audits):
            target = self.outdir / RENDERED_DIR / rendered.path
            self._write(target, rendered.data)
            outputs.append(target)
        summary = _summarize(rows, scan, self.reader.describe())
        if self.engine is not None:
            summary.update(self.engine.summary())
        target = self.outdir / SUMMARY_FILE
        self._write(target, (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return [self.outdir / RECORDS_FILE, *outputs, target], summary

    def _identity(self, scan: Scan) -> dict:
        return {"input": scan.fingerprint, "reader": self.reader.describe(), "settings": self.settings,
                "skipped": [bad.position for bad in scan.bad], "chunk_records": self.options.chunk_records,
                "default_date": self.options.default_date.isoformat() if self.options.default_date else None}

    @staticmethod
    def _stored_change(db, identity: dict) -> str:
        """What differs from the job the folder holds (its identity is kept since koen 0.1)."""
        row = db.execute("SELECT value FROM job.state WHERE key = 'identity'").fetchone()
        try:
            old = json.loads(row[0]) if row else None
        except ValueError:
            old = None
        return what_changed(old, identity)


def _summarize(rows: list[dict], scan: Scan, reader: dict) -> dict:
    totals = RunSummary.of(audit for row in rows for audits in row["audit"].values() for audit in audits)
    totals.lines = sum(text.count("\n") + (not text.endswith("\n")) for row in rows
                       for text in row["source"].values() if text)
    return {
        "input": reader, "records": len(rows),
        "skipped": [{"id": bad.id, "location": bad.location, "problem": bad.problem} for bad in scan.bad],
        **totals.as_dict(),
        "provenance": rows[0]["provenance"] if rows else None,
    }
