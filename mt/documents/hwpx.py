"""Hancom HWPX (.hwpx, KS X 6101) and HWP 5 (.hwp, read: converted to HWPX).

The section parts (``Contents/section*.xml``) hold every paragraph: the body, table cells,
headers and footers, foot- and endnotes and text boxes (``hp:drawText``) are paragraphs nested
in them, each a line of its own. A translated paragraph keeps its attributes, its runs'
character shapes (``charPrIDRef``), fields (links are ``hp:fieldBegin``/``hp:fieldEnd`` pairs
around their words), controls, tables and shapes; its cached line layout (``hp:linesegarray``)
is dropped, as python-hwpx does on every edit, so Hancom lays the English out afresh. Every other
member of the package is copied byte for byte.

python-hwpx (Apache-2.0) converts HWP 5 files to HWPX and checks packages
(``hwpx.tools.package_validator``); it is loaded only for those.
"""

from __future__ import annotations

import re
import warnings
from typing import Sequence

from lxml import etree

from ..errors import KoenError
from .runs import Dialect, package_lines, parse, read_package, rebuild_parts, serialize, write_package, write_paragraph

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"
_SECTION_RE = re.compile(r"^Contents/section\d+\.xml$")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _hp(name: str) -> str:
    return f"{{{HP}}}{name}"


def _field(element: etree._Element) -> str | None:
    if element.tag != _hp("ctrl"):
        return None
    if element.find(_hp("fieldBegin")) is not None:
        return "begin"
    if element.find(_hp("fieldEnd")) is not None:
        return "end"
    return None


DIALECT = Dialect(paragraph=_hp("p"), run=_hp("run"), text=_hp("t"),
                  format_key=lambda run: run.get("charPrIDRef", ""), is_fixed=lambda element: False,
                  is_container=lambda element: False, field=_field, text_children=True,
                  drop=(_hp("linesegarray"),))


def _put_text(run: etree._Element, text: str) -> None:
    last = run[-1] if len(run) else None
    if last is None or last.tag != _hp("t"):
        last = etree.SubElement(run, _hp("t"))
    if len(last):
        last[-1].tail = (last[-1].tail or "") + text
    else:
        last.text = (last.text or "") + text


def _put_object(run: etree._Element, element: etree._Element, in_text: bool) -> None:
    if in_text:                     # a tab, line break or mark inside the text element
        last = run[-1] if len(run) else None
        if last is None or last.tag != _hp("t"):
            last = etree.SubElement(run, _hp("t"))
        last.append(element)
    else:
        run.append(element)


def hwp_to_hwpx(data: bytes, path: str) -> bytes:
    """An HWP 5 file as HWPX bytes, converted by python-hwpx; a clear error where it cannot."""
    # python-hwpx's HWP 5 reader is large and only .hwp input needs it.
    from hwpx.hwp5.package import convert, to_hwpx_bytes

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return to_hwpx_bytes(convert(data).files)
    except Exception as exc:         # the converter raises many kinds; each means "cannot convert this file"
        raise KoenError(f"{path}: this HWP 5 file cannot be converted ({type(exc).__name__}: {exc}); "
                        f"save it as HWPX in Hancom Office (File > Save As > .hwpx) and translate that") from None


class HwpxFormat:
    name = "hwpx"
    suffixes = (".hwpx", ".hwp")

    def _package(self, data: bytes, path: str) -> bytes:
        if data.startswith(OLE2_MAGIC):
            return hwp_to_hwpx(data, path)
        return data

    def _paragraphs(self, data: bytes, path: str):
        members = read_package(data, path)
        if members.get("mimetype", b"").strip() != b"application/hwp+zip":
            raise KoenError(f"{path}: not an HWPX package (its mimetype member is not application/hwp+zip)")
        names = sorted((name for name in members if _SECTION_RE.match(name)),
                       key=lambda name: int(re.search(r"\d+", name.rsplit("/", 1)[1]).group()))
        roots = {name: parse(members[name], f"{path}:{name}") for name in names}
        return members, roots, package_lines(((name, roots[name]) for name in names), DIALECT)

    def extract(self, data: bytes, path: str) -> list[str]:
        data = self._package(data, path)
        return [paragraph.line for _, paragraph in self._paragraphs(data, path)[2]]

    def rebuild(self, data: bytes, path: str, translations: Sequence[str],
                flagged: Sequence[bool] | None = None) -> bytes:
        data = self._package(data, path)
        members, roots, paragraphs = self._paragraphs(data, path)
        changed = rebuild_parts(paragraphs, translations, path,
                                lambda paragraph, english: write_paragraph(paragraph, english, DIALECT, _put_text,
                                                                           _put_object))
        return write_package(data, {name: serialize(roots[name], members[name]) for name in changed})


def validate(data: bytes) -> list[str]:
    """python-hwpx's own checks: package validation (ZIP, manifest, parts) and its editor-open
    safety gate (schemas, re-opening); the problems, as lines (empty: the package is sound)."""
    # Loaded late: only tests and a user's check need the validators.
    from hwpx.tools.package_validator import validate_editor_open_safety, validate_package

    problems = [str(issue) for issue in validate_package(data).errors]
    safety = validate_editor_open_safety(data)
    if not safety.ok:
        problems.append(safety.summary)
    return problems
