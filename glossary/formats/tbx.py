"""TBX-Basic, the termbase exchange format of CAT tools: the 2008 ``<martif>`` form through
translate-toolkit, and the ISO 30042:2019 form (``<tbx type="TBX-Basic" style="dca">`` with
``conceptEntry``/``langSec``/``termSec``) that current terminology tools export.

Reading takes either form (by the root element); ``--format tbx2019`` writes the 2019 one.
Languages go by ``xml:lang`` in any order; the extra terms of the Korean language become aliases.

One ``termEntry`` per entry: a Korean ``langSet`` (the term, then each alias as a variant) and an
English one. Standard data categories carry what they can (subjectField = kind,
administrativeStatus = status, note = note); what TBX-Basic has no category for (validity dates,
do-not-translate) travels as ``<note>koen:key=value</note>`` so a round trip loses nothing.
"""

from __future__ import annotations

import datetime

from lxml import etree

from mt.errors import KoenError
from translate.misc.xml_helpers import parse_xml
from translate.storage import tbx

from ..termbase import KINDS, Entry

STATUS_TO_TBX = {
    "approved": "preferredTerm-admn-sts",
    "candidate": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
}
TBX_TO_STATUS = {v: k for k, v in STATUS_TO_TBX.items()}
KOEN_PREFIX = "koen:"


TBX2019_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _root(data: bytes, path: str):
    """The document's root element, parsed safely (no entities resolved, no network)."""
    try:
        return parse_xml(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise KoenError(f"{path}: not a TBX file: {exc}") from None


def _store(data: bytes | None = None):
    if data is None:
        return tbx.tbxfile(sourcelanguage="ko", targetlanguage="en")
    try:
        return tbx.tbxfile.parsestring(data)
    except etree.XMLSyntaxError as exc:
        raise KoenError(f"not a TBX file: {exc}") from None


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _lang(node) -> str:
    return (node.get("{http://www.w3.org/XML/1998/namespace}lang") or node.get("lang") or "").lower()


class TbxFormat:
    name = "tbx"
    suffixes = (".tbx",)

    def write(self, entries: list[Entry]) -> bytes:
        store = _store()
        for entry in entries:
            unit = store.addsourceunit(entry.korean)
            unit.target = entry.english
            element = unit.xmlelement
            ns = unit.namespaced
            langsets = [child for child in element if _local(child.tag) == "langSet"]
            korean_set = next(s for s in langsets if _lang(s).startswith("ko"))
            concept_items = []
            descrip = etree.Element(ns("descrip"), type="subjectField")
            descrip.text = entry.kind
            concept_items.append(descrip)
            for key, value in (
                ("valid_from", entry.valid_from.isoformat() if entry.valid_from else ""),
                ("valid_to", entry.valid_to.isoformat() if entry.valid_to else ""),
                ("dnt", "yes" if entry.dnt else ""),
            ):
                if value:
                    note = etree.Element(ns("note"))
                    note.text = f"{KOEN_PREFIX}{key}={value}"
                    concept_items.append(note)
            if entry.note:
                note = etree.Element(ns("note"))
                note.text = entry.note
                concept_items.append(note)
            for position, item in enumerate(concept_items):
                element.insert(position, item)
            tig = korean_set.find(ns("tig"))
            status = etree.SubElement(tig, ns("termNote"), type="administrativeStatus")
            status.text = STATUS_TO_TBX[entry.status]
            for alias in entry.aliases:
                alias_tig = etree.SubElement(korean_set, ns("tig"))
                etree.SubElement(alias_tig, ns("term")).text = alias
                etree.SubElement(alias_tig, ns("termNote"), type="termType").text = "variant"
        return bytes(store)

    def read(self, data: bytes, path: str) -> list[Entry]:
        root = _root(data, path)
        name = _local(root.tag)
        if name == "tbx":
            return _read_2019(root, path)
        if name != "martif":
            raise KoenError(f"{path}: not a TBX file: the root element is <{name or root.tag}>, "
                            f"expected <martif> (TBX 2008) or <tbx> (ISO 30042:2019)")
        try:
            store = _store(data)
        except KoenError as exc:
            raise KoenError(f"{path}: {exc}") from None
        units = [unit.xmlelement for unit in store.units]
        return [_entry(element, f"{path}: termEntry {number}", ("langSet",), ("tig", "ntig"))
                for number, element in enumerate(units, start=1)]


def _read_2019(root, path: str) -> list[Entry]:
    concepts = [node for node in root.iter() if _local(node.tag) == "conceptEntry"]
    return [_entry(node, f"{path}: conceptEntry {number}", ("langSec",), ("termSec",))
            for number, node in enumerate(concepts, start=1)]


def _entry(element, where: str, language_tags: tuple[str, ...], term_tags: tuple[str, ...]) -> Entry:
    """One entry from a 2008 ``termEntry`` or a 2019 ``conceptEntry``."""
    kind, note, extra = "general", "", {}
    korean_terms: list[str] = []
    english = ""
    status = "approved"
    for child in element:
        name = _local(child.tag)
        if name == "descrip" and child.get("type") == "subjectField":
            kind = (child.text or "").strip()
        elif name == "note":
            text = child.text or ""
            if text.startswith(KOEN_PREFIX) and "=" in text:
                key, _, value = text[len(KOEN_PREFIX):].partition("=")
                extra[key] = value
            else:
                note = f"{note} {text}".strip() if note else text
        elif name in language_tags:
            lang = _lang(child)
            for tig in child:
                if _local(tig.tag) not in term_tags:
                    continue
                term = "".join(t.text or "" for t in tig.iter() if _local(t.tag) == "term")
                if lang.startswith("ko"):
                    korean_terms.append(term)
                    for tn in tig.iter():
                        if _local(tn.tag) == "termNote" and tn.get("type") == "administrativeStatus" and len(korean_terms) == 1:
                            status = TBX_TO_STATUS.get((tn.text or "").strip(), "candidate")
                elif lang.startswith("en") and not english:
                    english = term
    if not korean_terms:
        raise KoenError(f"{where}: no Korean (ko) term")
    if kind not in KINDS:
        kind = "general"
    try:
        dates = {k: datetime.date.fromisoformat(extra[k]) if extra.get(k) else None for k in ("valid_from", "valid_to")}
    except ValueError:
        raise KoenError(f"{where}: bad koen date note {extra}") from None
    return Entry(korean=korean_terms[0], english=english, aliases=tuple(korean_terms[1:]), kind=kind, status=status,
                 valid_from=dates["valid_from"], valid_to=dates["valid_to"], dnt=extra.get("dnt") == "yes", note=note)


def _notes(entry: Entry) -> list[tuple[str, str | None]]:
    """(text, subjectField or None for a note) in the order both TBX forms write them."""
    items: list[tuple[str, str | None]] = [(entry.kind, "subjectField")]
    for key, value in (("valid_from", entry.valid_from.isoformat() if entry.valid_from else ""),
                       ("valid_to", entry.valid_to.isoformat() if entry.valid_to else ""),
                       ("dnt", "yes" if entry.dnt else "")):
        if value:
            items.append((f"{KOEN_PREFIX}{key}={value}", None))
    if entry.note:
        items.append((entry.note, None))
    return items


class Tbx2019Format:
    """ISO 30042:2019 TBX-Basic (DCA style); read by ``TbxFormat`` too, whose root check tells the forms apart."""

    name = "tbx2019"
    suffixes: tuple[str, ...] = ()

    def read(self, data: bytes, path: str) -> list[Entry]:
        return FORMAT.read(data, path)

    def write(self, entries: list[Entry]) -> bytes:
        def el(parent, tag, text=None, **attrs):
            node = etree.SubElement(parent, f"{{{TBX2019_NS}}}{tag}", **attrs)
            node.text = text
            return node

        root = etree.Element(f"{{{TBX2019_NS}}}tbx", nsmap={None: TBX2019_NS}, type="TBX-Basic", style="dca")
        root.set(XML_LANG, "ko")
        source = el(el(el(root, "tbxHeader"), "fileDesc"), "sourceDesc")
        el(source, "p", "koen glossary export")
        body = el(el(root, "text"), "body")
        for number, entry in enumerate(entries, start=1):
            concept = el(body, "conceptEntry", id=f"c{number}")
            for text, category in _notes(entry):
                if category:
                    el(concept, "descrip", text, type=category)
                else:
                    el(concept, "note", text)
            korean = el(concept, "langSec")
            korean.set(XML_LANG, "ko")
            term = el(korean, "termSec")
            el(term, "term", entry.korean)
            el(term, "termNote", STATUS_TO_TBX[entry.status], type="administrativeStatus")
            for alias in entry.aliases:
                variant = el(korean, "termSec")
                el(variant, "term", alias)
                el(variant, "termNote", "variant", type="termType")
            english = el(concept, "langSec")
            english.set(XML_LANG, "en")
            el(el(english, "termSec"), "term", entry.english)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


FORMAT = TbxFormat()
FORMAT_2019 = Tbx2019Format()
