"""Who owns an archive output folder, and whether what it holds is whole.

- ``OutdirLock``: an exclusive ``fcntl.flock`` on ``OUTDIR/.koen-job.lock``. The kernel drops the
  lock when its process dies (kill -9 included), so a stale lock is simply taken over; the holder's
  PID is written into the file only to name it in the refusal. A finished run removes the file
  (while still holding the lock; a waiter that locked the removed file notices and tries again).
- ``attach_state``: ATTACH the job database, turning a garbage file into one error line.
- ``check_records``: ``records.jsonl`` holds every record before the run says it wrote it.
- ``prepare_outdir``: the folder exists (or is made) and each file koen keeps in it is a regular
  file (``rendered`` a folder): a FIFO, device or folder planted there is one error line, never a
  hang, an endless read or a traceback.

The lock is opened with ``O_NOFOLLOW | O_NONBLOCK`` and must be a regular file: a planted
symlink (``.koen-job.lock -> ../victim.txt``) is refused instead of having its target truncated
to a PID, and a FIFO does not block the open.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

import stat

from mt.archive.base import LOCK_FILE, STATE_FILE
from mt.errors import KoenError, disk_full_message, is_disk_full
from mt.textio import read_file_bytes, refuse_same_file

from . import RECORDS_FILE, RENDERED_DIR, SUMMARY_FILE

JOB_TABLES = {"state": ["key", "value"], "records": ["seq", "position", "line"]}


class OutdirLock:
    def __init__(self, outdir: str | Path):
        self.path = Path(outdir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> "OutdirLock":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                why = "it is a symbolic link" if self.path.is_symlink() else exc.strerror
                raise KoenError(f"{self.path}: cannot lock the output folder ({why}); remove it "
                                f"(no run is using it then) or use another output folder") from None
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise KoenError(f"{self.path}: is not a regular file; remove it or use another output folder")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise KoenError(f"{self.path.parent}: in use by another koen archive run (pid {holder}); "
                                f"wait for it to finish or stop it") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)            # locked a file its finished holder had just removed: again
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            try:
                self.path.unlink(missing_ok=True)
            finally:
                os.close(self._fd)       # closing drops the lock
                self._fd = None


def prepare_outdir(outdir: Path, memory: Path) -> None:
    """Make ``outdir`` if needed; refuse it when what koen keeps there is not what it should be."""
    try:
        if outdir.exists() and not outdir.is_dir():
            raise KoenError(f"{outdir}: exists and is not a folder")
        outdir.mkdir(parents=True, exist_ok=True)
        for name in (RECORDS_FILE, SUMMARY_FILE, STATE_FILE, LOCK_FILE, RENDERED_DIR):
            path = outdir / name
            if not (path.exists() or path.is_symlink()):
                continue
            mode = os.stat(path).st_mode if path.exists() else None
            if name == RENDERED_DIR:
                if mode is None or not stat.S_ISDIR(mode):
                    raise KoenError(f"{path}: is not a folder; remove it (it is rewritten) or use another output folder")
            elif name != LOCK_FILE and (mode is None or not stat.S_ISREG(mode)):
                raise KoenError(f"{path}: is not a regular file; remove it or use another output folder")
        if memory.exists() and not memory.is_file():
            raise KoenError(f"{memory}: is not a regular file, expected a translation memory")
    except OSError as exc:
        raise KoenError(f"{outdir}: cannot use as an output folder ({exc.strerror})") from None


def refuse_inputs_in_outdir(outdir: Path, memory: Path, *inputs: str | Path | None) -> None:
    """No file the job writes (records, summary, state, memory, rendered/) may be one it reads."""
    files = [source for source in inputs if source is not None and not os.path.isdir(source)]
    for written in (outdir / RECORDS_FILE, outdir / SUMMARY_FILE, outdir / STATE_FILE, memory):
        refuse_same_file(written, *files)
    rendered = os.path.realpath(outdir / RENDERED_DIR)
    for source in inputs:
        if source is None:
            continue
        if os.path.realpath(source) == os.path.realpath(outdir):
            raise KoenError(f"{outdir}: is also the input; write the output to another folder")
        if Path(os.path.realpath(source)).is_relative_to(rendered):
            raise KoenError(f"{source}: is inside {outdir / RENDERED_DIR}, which this job rewrites; "
                            f"use another output folder")


def attach_state(db: sqlite3.Connection, path: Path) -> None:
    """ATTACH the job's state database as ``job``; a file that is no SQLite database, or holds
    tables of other columns than the job's, is one error."""
    try:
        db.execute("ATTACH DATABASE ? AS job", (str(path),))
        db.execute("SELECT COUNT(*) FROM job.sqlite_master").fetchone()
        for table, columns in JOB_TABLES.items():
            found = [row[1] for row in db.execute(f"PRAGMA job.table_info({table})")]
            if found and found != columns:
                raise sqlite3.DatabaseError(f"table {table} has columns {', '.join(found)}")
    except sqlite3.DatabaseError as exc:
        try:
            db.execute("DETACH DATABASE job")
        except sqlite3.Error:
            pass
        if is_disk_full(exc):
            raise KoenError(disk_full_message(path)) from None
        raise KoenError(f"{path}: not a koen job database ({exc}); remove it (the run starts over) "
                        f"or use another output folder") from None


def check_records(path: Path, committed: list[str], expected: int) -> None:
    """Refuse to report success unless records.jsonl holds exactly the committed lines, one per record."""
    if len(committed) != expected:
        raise KoenError(f"{path}: {len(committed)} of {expected} records done; run the same command again to finish")
    data = read_file_bytes(path, f"the job's {path.name}", regular_only=True) if path.exists() else b""
    if data != "".join(committed).encode("utf-8"):
        present = data.count(b"\n")
        raise KoenError(f"{path}: holds {present} lines, expected {expected} records; "
                        f"run the same command again to repair it")


