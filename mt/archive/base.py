"""What every archive reader produces, and the protocol readers implement.

A reader first *scans* the whole input (every record parsed and validated, nothing written), then
the job translates the good records and asks the reader to *render* the translated archive in the
input's own layout. Bad records carry their location so the user can find and fix them.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path
from dataclasses import dataclass, field
from typing import Protocol, Sequence

from ..errors import KoenError


# The archive job's files in its output folder; a folder input skips folders holding them (an
# OUTDIR inside the input is output, not input).
STATE_FILE = ".koen-job.sqlite"
LOCK_FILE = ".koen-job.lock"


def is_output_folder(folder: Path) -> bool:
    return (folder / STATE_FILE).exists() or (folder / LOCK_FILE).exists()


@dataclass(frozen=True)
class Record:
    """One document of the archive. ``fields`` are the texts to translate, in output order."""

    position: int                       # 0-based index among all records (good and bad) of the input
    id: str                             # stable identifier (record number, id field, relative path)
    location: str                       # ``file:line`` or ``file row N`` for messages
    fields: dict[str, str]
    date: datetime.date | None = None
    meta: dict = field(default_factory=dict)   # kept verbatim in the JSONL (timestamps, category, ...)


@dataclass(frozen=True)
class BadRecord:
    position: int
    id: str
    location: str
    problem: str

    def message(self) -> str:
        return f"{self.location}: record {self.id}: {self.problem}"


@dataclass
class Scan:
    records: list[Record]
    bad: list[BadRecord]
    fingerprint: str          # sha256 of the input as read: a changed input cannot resume a job


@dataclass(frozen=True)
class RenderedFile:
    path: str                 # relative to the output's rendered/ folder
    data: bytes


class ArchiveReader(Protocol):
    name: str

    def scan(self) -> Scan:
        """Parse and validate every record; raise KoenError only when nothing can be read at all."""

    def render(self, scan: Scan, translations: dict[int, dict[str, str]]) -> list[RenderedFile]:
        """The archive in its own layout, translated fields replaced (by record position);
        skipped records are kept as they were."""

    def describe(self) -> dict:
        """The reader's settings, part of the job identity."""


def require_records(scan: Scan, source: str, skip_bad: bool, warn) -> None:
    """Stop before any output unless every record is good or the user asked to skip bad ones."""
    if scan.bad and not skip_bad:
        first = scan.bad[0]
        more = f" ({len(scan.bad) - 1} more bad record(s); fix them or pass --skip-bad)" if len(scan.bad) > 1 \
            else " (fix it or pass --skip-bad)"
        raise KoenError(first.message() + more)
    for bad in scan.bad:
        warn(f"skipped {bad.message()}")
    if not scan.records:
        raise KoenError(f"{source}: no records to translate")


def parse_record_date(text: str) -> datetime.date | None:
    """ISO dates, ``YYYY.MM.DD`` and ISO datetimes (the date part); ValueError when unreadable."""
    match = re.match(r"\s*(\d{4})[-./](\d{1,2})[-./](\d{1,2})", text)
    if not match:
        raise ValueError(f"unreadable date {text!r} (expected YYYY-MM-DD)")
    year, month, day = (int(x) for x in match.groups())
    return datetime.date(year, month, day)


def sha256_chunks(chunks: Sequence[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(len(chunk).to_bytes(8, "big"))
        digest.update(chunk)
    return digest.hexdigest()


def split_lines(data: bytes) -> list[bytes]:
    """Lines with their endings, the way ``str.splitlines(keepends=True)`` cuts text files."""
    return data.splitlines(keepends=True)


def decode_line(raw: bytes) -> tuple[str, str | None]:
    """(text, problem): invalid UTF-8 is reported, never replaced silently."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace"), f"invalid UTF-8 at byte {exc.start} of the line ({raw[exc.start:exc.start + 4]!r})"
