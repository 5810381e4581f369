"""The resumable archive job: scan → translate in fixed chunks → commit → append → render.

Crash safety rests on one rule: a chunk's new memory entries and its finished records are
committed in ONE SQLite transaction (the job's state file is ATTACHed to the memory database,
and SQLite commits attached files atomically). The output of a chunk depends only on its records
and on the memory as it was before the chunk, and chunk boundaries depend only on record order,
so a run killed at any moment and started again produces exactly the bytes an uninterrupted run
would. ``records.jsonl`` is derived from the committed records: a torn last line is cut off and
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
from mt.memory import BoundMemory, TranslationMemory
from mt.pipeline import Pipeline
from mt.results import RunSummary
from mt.terms import TermFinder
from mt.textio import atomic_writer, split_text_lines

from ..compose import with_memory
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
    outputs: list[Path] = field(default_factory=list)


# -- engine seam (issue 13) ------------------------------------------------------------------------
# The job hands its pending chunks to an engine: ``engine.run(work)`` must call ``work.commit`` for
# every chunk, in order, with a pipeline whose output equals ``work.pipeline``'s (the Ray engine
# serves model outputs it computed elsewhere). ``engine.summary()`` adds keys to summary.json.
# No engine means the local one below (koen/archive/engine.py: the engines and their protocol).

@dataclass
class ChunkWork:
    pipeline: Pipeline                  # the job's pipeline (a MemoryBackend around the model)
    memory: BoundMemory                 # the job's memory, bound to the model identity
    chunks: list[tuple[int, list[Record]]]        # (sequence number of the first record, records)
    commit: Callable                    # commit(pipeline, start, chunk): translate, store, append, count
    translate: Callable                 # translate(pipeline, chunk) -> record lines, nothing stored
    bar: object = None                  # the progress bar, or None


def run_locally(work: ChunkWork) -> None:
    for start, chunk in work.chunks:
        work.commit(work.pipeline, start, chunk)


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
            row = db.execute("SELECT value FROM job.state WHERE key = 'fingerprint'").fetchone()
            # A job that finished no record (e.g. its model failed to load) holds nothing to keep: replaced.
            finished_any = db.execute("SELECT COUNT(*) FROM job.records").fetchone()[0] > 0
            if row and row[0] != fingerprint and not self.options.redo and finished_any:
                raise KoenError(f"{self.outdir}: holds the output of a different job ({self._stored_change(db, identity)}); "
                                f"use another output folder or --redo to start it over")
            if self.options.redo or not row or row[0] != fingerprint:
                db.execute("DELETE FROM job.records")
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
        backend = with_memory(model, memory, self.terms.fingerprint if self.terms else None)
        bound = backend.memory
        pipeline = Pipeline(backend, terms=self.terms, humans=memory)
        provenance = pipeline.provenance()
        bar = self.progress(len(records), done) if self.progress else None
        size = max(1, self.options.chunk_records)

        def commit(chunk_pipeline, start: int, chunk: list[Record]) -> None:
            with memory.transaction() as db:
                lines = self._translate_chunk(chunk_pipeline, chunk, provenance)
                db.executemany("INSERT INTO job.records (seq, position, line) VALUES (?, ?, ?)",
                               [(start + i, record.position, line) for i, (record, line) in enumerate(zip(chunk, lines))])
            self._append(records_path, lines)
            report.translated_now += len(chunk)
            if bar is not None:
                bar.update(len(chunk))

        work = ChunkWork(pipeline, bound, [(start, records[start:start + size]) for start in range(done, len(records), size)],
                         commit, lambda chunk_pipeline, chunk: self._translate_chunk(chunk_pipeline, chunk, provenance), bar)
        try:
            (self.engine.run if self.engine is not None else run_locally)(work)
        finally:
            if bar is not None:
                bar.close()
        report.memory_hits, report.memory_misses = bound.hits, bound.misses

    def _translate_chunk(self, pipeline, chunk: list[Record], provenance: dict) -> list[str]:
        lines: list[str] = []
        dates: list[datetime.date | None] = []
        owners: list[tuple[int, str]] = []
        for index, record in enumerate(chunk):
            day = record.date or self.options.default_date
            for name, text in record.fields.items():
                for line in split_text_lines(text):
                    lines.append(line)
                    dates.append(day)
                    owners.append((index, name))
        results = pipeline.translate_lines(lines, dates=dates, chunk_size=max(1, len(lines))) if lines else []
        translated = [{name: "" for name in record.fields} for record in chunk]
        audits: list[dict[str, list]] = [{} for _ in chunk]
        warnings: list[list[str]] = [[] for _ in chunk]
        line_numbers: dict[tuple[int, str], int] = {}
        for (index, name), result in zip(owners, results):
            translated[index][name] += result.translation
            number = line_numbers[(index, name)] = line_numbers.get((index, name), 0) + 1
            audit = _stable_origins(result.audit())
            if any(span.span.translate for span in result.spans) or audit["warnings"]:
                del audit["source"], audit["translation"]
                audits[index].setdefault(name, []).append({"line": number, **audit})
            warnings[index].extend(f"{name} line {number}: {w.message}" for w in result.warnings)
        out = []
        for record, fields, audit, warned in zip(chunk, translated, audits, warnings):
            day = record.date or self.options.default_date
            out.append(json.dumps({
                "id": record.id, "location": record.location, "date": day.isoformat() if day else None,
                "meta": record.meta, "source": record.fields, "translation": fields, "audit": audit,
                "warnings": warned, "provenance": provenance,
            }, ensure_ascii=False) + "\n")
        return out

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
        committed = [line for (line,) in db.execute("SELECT line FROM job.records ORDER BY seq")]
        check_records(self.outdir / RECORDS_FILE, committed, len(scan.records))
        rows = stored_records(committed, self.outdir / STATE_FILE)
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


def _stable_origins(audit: dict) -> dict:
    """Records say ``model`` for machine English whether the model made it now or earlier (the
    machine memory holds exactly its output): a resumed, redone or shared-memory run must write
    the same bytes as one uninterrupted run. How many segments came from the memory is in the
    run's report instead."""
    for span in audit["spans"]:
        if span.get("origin") == "memory":
            span["origin"] = "model"
    return audit


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
