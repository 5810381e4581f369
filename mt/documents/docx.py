"""Word documents (.docx): the OOXML parts read and written with lxml directly.

Translated: the body (paragraphs and table cells), headers, footers, footnotes, endnotes and
text boxes (``w:txbxContent`` in DrawingML and in its VML fallback: both are translated, so
either rendering shows English). Kept: every other part of the package byte for byte, every
paragraph with no letters, and in a translated paragraph its properties, its runs' properties,
links, fields, bookmarks, tabs, breaks and pictures (see ``runs``).

python-docx is the library that builds and re-opens documents in the tests; it exposes neither
text boxes nor a way to rewrite a run sequence while keeping the other parts' bytes, so the
parts are edited here with the same lxml it uses.
"""

from __future__ import annotations

import re
from typing import Sequence

from lxml import etree

from .runs import Dialect, package_lines, parse, read_package, rebuild_parts, serialize, write_package, write_paragraph

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARTS_RE = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_CONTAINERS = {f"{{{W}}}{name}" for name in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "sdt",
                                              "sdtContent", "moveTo", "dir", "bdo")}
_RSID_RE = re.compile(r'\s[\w:]*rsid\w*="[^"]*"')


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _format_key(run: etree._Element) -> str:
    properties = run.find(_w("rPr"))
    if properties is None:
        return ""
    # Revision ids say when a run was typed, not how it looks: runs differing only there are one stretch.
    return _RSID_RE.sub("", etree.tostring(properties, encoding="unicode"))


def _is_fixed(element: etree._Element) -> bool:
    return etree.QName(element).localname in ("pPr", "rPr", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr")


def _field(element: etree._Element) -> str | None:
    if element.tag == _w("fldChar"):
        kind = element.get(_w("fldCharType"))
        return {"begin": "begin", "end": "end"}.get(kind)
    return None


DIALECT = Dialect(paragraph=_w("p"), run=_w("r"), text=_w("t"), format_key=_format_key, is_fixed=_is_fixed,
                  is_container=lambda element: element.tag in _CONTAINERS, field=_field)


def _put_text(run: etree._Element, text: str) -> None:
    last = run[-1] if len(run) else None
    if last is not None and last.tag == _w("t"):
        last.text = (last.text or "") + text
    else:
        last = etree.SubElement(run, _w("t"))
        last.text = text
    if last.text != last.text.strip():
        last.set(XML_SPACE, "preserve")


def _put_object(run: etree._Element, element: etree._Element, in_text: bool) -> None:
    run.append(element)


class DocxFormat:
    name = "docx"
    suffixes = (".docx",)

    def _paragraphs(self, data: bytes, path: str):
        members = read_package(data, path)
        roots = {name: parse(payload, f"{path}:{name}") for name, payload in members.items() if _PARTS_RE.match(name)}
        if "word/document.xml" not in roots:
            from ..errors import KoenError
            raise KoenError(f"{path}: not a Word document (no word/document.xml)")
        order = sorted(roots, key=lambda name: (name != "word/document.xml", name))
        return members, roots, package_lines(((name, roots[name]) for name in order), DIALECT)

    def extract(self, data: bytes, path: str) -> list[str]:
        return [paragraph.line for _, paragraph in self._paragraphs(data, path)[2]]

    def rebuild(self, data: bytes, path: str, translations: Sequence[str],
                flagged: Sequence[bool] | None = None) -> bytes:
        members, roots, paragraphs = self._paragraphs(data, path)
        changed = rebuild_parts(paragraphs, translations, path,
                                lambda paragraph, english: write_paragraph(paragraph, english, DIALECT, _put_text,
                                                                           _put_object))
        return write_package(data, {name: serialize(roots[name], members[name]) for name in changed})
