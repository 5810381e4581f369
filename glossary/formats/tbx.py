"""TBX-Basic, the termbase exchange format of CAT tools, through translate-toolkit.

One ``termEntry`` per entry: a Korean ``langSet`` (the term, then each alias as a variant) and an
English one. Standard data categories carry what they can (subjectField = kind,
administrativeStatus = status, note = note); what TBX-Basic has no category for (validity dates,
do-not-translate) travels as ``<note>koen:key=value</note>`` so a round trip loses nothing.
"""

from __future__ import annotations

import datetime

from lxml import etree

from mt.errors import KoenError

from ..termbase import KINDS, Entry

STATUS_TO_TBX = {
    "approved": "preferredTerm-admn-sts",
    "candidate": "admittedTerm-admn-sts",
    "deprecated": "deprecatedTerm-admn-sts",
}
TBX_TO_STATUS = {v: k for k, v in STATUS_TO_TBX.items()}
KOEN_PREFIX = "koen:"


def _store(data: bytes | None = None):
    from translate.storage import tbx

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
        store = _store(data)
        entries = []
        for number, unit in enumerate(store.units, start=1):
            element = unit.xmlelement
            where = f"{path}: termEntry {number}"
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
                elif name == "langSet":
                    lang = _lang(child)
                    for tig in child:
                        if _local(tig.tag) not in ("tig", "ntig"):
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
            entries.append(
                Entry(
                    korean=korean_terms[0],
                    english=english,
                    aliases=tuple(korean_terms[1:]),
                    kind=kind,
                    status=status,
                    valid_from=dates["valid_from"],
                    valid_to=dates["valid_to"],
                    dnt=extra.get("dnt") == "yes",
                    note=note,
                )
            )
        return entries


FORMAT = TbxFormat()
