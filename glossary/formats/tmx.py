"""TMX, where it fits: a translation memory has no kinds, statuses or dates, so exporting writes
one translation unit per Korean form (term and aliases) and importing gives candidate entries.

Importing goes by each ``tuv``'s ``xml:lang`` (or TMX 1.1 ``lang``), not by order: a memory
written English first imports the same. Units without both a Korean and an English variant are
skipped. Parsing is translate-toolkit's safe XML parser (no entities resolved, no network)."""

from __future__ import annotations

from dataclasses import dataclass

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
        return [Entry(korean=unit.texts["ko"], english=unit.texts["en"], status="candidate",
                      note=f"imported from {path}")
                for unit in read_units(data, path) if unit.texts.get("ko") and unit.texts.get("en")]


@dataclass(frozen=True)
class TmxUnit:
    number: int                  # 1-based position among the file's units
    texts: dict[str, str]        # "ko" / "en" (by xml:lang) → the first variant's text in that language
    props: dict[str, str]        # <prop type="..."> of the <tu> (the last of a repeated type)
    date: str | None             # creationdate
    all_props: tuple[tuple[str, str], ...] = ()   # every <prop> of the <tu> and its <tuv>s, in order
    inline_codes: tuple[str, ...] = ()            # element names inside the <seg>s (<ph>, <bpt>, ...)
    attributes: dict[str, str] | None = None      # the <tu>'s attributes (tuid, creationid, changeid, ...)


def read_units(data: bytes, path: str) -> list[TmxUnit]:
    """The translation units of a TMX file, languages found by ``xml:lang`` (or TMX 1.1 ``lang``):
    ``ko``/``kor`` and ``en``/``eng`` with any region (``ko-KR``, ``en_US``)."""
    try:
        root = parse_xml(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise KoenError(f"{path}: not a TMX file: {exc}") from None
    if _local(root.tag) != "tmx":
        raise KoenError(f"{path}: not a TMX file: the root element is <{_local(root.tag) or root.tag}>, expected <tmx>")
    units = []
    for unit in root.iter():
        if _local(unit.tag) != "tu":
            continue
        texts: dict[str, str] = {}
        all_props = [(prop.get("type") or "", prop.text or "") for prop in unit if _local(prop.tag) == "prop"]
        inline: list[str] = []
        for variant in unit:
            if _local(variant.tag) != "tuv":
                continue
            all_props += [(prop.get("type") or "", prop.text or "") for prop in variant if _local(prop.tag) == "prop"]
            segs = [seg for seg in variant if _local(seg.tag) == "seg"]
            inline += [_local(code.tag) or "?" for seg in segs for code in seg.iterdescendants()]
            language = _LANGUAGES.get(_primary_subtag(variant.get(XML_LANG) or variant.get("lang") or ""))
            if language and language not in texts:
                texts[language] = "".join("".join(seg.itertext()) for seg in segs)
        props = {prop.get("type"): prop.text or "" for prop in unit if _local(prop.tag) == "prop"}
        units.append(TmxUnit(len(units) + 1, texts, props, unit.get("creationdate"), tuple(all_props), tuple(inline),
                             {str(k): str(v) for k, v in unit.attrib.items()}))
    return units


_LANGUAGES = {"ko": "ko", "kor": "ko", "en": "en", "eng": "en"}


def _primary_subtag(tag: str) -> str:
    return tag.lower().replace("_", "-").split("-")[0]


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""

FORMAT = TmxFormat()
