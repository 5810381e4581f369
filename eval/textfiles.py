"""Reading hypothesis/reference/source files exactly the way the sacrebleu command line does.

sacrebleu opens files with ``newline="\\n"`` and ``rstrip()``s every line, so a line is what lies
between two ``\\n`` bytes, trailing whitespace (``\\r`` included) removed. Reading the same way is
what makes ``koen eval score`` report the very numbers ``sacrebleu`` prints. Unlike sacrebleu we
fail cleanly (``file:line: ...``) on invalid UTF-8, drop a UTF-8 byte-order mark and refuse
empty files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mt.errors import KoenError, located
from mt.textio import read_file_bytes




def split_segments(data: bytes, path: str | None) -> list[str]:
    """One segment per ``\\n``-terminated line, decoded as UTF-8 and right-stripped."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data:
        raise KoenError(f"{path or '<stdin>'}: empty file, expected one segment per line")
    raw_lines = data.split(b"\n")
    if raw_lines[-1] == b"":
        raw_lines.pop()
    segments: list[str] = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            segments.append(raw.decode("utf-8").rstrip())
        except UnicodeDecodeError as exc:
            raise KoenError(
                located(path, number, f"invalid UTF-8 at byte {exc.start} of the line ({raw[exc.start:exc.start + 4]!r})")
            ) from None
    return segments


def read_segments(path: str | Path) -> list[str]:
    """Read a line-aligned text file (``-`` = standard input) as sacrebleu does."""
    return split_segments(read_file_bytes(path), None if str(path) == "-" else str(path))


def sha256_segments(segments: list[str]) -> str:
    """Hash of the segments themselves: stable across line endings and trailing blanks."""
    digest = hashlib.sha256()
    for segment in segments:
        digest.update(segment.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def require_same_length(named: list[tuple[str, list[str]]]) -> None:
    """All files must have the same number of lines; name every file and count otherwise."""
    counts = {len(segments) for _, segments in named}
    if len(counts) > 1:
        described = ", ".join(f"{name} has {len(segments)}" for name, segments in named)
        raise KoenError(f"line counts differ: {described} lines")
