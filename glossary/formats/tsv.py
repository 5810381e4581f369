"""The termbase's own format: tab-separated, see ``glossary.termbase``."""

from __future__ import annotations

from ..termbase import Entry, Termbase


class TsvFormat:
    name = "tsv"
    suffixes = (".tsv", ".tab")

    def read(self, data: bytes, path: str) -> list[Entry]:
        return Termbase.from_text(data, path).entries

    def write(self, entries: list[Entry]) -> bytes:
        return Termbase.from_entries(entries).to_text().encode("utf-8")


FORMAT = TsvFormat()
