"""Glossary exchange formats, one module per format behind the ``GlossaryFormat`` protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from mt.errors import KoenError

from ..termbase import Entry
from . import csvfile, tbx, tmx, tsv


class GlossaryFormat(Protocol):
    name: str
    suffixes: tuple[str, ...]

    def read(self, data: bytes, path: str) -> list[Entry]:
        """Entries in the file; ``KoenError`` with file:line for what cannot be read."""

    def write(self, entries: list[Entry]) -> bytes:
        """The file content for ``entries``."""


def formats() -> dict[str, GlossaryFormat]:

    return {f.name: f for f in (tsv.FORMAT, csvfile.FORMAT, tbx.FORMAT, tbx.FORMAT_2019, tmx.FORMAT)}


def get_format(name: str | None, path: str | Path | None = None) -> GlossaryFormat:
    """The format by name, or guessed from the file's suffix."""
    known = formats()
    if name:
        try:
            return known[name.lower()]
        except KeyError:
            raise KoenError(f"unknown glossary format {name!r} (known: {', '.join(known)})") from None
    suffix = Path(str(path or "")).suffix.lower()
    for fmt in known.values():
        if suffix in fmt.suffixes:
            return fmt
    raise KoenError(f"{path}: cannot tell the format from the suffix {suffix!r}; use --format ({', '.join(known)})")
