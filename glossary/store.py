"""The one glossary file the workbench edits: versioned reads, lint-checked atomic writes.

A version is the SHA-256 of the file's bytes on disk. Every page carries the version it was
rendered from; a save whose version is not the file's current one is refused (another editor,
or a ``git pull``, changed the file meanwhile), so nothing is ever silently overwritten. Saves
run under a lock and are checked with the same lint as ``koen glossary lint``: an edit that adds
a finding is refused with the finding's message.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import hashlib
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from mt.errors import KoenError
from mt.textio import write_text_atomic

from .lint import LintFinding, lint_text
from .termbase import COLUMNS, Entry, ParsedFile, RowProblem, Termbase, escape_korean, parse_row, parse_text


class Conflict(Exception):
    """The file on disk is not the version the edit was made on."""

    def __init__(self, current_version: str):
        super().__init__("the glossary file changed on disk since this page was loaded "
                         "(another editor or a git pull); nothing was saved")
        self.current_version = current_version


class Refused(Exception):
    """The edit would break the glossary; ``messages`` say why (lint's own words)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


class NoSuchEntry(Exception):
    pass


@dataclass(frozen=True)
class Snapshot:
    version: str
    parsed: ParsedFile
    findings: list[LintFinding]

    @property
    def entries(self) -> list[Entry]:
        return self.parsed.entries

    def findings_by_line(self) -> dict[int, list[LintFinding]]:
        grouped: dict[int, list[LintFinding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.line, []).append(finding)
        return grouped

    def entry_at(self, line: int) -> Entry:
        for entry in self.entries:
            if entry.line == line:
                return entry
        raise NoSuchEntry(f"no glossary entry on line {line}")


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_GLOSSARY_BYTES = 64 * 1024 * 1024      # the starter glossary is ~30 KB; a served file is read on every page


def read_regular_file(path: Path, limit: int, expected: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or one clear KoenError: a FIFO,
    device or socket put in its place (opened without blocking, then refused) or a file that
    grows without end (a link to /dev/zero) never stalls or fills the process."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise KoenError(f"{path}: no such file") from None
    except OSError as exc:
        raise KoenError(f"{path}: cannot read ({exc.strerror})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise KoenError(f"{path}: is {kind}, expected {expected}")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise KoenError(f"{path}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise KoenError(f"{path}: larger than {limit // (1024 * 1024)} MB, expected {expected}")
    return data


class GlossaryStore:
    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise KoenError(f"{path}: no such glossary file")
        self._lock = threading.Lock()
        self._cache: Snapshot | None = None

    def _read(self) -> bytes:
        return read_regular_file(self.path, MAX_GLOSSARY_BYTES, "a glossary TSV file")

    def snapshot(self) -> Snapshot:
        data = self._read()
        version = version_of(data)
        cached = self._cache
        if cached is not None and cached.version == version:
            return cached
        parsed = parse_text(data, str(self.path))
        snapshot = Snapshot(version, parsed, lint_text(data, str(self.path)))
        self._cache = snapshot
        return snapshot

    def update(self, line: int, version: str, change) -> Entry:
        """Apply ``change(entry) -> new cells`` to the entry on ``line`` of file version ``version``."""
        with self._lock:
            current = self.snapshot()
            if current.version != version:
                raise Conflict(current.version)
            old = current.entry_at(line)
            cells = change(old)
            problems: list[RowProblem] = []
            new = parse_row(cells, line, problems)
            if problems or new is None:
                raise Refused([p.message + f" [{p.code}]" for p in problems])
            termbase = Termbase(entries=list(current.entries), path=self.path, _parsed=current.parsed)
            termbase.entries[termbase.entries.index(old)] = new
            self._write_checked(current, version, termbase.to_text(), line)
            return new

    def add(self, version: str, cells: list[str]) -> Entry:
        """Append a new entry (a term picked on the Review page), checked like an edit."""
        with self._lock:
            current = self.snapshot()
            if current.version != version:
                raise Conflict(current.version)
            line = len(current.parsed.lines) + 1
            problems: list[RowProblem] = []
            new = parse_row(cells, line, problems)
            if problems or new is None:
                raise Refused([p.message + f" [{p.code}]" for p in problems])
            termbase = Termbase(entries=[*current.entries, new], path=self.path, _parsed=current.parsed)
            self._write_checked(current, version, termbase.to_text(), line)
            return new

    def _write_checked(self, current: Snapshot, version: str, text: str, line: int) -> None:
        """Write ``text`` unless lint finds a problem it did not find before, or the file changed."""
        # A finding is new when its line has more of that kind than before; messages may change
        # wording (they quote other rows), which alone is not a new problem.
        allowance = collections.Counter((f.line, f.code) for f in current.findings)
        added = []
        for finding in lint_text(text, str(self.path)):
            key = (finding.line, finding.code)
            if allowance[key] > 0:
                allowance[key] -= 1
            else:
                added.append(finding)
        if added:
            raise Refused([f"line {f.line}: {f.message} [{f.code}]" if f.line != line else f"{f.message} [{f.code}]"
                           for f in added])
        # Checked again right before writing: the lint above took time.
        if version_of(self._read()) != version:
            raise Conflict(version_of(self._read()))
        write_text_atomic(self.path, text)


def cells_of(entry: Entry) -> list[str]:
    return entry.to_row().split("\t")


def with_status(status: str, note_prefix: str = ""):
    def change(entry: Entry) -> list[str]:
        note = entry.note
        if note_prefix:
            note = f"{note_prefix}; {note}" if note else note_prefix
        return cells_of(dataclasses.replace(entry, status=status, note=note))

    return change


def rejected_note() -> str:
    return f"rejected {datetime.date.today().isoformat()}"


def from_form(form) -> list[str]:
    """The row cells an edit form sends (the same columns as the TSV)."""
    cells = []
    for column in COLUMNS:
        if column == "dnt":
            cells.append("yes" if form.get("dnt") else "")
        elif column == "aliases":
            raw = str(form.get("aliases", ""))
            cells.append("|".join(part.strip() for part in raw.replace("\n", "|").split("|") if part.strip()))
        else:
            cell = str(form.get(column, "")).replace("\t", " ").replace("\r", " ").replace("\n", " ")
            cells.append(escape_korean(cell) if column == "korean" else cell)
    return cells
