"""A SQLite translation memory: model input segment → model output, per model identity.

A segment is keyed by its normalised text (Unicode NFC, whitespace runs collapsed, ends trimmed)
under a *model identity*: the backend's provenance (backend, model, revision, device, precision,
beam size), the generation options and the glossary's sha256. The keys are the exact strings the
model sees, after glossary and number substitution, so one memory can serve any archive, date or
glossary without mixing them up. Boilerplate repeated across press releases is translated once.

Writes join the caller's open transaction when there is one (the archive job commits memory and
finished records together, which is what makes a killed run resume to identical output), and
commit on their own otherwise.

Schema 2 adds the model's confidence and a date to machine segments, and a ``human`` table:
editors' translations keyed by the Korean *span* as the editor saw it (normalised the same way),
with who, when, and the machine English they replaced. Every change of a span's review state is
a compare-and-set on its ``revision`` inside one transaction, so two editors approving the same
span at once cannot both win, and a process killed mid-approval leaves the old state intact.
A schema-1 file is upgraded in place on open.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import re
import sqlite3
import stat
import unicodedata
import urllib.parse
from pathlib import Path
from dataclasses import dataclass
from typing import Iterable, Iterator

from .errors import KoenError, disk_full_message, is_disk_full

SCHEMA_VERSION = "2"
READABLE_SCHEMAS = ("1", SCHEMA_VERSION)   # schema 1 is upgraded on a writable open, read as it is otherwise
_SPACE_RE = re.compile(r"\s+")
_QUERY_CHUNK = 500


def _check_file(path: Path, must_exist: bool) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if must_exist:
            raise KoenError(f"{path}: no translation memory there (a mistyped path? `koen memory init {path}` "
                            f"creates an empty one)") from None
        return
    except OSError as exc:
        raise KoenError(f"{path}: cannot use as a translation memory ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise KoenError(f"{path}: is not a regular file, expected a translation memory")


def _check_tables(connection: sqlite3.Connection, path: Path, empty_ok: bool) -> None:
    """Refuse a database that is not a koen memory before writing anything to it."""
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and empty_ok:
        return
    schema = None
    if "meta" in tables:
        with contextlib.suppress(sqlite3.Error):
            schema = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if schema is None:
        held = f"it holds {', '.join(sorted(tables))}" if tables else "it is empty"
        connection.close()
        raise KoenError(f"{path}: not a koen translation memory ({held}); nothing was written to it")


def _database_error(path: Path, exc: sqlite3.DatabaseError) -> KoenError:
    if is_disk_full(exc):
        return KoenError(disk_full_message(path))
    return KoenError(f"{path}: not a usable translation memory ({exc})")


def normalise(text: str) -> str:
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def model_identity(provenance: dict, options: dict | None = None) -> dict:
    """What determines a model's output for an input: everything in the backend's provenance
    except where koen itself comes from, plus the generation options and the glossary hash."""
    identity = {key: value for key, value in provenance.items() if key != "koen_version"}
    if options:
        identity["options"] = options
    return identity


def identity_key(identity: dict) -> str:
    return hashlib.sha256(json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


class TranslationMemory:
    """``TranslationMemory(path)`` opens a koen memory for use, creating it when ``create`` and the
    file is missing (or empty); ``read_only(path)`` opens an existing one for lookups only, on a
    read-only file or folder too, and writes nothing. A file that is not a koen memory (another
    application's SQLite database) is refused before anything is written to it."""

    writable = True

    def __init__(self, path: str | Path, create: bool = True):
        self.path = Path(path)
        _check_file(self.path, must_exist=not create)
        try:
            self.connection = sqlite3.connect(str(self.path), isolation_level=None, timeout=60)
            self.connection.execute("PRAGMA journal_mode=DELETE")    # atomic commits across ATTACHed files
            _check_tables(self.connection, self.path, empty_ok=create)
            self._create()
        except sqlite3.DatabaseError as exc:
            raise _database_error(self.path, exc) from None

    def _create(self) -> None:
        with self.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.connection.execute("CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, "
                                    "key TEXT UNIQUE NOT NULL, identity TEXT NOT NULL)")
            row = self.connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] not in READABLE_SCHEMAS:
                raise KoenError(f"{self.path}: translation memory schema {row[0]}, this koen reads {SCHEMA_VERSION}")
            self.connection.execute("CREATE TABLE IF NOT EXISTS segments (model INTEGER NOT NULL, source TEXT NOT NULL, "
                                    "translation TEXT NOT NULL, confidence REAL, created TEXT, "
                                    "PRIMARY KEY (model, source)) WITHOUT ROWID")
            if row is not None and row[0] == "1":          # upgrade in place: old segments keep no score
                self.connection.execute("ALTER TABLE segments ADD COLUMN confidence REAL")
                self.connection.execute("ALTER TABLE segments ADD COLUMN created TEXT")
            self.connection.execute("CREATE TABLE IF NOT EXISTS human (source TEXT PRIMARY KEY, english TEXT, "
                                    "state TEXT NOT NULL, revision INTEGER NOT NULL, editor TEXT NOT NULL, "
                                    "at TEXT NOT NULL, machine TEXT) WITHOUT ROWID")
            self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit; nested use joins the outer transaction. A full disk is one KoenError
        (SQLite has rolled back already: nothing of the unit is kept, nothing before it is lost)."""
        if self.connection.in_transaction:
            yield self.connection
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                if self.connection.in_transaction:    # SQLite may have rolled back on its own (disk full)
                    with contextlib.suppress(sqlite3.Error):
                        self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self.connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
            if is_disk_full(exc):
                raise KoenError(disk_full_message(self.path)) from None
            raise

    @classmethod
    def read_only(cls, path: str | Path) -> "TranslationMemory":
        """An existing memory opened for lookups only (a missing or foreign file is a KoenError);
        nothing is written, so a read-only file or folder serves."""
        memory = cls.__new__(cls)
        memory.path = Path(path)
        memory.writable = False
        _check_file(memory.path, must_exist=True)
        uri = "file:" + urllib.parse.quote(str(memory.path.resolve())) + "?mode=ro"
        try:
            memory.connection = sqlite3.connect(uri, uri=True, isolation_level=None)
            _check_tables(memory.connection, memory.path, empty_ok=False)
            row = memory.connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise _database_error(memory.path, exc) from None
        if row is None or row[0] not in READABLE_SCHEMAS:
            raise KoenError(f"{memory.path}: translation memory schema {row[0] if row else '?'}, "
                            f"this koen reads {SCHEMA_VERSION}")
        return memory

    @classmethod
    def for_use(cls, path: str | Path) -> "TranslationMemory":
        """An existing memory: read-write where the file and its folder can be written (new segments
        are stored), read-only otherwise (``writable`` is False, nothing is stored)."""
        path = Path(path)
        _check_file(path, must_exist=True)
        folder = path.parent if str(path.parent) else Path(".")
        if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
            return cls(path, create=False)
        return cls.read_only(path)

    def translations_of(self, text: str) -> list[tuple[str, dict]]:
        """Every stored translation of ``text`` (normalised), with the identity of the model that made it."""
        rows = self.connection.execute(
            "SELECT s.translation, m.identity FROM segments s JOIN models m ON m.id = s.model WHERE s.source = ? "
            "ORDER BY m.id", (normalise(text),))
        return [(translation, json.loads(identity)) for translation, identity in rows]

    def bind(self, identity: dict) -> "BoundMemory":
        key = identity_key(identity)
        if not self.writable:
            row = self.connection.execute("SELECT id FROM models WHERE key = ?", (key,)).fetchone()
            return BoundMemory(self, row[0] if row else -1)
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO models (key, identity) VALUES (?, ?)",
                       (key, json.dumps(identity, sort_keys=True, ensure_ascii=False)))
            model = db.execute("SELECT id FROM models WHERE key = ?", (key,)).fetchone()[0]
        return BoundMemory(self, model)

    def stats(self) -> dict:
        models = self.connection.execute("SELECT COUNT(*) FROM models").fetchone()[0]
        segments = self.connection.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        return {"models": models, "segments": segments}

    def approved_count(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM human WHERE state = 'approved'").fetchone()[0]

    # -- editors' translations (mt.human.HumanTranslations) ----------------------------------------

    def human_translations(self, spans: Iterable[str]) -> dict[str, str]:
        """Approved English for those of ``spans`` an editor translated, keyed by the span as given."""
        return {span: review.english for span, review in self.reviews(spans).items()
                if review.state == APPROVED and review.english}

    def reviews(self, spans: Iterable[str]) -> dict[str, "Review"]:
        by_key: dict[str, list[str]] = {}
        for span in spans:
            by_key.setdefault(normalise(span), []).append(span)
        found: dict[str, Review] = {}
        keys = list(by_key)
        for start in range(0, len(keys), _QUERY_CHUNK):
            chunk = keys[start:start + _QUERY_CHUNK]
            rows = self.connection.execute(f"SELECT {_REVIEW_COLUMNS} FROM human WHERE source IN "
                                           f"({','.join('?' * len(chunk))})", chunk)
            for row in rows:
                for span in by_key[row[0]]:
                    found[span] = Review(*row)
        return found

    def review(self, span: str) -> "Review":
        return self.reviews([span]).get(span) or Review(normalise(span), None, UNREVIEWED, 0, "", "", None)

    def set_review(self, span: str, state: str, english: str | None, editor: str, machine: str | None,
                   expected_revision: int, at: str | None = None) -> "Review":
        """Compare-and-set: change the span's review state only if it is still at ``expected_revision``."""
        key = normalise(span)
        stamp = at or datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as db:
            row = db.execute("SELECT revision FROM human WHERE source = ?", (key,)).fetchone()
            current = row[0] if row else 0
            if current != expected_revision:
                raise ReviewConflict(key, current)
            db.execute("INSERT OR REPLACE INTO human (source, english, state, revision, editor, at, machine) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", (key, english, state, current + 1, editor, stamp, machine))
        return Review(key, english, state, current + 1, editor, stamp, machine)

    def all_reviews(self) -> list["Review"]:
        return [Review(*row) for row in self.connection.execute(f"SELECT {_REVIEW_COLUMNS} FROM human ORDER BY source")]

    def machine_segments(self) -> Iterator[tuple[str, str, float | None, str | None, str]]:
        """(source, translation, confidence, created, model identity JSON) of every machine segment."""
        yield from self.connection.execute("SELECT s.source, s.translation, s.confidence, s.created, m.identity "
                                           "FROM segments s JOIN models m ON m.id = s.model ORDER BY m.id, s.source")

    def close(self) -> None:
        self.connection.close()


UNREVIEWED, APPROVED, REJECTED = "unreviewed", "approved", "rejected"
_REVIEW_COLUMNS = "source, english, state, revision, editor, at, machine"


@dataclass(frozen=True)
class Review:
    """An editor's decision on one Korean span: ``approved`` with their English, or ``rejected``
    (the machine English stays); ``revision`` counts the changes (0: never reviewed)."""

    source: str
    english: str | None
    state: str
    revision: int
    editor: str
    at: str
    machine: str | None


class ReviewConflict(KoenError):
    """Someone changed the span's review state since the caller read it."""

    def __init__(self, source: str, current_revision: int):
        super().__init__(f"conflict: span {source!r} was reviewed by someone else meanwhile "
                         f"(now at revision {current_revision}); reload and review it again", exit_code=4)
        self.current_revision = current_revision


class BoundMemory:
    """The memory seen by one model identity: what ``Pipeline(memory=...)`` takes."""

    def __init__(self, memory: TranslationMemory, model: int):
        self.memory = memory
        self.model = model
        self.hits = 0
        self.misses = 0

    def get_many(self, texts: Iterable[str]) -> dict[str, str]:
        return {text: translation for text, (translation, _) in self.get_scored(texts).items()}

    def get_scored(self, texts: Iterable[str]) -> dict[str, tuple[str, float | None]]:
        texts = list(texts)
        by_key: dict[str, list[str]] = {}
        for text in texts:
            by_key.setdefault(normalise(text), []).append(text)
        keys = list(by_key)
        found: dict[str, tuple[str, float | None]] = {}
        for start in range(0, len(keys), _QUERY_CHUNK):
            chunk = keys[start:start + _QUERY_CHUNK]
            rows = self.memory.connection.execute(
                f"SELECT source, translation, confidence FROM segments WHERE model = ? "
                f"AND source IN ({','.join('?' * len(chunk))})", (self.model, *chunk))
            for source, translation, confidence in rows:
                for text in by_key[source]:
                    found[text] = (translation, confidence)
        self.hits += len(found)
        self.misses += len(texts) - len(found)
        return found

    def put_many(self, mapping: dict[str, str], confidences: dict[str, float | None] | None = None) -> None:
        # A date only (not a time): what a rerun writes must not depend on the clock's seconds.
        today = datetime.date.today().isoformat()
        if not self.memory.writable:
            return
        with self.memory.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO segments (model, source, translation, confidence, created) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [(self.model, normalise(source), target, (confidences or {}).get(source), today)
                            for source, target in mapping.items()])
