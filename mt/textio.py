"""Reading user text with exact error locations, and writing output atomically."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import KoenError, located


def decode_lines(data: bytes, path: str | None) -> list[str]:
    """Split bytes into lines (keeping line endings) and decode each as UTF-8.

    Invalid UTF-8 is reported with the line number, never replaced silently.
    A UTF-8 byte-order mark at the start is dropped.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines: list[str] = []
    for number, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise KoenError(
                located(path, number, f"invalid UTF-8 at byte {exc.start} of the line ({raw[exc.start:exc.start + 4]!r})")
            ) from None
    return lines


def read_file_bytes(path: str | Path | None, expected: str = "a text file") -> bytes:
    """The bytes of a user's file (standard input for ``None``/``-``), or one clear error."""
    if path is None or str(path) == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    if not p.exists():
        raise KoenError(f"{p}: no such file")
    if p.is_dir():
        raise KoenError(f"{p}: is a directory, expected {expected}")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise KoenError(f"{p}: cannot read ({exc.strerror})") from None


def read_lines(path: str | Path | None) -> list[str]:
    """Read a text file (or standard input for ``None``/``-``) as lines with their endings."""
    stdin = path is None or str(path) == "-"
    return decode_lines(read_file_bytes(path), None if stdin else str(path))


def read_text(path: str | Path | None) -> str:
    return "".join(read_lines(path))


def check_writable(path: str | Path) -> None:
    """Fail before hours of work, not after: the target's folder exists and it is no directory."""
    target = Path(path)
    if target.is_dir():
        raise KoenError(f"{target}: is a directory, expected a file to write")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise KoenError(f"{target}: directory {directory} does not exist")


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` on success.

    A failure (exception, kill) leaves the previous file untouched.
    """
    target = Path(path)
    check_writable(target)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)
