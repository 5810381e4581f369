"""TMX, where it fits: a translation memory has no kinds, statuses or dates, so exporting writes
one translation unit per Korean form (term and aliases) and importing gives candidate entries.

Importing goes by each ``tuv``'s ``xml:lang`` (or TMX 1.1 ``lang``), not by order: a memory
written English first imports the same. Units without both a Korean and an English variant are
skipped. Parsing is translate-toolkit's safe XML parser (no entities resolved, no network)."""

from __future__ import annotations

from lxml import etree

from mt.errors import KoenError
from translate.misc.xml_helpers import parse_xml
from translate.storage import tmx

from ..termbase import Entry

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class TmxFormat:
    name = "tmx"
    suffixes = (".tmx",)

    def write(self, entries: list[Entry]) -> bytes:
        store = tmx.tmxfile(sourcelanguage="ko", targetlanguage="en")
        for entry in entries:
            if entry.status != "approved":
                continue
            for form in entry.forms:
                store.addtranslation(form, "ko", entry.target, "en", comment=f"{entry.kind}; glossary id {entry.id}")
        return bytes(store)

    def read(self, data: bytes, path: str) -> list[Entry]:
        try:
            root = parse_xml(data)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise KoenError(f"{path}: not a TMX file: {exc}") from None
        if _local(root.tag) != "tmx":
            raise KoenError(f"{path}: not a TMX file: the root element is <{_local(root.tag) or root.tag}>, expected <tmx>")
        entries = []
        for unit in root.iter():
            if _local(unit.tag) != "tu":
                continue
            korean = english = ""
            for variant in unit:
                if _local(variant.tag) != "tuv":
                    continue
                lang = (variant.get(XML_LANG) or variant.get("lang") or "").lower()
                text = "".join("".join(seg.itertext()) for seg in variant if _local(seg.tag) == "seg")
                if lang.startswith("ko") and not korean:
                    korean = text
                elif lang.startswith("en") and not english:
                    english = text
            if korean and english:
                entries.append(Entry(korean=korean, english=english, status="candidate", note=f"imported from {path}"))
        return entries


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""

FORMAT = TmxFormat()
