"""Who owns an archive output folder, and whether what it holds is whole.

- ``OutdirLock``: an exclusive ``fcntl.flock`` on ``OUTDIR/.koen-job.lock``. The kernel drops the
  lock when its process dies (kill -9 included), so a stale lock is simply taken over; the holder's
  PID is written into the file only to name it in the refusal. A finished run removes the file
  (while still holding the lock; a waiter that locked the removed file notices and tries again).
- ``attach_state``: ATTACH the job database, turning a garbage file into one error line.
- ``check_records``: ``records.jsonl`` holds every record before the run says it wrote it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from mt.archive.base import LOCK_FILE
from mt.errors import KoenError



class OutdirLock:
    def __init__(self, outdir: str | Path):
        self.path = Path(outdir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> "OutdirLock":
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise KoenError(f"{self.path.parent}: cannot lock the output folder ({exc.strerror})") from None
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


def attach_state(db: sqlite3.Connection, path: Path) -> None:
    """ATTACH the job's state database as ``job``; a file that is no SQLite database is one error."""
    try:
        db.execute("ATTACH DATABASE ? AS job", (str(path),))
        db.execute("SELECT COUNT(*) FROM job.sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        try:
            db.execute("DETACH DATABASE job")
        except sqlite3.Error:
            pass
        raise KoenError(f"{path}: not a koen job database ({exc}); remove it (the run starts over) "
                        f"or use another output folder") from None


def check_records(path: Path, committed: list[str], expected: int) -> None:
    """Refuse to report success unless records.jsonl holds exactly the committed lines, one per record."""
    if len(committed) != expected:
        raise KoenError(f"{path}: {len(committed)} of {expected} records done; run the same command again to finish")
    data = path.read_bytes() if path.exists() else b""
    if data != "".join(committed).encode("utf-8"):
        present = data.count(b"\n")
        raise KoenError(f"{path}: holds {present} lines, expected {expected} records; "
                        f"run the same command again to repair it")


