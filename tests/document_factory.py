"""Test documents built at test time with each format's own library, from one description.

A *paragraph* is a list of pieces ``(text, style)``; style is "" (plain), "b" (bold), "i"
(italic) or "a" (a link). ``korean_paragraphs(seed)`` cuts FLORES Korean sentences (tests/data/
corpus, CC BY-SA 4.0) at random characters, in the middle of words and phrases too, sets random
stretches in bold, italic or a link, and mixes in English pieces: the general rule, not examples.
"""

from __future__ import annotations

import io
import random
import re

from archive_helpers import FLORES_KO
from mt import inline

STYLES = ("b", "i", "a")
ENGLISH = ["English stays", "the OECD report", "Seoul 2025", "as planned"]
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def korean_paragraphs(seed: int, count: int = 6) -> list[list[tuple[str, str]]]:
    rng = random.Random(seed)
    sentences = FLORES_KO.read_text(encoding="utf-8").splitlines()
    paragraphs = []
    for _ in range(count):
        sentence = rng.choice(sentences)[:rng.randint(30, 90)].rstrip()
        cuts = sorted(rng.sample(range(1, len(sentence)), k=min(len(sentence) - 1, rng.randint(2, 4))))
        bounds = [0, *cuts, len(sentence)]
        pieces = []
        for index, (start, end) in enumerate(zip(bounds, bounds[1:])):
            style = rng.choice(STYLES) if index % 2 == 1 else ""
            pieces.append((sentence[start:end], style))
        if rng.random() < 0.5:
            pieces.append((" " + rng.choice(ENGLISH) + " ", rng.choice(("",) + STYLES)))
            pieces.append(("끝입니다.", ""))
        paragraphs.append([(text, style) for text, style in pieces if text])
    return paragraphs


def wrapped(line: str) -> dict[int, str]:
    """The text each pair wraps in ``line``, by pair number."""
    plain, marks = inline.strip(line)
    opened, found = {}, {}
    for mark in marks:
        number, kind = inline.decode(mark.char)
        if kind == inline.OPEN:
            opened[number] = mark.offset
        elif kind == inline.CLOSE:
            found[number] = plain[opened[number]:mark.offset]
    return found


def english_paragraph() -> list[tuple[str, str]]:
    return [("An English paragraph with ", ""), ("bold", "b"), (" and ", ""), ("italic", "i"), (" words.", "")]


def has_hangul(text: str) -> bool:
    return HANGUL.search(text) is not None


# -- DOCX (python-docx) ---------------------------------------------------------------------------

def _docx_pieces(paragraph, pieces) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for text, style in pieces:
        if style == "a":
            part = paragraph.part
            rid = part.relate_to("https://example.org/", RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), rid)
            run = OxmlElement("w:r")
            properties = OxmlElement("w:rPr")
            underline = OxmlElement("w:u")
            underline.set(qn("w:val"), "single")
            properties.append(underline)
            run.append(properties)
            t = OxmlElement("w:t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
            link.append(run)
            paragraph._p.append(link)
        else:
            run = paragraph.add_run(text)
            run.bold = style == "b" or None
            run.italic = style == "i" or None


TEXTBOX = ('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape id="box1" style="width:200pt;height:60pt">'
           '<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
           '</v:shape></w:pict></w:r>')

FOOTNOTES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes '
             'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
             '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">'
             ' {text}</w:t></w:r></w:p></w:footnote></w:footnotes>')


def docx_bytes(paragraphs, cells=("표 칸의 내용", "Cell in English"), header="머리글 문장입니다",
               footnote="각주 내용입니다", textbox="글상자 안의 문장입니다") -> bytes:
    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    for pieces in paragraphs:
        _docx_pieces(document.add_paragraph(), pieces)
    table = document.add_table(rows=1, cols=len(cells))
    for cell, text in zip(table.rows[0].cells, cells):
        cell.paragraphs[0].add_run(text)
    document.sections[0].header.paragraphs[0].add_run(header)
    anchor = document.add_paragraph()
    anchor.add_run("각주가 달린 문장")
    reference = parse_xml('<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                          '<w:footnoteReference w:id="1"/></w:r>')
    anchor._p.append(reference)
    notes = Part(PackURI("/word/footnotes.xml"),
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                 FOOTNOTES.format(text=footnote).encode("utf-8"), document.part.package)
    document.part.relate_to(notes, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    box = document.add_paragraph()
    box._p.append(parse_xml(TEXTBOX.format(text=textbox)))
    _docx_pieces(document.add_paragraph(), english_paragraph())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- HWPX (python-hwpx) ---------------------------------------------------------------------------

def hwpx_bytes(paragraphs, cells=("표 칸의 내용", "Cell in English"), header="머리글 문장입니다",
               footnote="각주 내용입니다", textbox="글상자 안의 문장입니다") -> bytes:
    from hwpx import HwpxDocument

    document = HwpxDocument.new()
    first = True
    for pieces in paragraphs:
        paragraph = document.paragraphs[0] if first else document.add_paragraph("")
        first = False
        for text, style in pieces:
            if style == "a":
                paragraph.add_hyperlink("https://example.org/", text)
            else:
                paragraph.add_run(text, bold=style == "b", italic=style == "i")
    table = document.add_table(1, len(cells))
    for column, text in enumerate(cells):
        table.cell(0, column).text = text
    document.page.set_header(text=header)
    anchor = document.add_paragraph("각주가 달린 문장")
    document.notes.add_footnote(footnote, paragraph=anchor)
    document.shapes.add_rectangle().set_draw_text(textbox)
    english = document.add_paragraph("")
    for text, style in english_paragraph():
        english.add_run(text, bold=style == "b", italic=style == "i")
    return document.to_bytes()


# -- HTML (lxml) ----------------------------------------------------------------------------------

def html_bytes(paragraphs, cells=("표 칸의 내용", "Cell in English")) -> bytes:
    from lxml import etree
    from lxml.html import builder as E

    def block(pieces):
        element = E.P()
        for text, style in pieces:
            if style == "":
                if len(element):
                    element[-1].tail = (element[-1].tail or "") + text
                else:
                    element.text = (element.text or "") + text
                continue
            child = {"b": E.B, "i": E.I, "a": lambda t: E.A(t, href="https://example.org/",
                                                          title="누리집 링크")}[style](text)
            element.append(child)
        return element

    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE("보도자료 제목입니다"),
               E.STYLE("p { color: #333 } /* 한국어 주석 */"),
               E.SCRIPT('var note = "<p>스크립트 안의 한국어</p>";')),
        E.BODY(*[block(pieces) for pieces in paragraphs],
               E.TABLE(E.TR(*[E.TD(text) for text in cells])),
               E.P("번역하지 않는 문단", translate="no"),
               E.P("이름 ", E.SPAN("코엔", E.CLASS("notranslate")), "은 그대로 ", E.IMG(src="a.png", alt="로고 그림"),
                   " 둡니다."),
               block(english_paragraph())))
    return b"<!DOCTYPE html>\n" + etree.tostring(page, method="html", encoding="utf-8") + b"\n"


# -- XLIFF 1.2 and 2.0 (lxml; re-read by translate-toolkit) ---------------------------------------

def xliff12_bytes(paragraphs) -> bytes:
    from lxml import etree

    ns = "urn:oasis:names:tc:xliff:document:1.2"
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="1.2")
    body = etree.SubElement(etree.SubElement(root, f"{{{ns}}}file", original="press.txt", datatype="plaintext",
                                             **{"source-language": "ko", "target-language": "en"}), f"{{{ns}}}body")
    for number, pieces in enumerate(paragraphs, start=1):
        unit = etree.SubElement(body, f"{{{ns}}}trans-unit", id=str(number))
        _inline(etree.SubElement(unit, f"{{{ns}}}source"), pieces, ns, pair="g", code="x")
    done = etree.SubElement(body, f"{{{ns}}}trans-unit", id="done")
    etree.SubElement(done, f"{{{ns}}}source").text = "이미 번역된 문장"
    etree.SubElement(done, f"{{{ns}}}target", state="translated").text = "An already translated sentence"
    etree.SubElement(etree.SubElement(body, f"{{{ns}}}trans-unit", id="no", translate="no"),
                     f"{{{ns}}}source").text = "번역하지 않는 단위"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xliff2_bytes(paragraphs) -> bytes:
    from lxml import etree

    ns = "urn:oasis:names:tc:xliff:document:2.0"
    root = etree.Element(f"{{{ns}}}xliff", nsmap={None: ns}, version="2.0", srcLang="ko", trgLang="en")
    file = etree.SubElement(root, f"{{{ns}}}file", id="f1")
    for number, pieces in enumerate(paragraphs, start=1):
        segment = etree.SubElement(etree.SubElement(file, f"{{{ns}}}unit", id=f"u{number}"), f"{{{ns}}}segment")
        _inline(etree.SubElement(segment, f"{{{ns}}}source"), pieces, ns, pair="pc", code="ph")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _inline(source, pieces, ns, pair: str, code: str) -> None:
    from lxml import etree

    for index, (text, style) in enumerate(pieces):
        if style:
            element = etree.SubElement(source, f"{{{ns}}}{pair}", id=f"{index}")
            element.text = text
        elif len(source):
            source[-1].tail = (source[-1].tail or "") + text
        else:
            source.text = (source.text or "") + text
        if index == 1:
            etree.SubElement(source, f"{{{ns}}}{code}", id=f"c{index}")
