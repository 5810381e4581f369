"""A SQLite translation memory: model input segment → model output, per model identity.

A segment is keyed by its normalised text (Unicode NFC, whitespace runs collapsed, ends trimmed)
under a *model identity*: the backend's provenance (backend, model, revision, device, precision,
beam size), the generation options and the glossary's sha256. The keys are the exact strings the
model sees, after glossary and number substitution, so one memory can serve any archive, date or
glossary without mixing them up. Boilerplate repeated across press releases is translated once.

Writes join the caller's open transaction when there is one (the archive job commits memory and
finished records together, which is what makes a killed run resume to identical output), and
commit on their own otherwise.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from .errors import KoenError

SCHEMA_VERSION = "1"
_SPACE_RE = re.compile(r"\s+")
_QUERY_CHUNK = 500


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
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.connection = sqlite3.connect(str(self.path), isolation_level=None, timeout=60)
            self.connection.execute("PRAGMA journal_mode=DELETE")    # atomic commits across ATTACHed files
            self._create()
        except sqlite3.DatabaseError as exc:
            raise KoenError(f"{self.path}: not a usable translation memory ({exc})") from None

    def _create(self) -> None:
        with self.transaction():
            self.connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.connection.execute("CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, "
                                    "key TEXT UNIQUE NOT NULL, identity TEXT NOT NULL)")
            self.connection.execute("CREATE TABLE IF NOT EXISTS segments (model INTEGER NOT NULL, source TEXT NOT NULL, "
                                    "translation TEXT NOT NULL, PRIMARY KEY (model, source)) WITHOUT ROWID")
            row = self.connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self.connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise KoenError(f"{self.path}: translation memory schema {row[0]}, this koen reads {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit; nested use joins the outer transaction."""
        if self.connection.in_transaction:
            yield self.connection
            return
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    @classmethod
    def read_only(cls, path: str | Path) -> "TranslationMemory":
        """An existing memory opened for lookups only (a missing or foreign file is a KoenError)."""
        memory = cls.__new__(cls)
        memory.path = Path(path)
        try:
            memory.connection = sqlite3.connect(f"file:{memory.path}?mode=ro", uri=True, isolation_level=None)
            row = memory.connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise KoenError(f"{memory.path}: not a usable translation memory ({exc})") from None
        if row is None or row[0] != SCHEMA_VERSION:
            raise KoenError(f"{memory.path}: translation memory schema {row[0] if row else '?'}, "
                            f"this koen reads {SCHEMA_VERSION}")
        return memory

    def translations_of(self, text: str) -> list[tuple[str, dict]]:
        """Every stored translation of ``text`` (normalised), with the identity of the model that made it."""
        rows = self.connection.execute(
            "SELECT s.translation, m.identity FROM segments s JOIN models m ON m.id = s.model WHERE s.source = ? "
            "ORDER BY m.id", (normalise(text),))
        return [(translation, json.loads(identity)) for translation, identity in rows]

    def bind(self, identity: dict) -> "BoundMemory":
        key = identity_key(identity)
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO models (key, identity) VALUES (?, ?)",
                       (key, json.dumps(identity, sort_keys=True, ensure_ascii=False)))
            model = db.execute("SELECT id FROM models WHERE key = ?", (key,)).fetchone()[0]
        return BoundMemory(self, model)

    def stats(self) -> dict:
        models = self.connection.execute("SELECT COUNT(*) FROM models").fetchone()[0]
        segments = self.connection.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        return {"models": models, "segments": segments}

    def close(self) -> None:
        self.connection.close()


class BoundMemory:
    """The memory seen by one model identity: what ``Pipeline(memory=...)`` takes."""

    def __init__(self, memory: TranslationMemory, model: int):
        self.memory = memory
        self.model = model
        self.hits = 0
        self.misses = 0

    def get_many(self, texts: Iterable[str]) -> dict[str, str]:
        texts = list(texts)
        by_key: dict[str, list[str]] = {}
        for text in texts:
            by_key.setdefault(normalise(text), []).append(text)
        keys = list(by_key)
        found: dict[str, str] = {}
        for start in range(0, len(keys), _QUERY_CHUNK):
            chunk = keys[start:start + _QUERY_CHUNK]
            rows = self.memory.connection.execute(
                f"SELECT source, translation FROM segments WHERE model = ? AND source IN ({','.join('?' * len(chunk))})",
                (self.model, *chunk))
            for source, translation in rows:
                for text in by_key[source]:
                    found[text] = translation
        self.hits += len(found)
        self.misses += len(texts) - len(found)
        return found

    def put_many(self, mapping: dict[str, str]) -> None:
        with self.memory.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO segments (model, source, translation) VALUES (?, ?, ?)",
                           [(self.model, normalise(source), target) for source, target in mapping.items()])
