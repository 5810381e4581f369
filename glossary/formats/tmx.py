"""TMX, where it fits: a translation memory has no kinds, statuses or dates, so exporting writes
one translation unit per Korean form (term and aliases) and importing gives candidate entries."""

from __future__ import annotations

from lxml import etree

from mt.errors import KoenError

from ..termbase import Entry


class TmxFormat:
    name = "tmx"
    suffixes = (".tmx",)

    def write(self, entries: list[Entry]) -> bytes:
        from translate.storage import tmx

        store = tmx.tmxfile(sourcelanguage="ko", targetlanguage="en")
        for entry in entries:
            if entry.status != "approved":
                continue
            for form in entry.forms:
                store.addtranslation(form, "ko", entry.target, "en", comment=f"{entry.kind}; glossary id {entry.id}")
        return bytes(store)

    def read(self, data: bytes, path: str) -> list[Entry]:
        from translate.storage import tmx

        try:
            store = tmx.tmxfile.parsestring(data)
        except etree.XMLSyntaxError as exc:
            raise KoenError(f"{path}: not a TMX file: {exc}") from None
        entries = []
        for unit in store.units:
            if unit.source and unit.target:
                entries.append(Entry(korean=unit.source, english=unit.target, status="candidate", note=f"imported from {path}"))
        return entries


FORMAT = TmxFormat()
