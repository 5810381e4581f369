"""Reading user text with exact error locations, and writing output atomically."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import socket
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import KoenError, disk_full_is_an_error, located


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


def split_text_lines(text: str) -> list[str]:
    """Lines with their endings, cut only at the line endings koen reads and writes (``\\n``,
    ``\\r\\n``, ``\\r``), the way ``bytes.splitlines`` cuts a file. ``str.splitlines`` also cuts
    at U+2028, U+0085, form feeds and the like, which are text inside a line to koen."""
    return _LINE_RE.findall(text)


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_file_bytes(path: str | Path | None, expected: str = "a text file", *, regular_only: bool = False,
                    max_bytes: int | None = None) -> bytes:
    """The bytes of a user's file (standard input for ``None``/``-``), or one clear error.

    A device (``/dev/zero`` would be read forever) or socket is refused; a FIFO is read (process
    substitution hands one over) unless ``regular_only``, and then refused without waiting for a
    writer. ``max_bytes`` refuses a file that should be small and is not."""
    if path is None or str(path) == "-":
        return sys.stdin.buffer.read()
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise KoenError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise KoenError(f"{p}: is a directory, expected {expected}") from None
    except OSError as exc:
        raise KoenError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind == "a directory" or (kind and (regular_only or kind != "a FIFO")):
            raise KoenError(f"{p}: is {kind}, expected {expected}")
        if max_bytes is not None and info.st_size > max_bytes:
            raise KoenError(f"{p}: {info.st_size} bytes, more than the {max_bytes} expected of {expected}")
        if kind:                                   # a FIFO: wait for its writer now
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as exc:
        raise KoenError(f"{p}: cannot read ({exc.strerror})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:
        raise KoenError(f"{p}: more than the {max_bytes} bytes expected of {expected}")
    return data


def read_lines(path: str | Path | None) -> list[str]:
    """Read a text file (or standard input for ``None``/``-``) as lines with their endings."""
    stdin = path is None or str(path) == "-"
    return decode_lines(read_file_bytes(path), None if stdin else str(path))


def read_text(path: str | Path | None) -> str:
    return "".join(read_lines(path))


def _special(path: Path) -> bool:
    """A character or block device, FIFO or socket (after following symlinks): written through, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise KoenError(f"{path}: cannot use as output ({exc.strerror})") from None
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _real_target(path: Path) -> Path:
    """Where an atomic write must land: a symlink is followed (its target is replaced, the link stays)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_writable(path: str | Path) -> None:
    """Fail before hours of work, not after: the target's folder exists and it is no directory."""
    given = Path(path)
    if _special(given):
        return
    target = _real_target(given)
    if target.is_dir():
        raise KoenError(f"{given}: is a directory, expected a file to write")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise KoenError(f"{given}: directory {directory} does not exist")


def refuse_same_file(output: str | Path | None, *inputs: str | Path | None) -> None:
    """Refuse an output path that is one of the command's inputs (same resolved path or same
    inode), or lies inside an input folder: writing it would destroy an input before (or while)
    it is read. Every command that writes a file calls this with every file it reads (text,
    glossary, memory, archive). ``None`` and ``-`` are ignored."""
    if output is None or str(output) == "-":
        return
    out = Path(output)
    for source in inputs:
        if source is None or str(source) == "-":
            continue
        try:
            same = os.path.samefile(out, source)
        except OSError:
            same = os.path.realpath(out) == os.path.realpath(source)
        if not same and os.path.isdir(source):
            same = Path(os.path.realpath(out)).is_relative_to(os.path.realpath(source))
            if same:
                raise KoenError(f"{output}: is inside the input folder {source}; write the output elsewhere")
        if same:
            raise KoenError(f"{output}: is also an input ({source}); write the output to another file")


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def clean_stale_temps(target: str | Path) -> list[Path]:
    """Remove the temporary files a killed writer left beside ``target`` (its PID is in the name
    and no longer runs). Temporaries of writers still running are left alone."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    removed = []
    try:
        candidates = list(directory.glob(f".{glob.escape(target.name)}.*.tmp"))
    except OSError:
        return removed
    for candidate in candidates:
        found = _TEMP.match(candidate.name)
        if not found or found["name"] != target.name or _alive(int(found["pid"])) and int(found["pid"]) != os.getpid():
            continue
        with contextlib.suppress(OSError):
            candidate.unlink()
            removed.append(candidate)
    return removed


@contextlib.contextmanager
def _stream_writer(path: Path, mode: str, encoding: str | None) -> Iterator[IO]:
    """Write through to a device, FIFO or socket: there is nothing to replace atomically."""
    if stat.S_ISSOCK(os.stat(path).st_mode):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
        except OSError as exc:
            sock.close()
            raise KoenError(f"{path}: cannot write to the socket ({exc.strerror})") from None
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with sock, sock.makefile("wb" if "b" in mode else "w", **kwargs) as handle:
            yield handle
        return
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        handle = open(path, mode, **kwargs)
    except OSError as exc:
        raise KoenError(f"{path}: cannot write ({exc.strerror})") from None
    with handle:
        yield handle


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it over ``path`` on success.

    A failure (exception, kill) leaves the previous file untouched. A symlink is followed: its
    target is replaced atomically and the link kept. A character device, FIFO or socket is
    written through (streamed), never replaced.
    """
    given = Path(path)
    check_writable(given)
    if _special(given):
        with _stream_writer(given, mode, encoding) as handle:
            yield handle
        return
    target = _real_target(given)
    directory = target.parent if str(target.parent) else Path(".")
    clean_stale_temps(target)
    try:
        with disk_full_is_an_error(given):
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise KoenError(f"{given}: cannot write in {directory} ({exc.strerror})") from None
    try:
        with disk_full_is_an_error(given):
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


def check_argv(argv: list[str]) -> None:
    """Command-line arguments that are not valid UTF-8 (the OS hands them over as surrogate
    escapes) fail here with one line, not as a UnicodeEncodeError deep inside a command."""
    for number, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
            raise KoenError(f"argument {number} ({shown!r}): not valid UTF-8 at character {exc.start}; "
                            f"rename the file or pass the text as UTF-8") from None
