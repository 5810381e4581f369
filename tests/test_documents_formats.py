"""Each document format round-trips: built at test time with its own library from FLORES
sentences cut at random characters into bold, italic and link runs, translated (romanize
backend), re-opened by the same library. Every Korean span is translated, every English run and
untouched part stays byte for byte, tables and notes are translated in place, each formatted
stretch keeps English words, and tag integrity is 100%."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from document_factory import docx_bytes, has_hangul, html_bytes, hwpx_bytes, korean_paragraphs, \
    xliff12_bytes, xliff2_bytes
from mt import inline
from mt.backends import load_backend
from mt.documents import format_for, translate_document
from mt.documents.hwpx import validate
from mt.pipeline import Pipeline
from mt.results import WarningCode

SEEDS = (1, 2, 3)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(load_backend("romanize"))


def translate(pipeline, name: str, data: bytes):
    out, results = translate_document(format_for(name), data, name, pipeline)
    for result in results:
        assert inline.integrity(result.source, result.translation) is None, result.translation
        assert not any(w.code is WarningCode.TAGS for w in result.warnings)
        assert not has_hangul(result.translation), result.translation
        if result.audit().get("tags"):
            assert result.audit()["tags"]["intact"]
    return out, results


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_untouched_members(before: bytes, after: bytes, translated: re.Pattern) -> None:
    old, new = members(before), members(after)
    assert list(old) == list(new)
    for name in old:
        if not translated.match(name):
            assert old[name] == new[name], name


def raw_paragraph(part: bytes, inside: bytes, tag: bytes) -> bytes:
    """The source bytes of the paragraph element (``tag``) holding ``inside``."""
    at = part.index(inside)
    start = max(part.rfind(tag + b">", 0, at), part.rfind(tag + b" ", 0, at))
    return part[start:part.index(b"</" + tag[1:] + b">", at)]


# -- DOCX ----------------------------------------------------------------------------------------

def _docx_style(run) -> str:
    if run.getparent().tag == f"{W}hyperlink":
        return "a"
    properties = run.find(f"{W}rPr")
    if properties is not None and properties.find(f"{W}b") is not None:
        return "b"
    if properties is not None and properties.find(f"{W}i") is not None:
        return "i"
    return ""


def _docx_paragraph_runs(paragraph) -> list[tuple[str, str]]:
    return [("".join(t.text or "" for t in run.iter(f"{W}t")), _docx_style(run))
            for run in paragraph.iter(f"{W}r") if run.find(f"{W}t") is not None]


@pytest.mark.parametrize("seed", SEEDS)
def test_docx_round_trip(pipeline, seed):
    import docx

    source = korean_paragraphs(seed)
    data = docx_bytes(source)
    out, _ = translate(pipeline, "press.docx", data)
    assert_untouched_members(data, out, re.compile(r"word/(document|header\d*|footnotes)\.xml$"))
    document = docx.Document(io.BytesIO(out))            # python-docx re-opens it
    body = etree.fromstring(members(out)["word/document.xml"])
    paragraphs = [p for p in body.iter(f"{W}p") if p.getparent().tag == f"{W}body"]
    for pieces, paragraph in zip(source, paragraphs):
        runs = _docx_paragraph_runs(paragraph)
        assert not has_hangul("".join(text for text, _ in runs))
        for text, style in pieces:
            if style and any(ch.isalnum() for ch in text):
                assert any(s == style and t.strip() for t, s in runs), (pieces, runs)
            if not has_hangul(text) and any(ch.isalpha() for ch in text):
                assert (text, style) in runs, (text, style, runs)      # an English run, byte for byte
    cells = document.tables[0].rows[0].cells
    assert cells[1].text == "Cell in English" and cells[0].text and not has_hangul(cells[0].text)
    assert document.sections[0].header.paragraphs[0].text == "meorigeul munjang"
    notes = members(out)["word/footnotes.xml"].decode()
    assert "gakju naeyong" in notes and not has_hangul(notes)
    box = "".join(body.find(f".//{W}txbxContent").itertext())
    assert box and not has_hangul(box)
    english = raw_paragraph(members(data)["word/document.xml"], b"An English paragraph", b"<w:p")
    assert english in members(out)["word/document.xml"]          # an English paragraph is byte for byte


def test_docx_opens_in_libreoffice(pipeline, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        message = "LibreOffice is absent: apt-get install -y libreoffice-writer-nogui (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out, _ = translate(pipeline, "press.docx", docx_bytes(korean_paragraphs(4)))
    (tmp_path / "press.docx").write_bytes(out)
    done = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "odt", "--outdir", str(tmp_path), str(tmp_path / "press.docx")],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    converted = members((tmp_path / "press.odt").read_bytes())
    content = converted["content.xml"].decode()
    assert "gakju naeyong" in content and "geulsangja" in content     # the footnote and the text box
    assert "meorigeul munjang" in converted["styles.xml"].decode()     # the header
    assert not has_hangul(content)


# -- HWPX ----------------------------------------------------------------------------------------

def _hwpx_styles(data: bytes) -> dict[str, str]:
    """charPrIDRef -> style, from the source built by python-hwpx (one id per look)."""
    header = etree.fromstring(members(data)["Contents/header.xml"])
    styles = {}
    for shape in header.iter("{http://www.hancom.co.kr/hwpml/2011/head}charPr"):
        names = {etree.QName(child).localname for child in shape}
        underline = shape.find("{http://www.hancom.co.kr/hwpml/2011/head}underline")
        if "bold" in names:
            styles[shape.get("id")] = "b"
        elif "italic" in names:
            styles[shape.get("id")] = "i"
        elif underline is not None and underline.get("type") not in (None, "NONE"):
            styles[shape.get("id")] = "a"
    return styles


@pytest.mark.parametrize("seed", SEEDS)
def test_hwpx_round_trip(pipeline, seed):
    from hwpx import HwpxDocument

    source = korean_paragraphs(seed)
    data = hwpx_bytes(source)
    assert validate(data) == []
    out, _ = translate(pipeline, "press.hwpx", data)
    assert validate(out) == []                       # python-hwpx's own package validation
    assert_untouched_members(data, out, re.compile(r"Contents/section\d+\.xml$"))
    document = HwpxDocument.open(out)                # python-hwpx re-opens it
    assert document.paragraphs
    styles = _hwpx_styles(data)
    section = etree.fromstring(members(out)["Contents/section0.xml"])
    top = [p for p in section if p.tag == f"{HP}p"]
    for pieces, paragraph in zip(source, top):
        runs = [("".join(t.itertext()), styles.get(run.get("charPrIDRef"), "")) for run in paragraph.findall(f"{HP}run")
                for t in run.findall(f"{HP}t")]
        assert not has_hangul("".join(text for text, _ in runs))
        for text, style in pieces:
            if style and any(ch.isalnum() for ch in text):
                assert any(s == style and t.strip() for t, s in runs), (pieces, runs)
            if not has_hangul(text) and any(ch.isalpha() for ch in text) and style != "a":
                assert (text, style) in runs, (text, style, runs)      # an English run, byte for byte
    texts = "".join(section.itertext())
    assert not has_hangul(texts)
    for expected in ("pyo kan", "Cell in English", "meorigeul munjang", "gakju naeyong", "geulsangja"):
        assert expected in texts
    english = raw_paragraph(members(data)["Contents/section0.xml"], b"An English paragraph", b"<hp:p")
    assert english in members(out)["Contents/section0.xml"]      # an English paragraph is byte for byte


def test_hwp5_is_read_through_its_conversion(pipeline, tmp_path):
    from hwpx import HwpxDocument

    document = HwpxDocument.open(hwpx_bytes(korean_paragraphs(5, count=2)))
    document.save_to_path(tmp_path / "press.hwp")         # python-hwpx writes HWP 5
    hwp = (tmp_path / "press.hwp").read_bytes()
    assert hwp.startswith(b"\xd0\xcf\x11\xe0")
    out, _ = translate(pipeline, "press.hwp", hwp)
    assert validate(out) == []
    assert not has_hangul("".join(etree.fromstring(members(out)["Contents/section0.xml"]).itertext()))


def test_an_unconvertible_hwp_says_so_in_one_line(tmp_path):
    from mt.errors import KoenError

    broken = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(KoenError, match=r"cannot be converted.*save it as HWPX"):
        format_for("x.hwp").extract(broken, "x.hwp")


# -- HTML ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_html_round_trip(pipeline, seed):
    import lxml.html

    source = korean_paragraphs(seed)
    data = html_bytes(source)
    out, _ = translate(pipeline, "press.html", data)
    page_text = out.decode("utf-8")
    for kept in ('<script>var note = "<p>스크립트 안의 한국어</p>";</script>', "<style>p { color: #333 } /* 한국어 주석 */</style>",
                 '<p translate="no">번역하지 않는 문단</p>', '<span class="notranslate">코엔</span>'):
        assert kept.encode() in data and kept.encode() in out      # untouched bytes stay byte for byte
    assert data[:data.index(b"<title>")] == out[:out.index(b"<title>")]
    page = lxml.html.fromstring(out)                  # lxml re-opens it
    for skipped in page.xpath("//script|//style|//*[@translate='no']|//*[contains(@class,'notranslate')]"):
        skipped.drop_tree()
    assert not has_hangul(page.text_content())
    assert not any(has_hangul(value) for value in page.xpath("//@alt|//@title"))
    blocks = page.xpath("//body/p")
    for pieces, block in zip(source, blocks):
        for text, style in pieces:
            if style and any(ch.isalnum() for ch in text):
                tag = {"b": "b", "i": "i", "a": "a"}[style]
                assert any(child.text_content().strip() for child in block.iter(tag)), lxml.html.tostring(block)
    assert "An English paragraph with <b>bold</b> and <i>italic</i> words." in page_text
    assert page.xpath("//td")[1].text == "Cell in English" and not has_hangul(page.xpath("//td")[0].text)


def test_html_page_in_another_charset_is_written_back_in_it(pipeline):
    data = '<html><head><meta charset="euc-kr"></head><body><p>새 정책 <b>발표</b></p></body></html>'.encode("euc-kr")
    out, _ = translate(pipeline, "page.html", data)
    assert out.decode("euc-kr").endswith("<b>balpyo</b></p></body></html>")


# -- XLIFF ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_xliff12_round_trip(pipeline, seed):
    from translate.storage.xliff import xlifffile

    source = korean_paragraphs(seed)
    data = xliff12_bytes(source)
    out, results = translate(pipeline, "press.xlf", data)
    store = xlifffile.parsestring(out)                 # translate-toolkit re-opens it
    units = {unit.getid().split("\x04")[-1]: unit for unit in store.units}
    assert units["done"].target == "An already translated sentence"        # left alone
    assert not units["no"].target
    root = etree.fromstring(out)
    ns = "{urn:oasis:names:tc:xliff:document:1.2}"
    for number in range(1, len(source) + 1):
        unit = root.find(f".//{ns}trans-unit[@id='{number}']")
        source_tags = [child.tag for child in unit.find(f"{ns}source").iter()]
        target = unit.find(f"{ns}target")
        assert sorted(child.tag for child in target.iter()) == sorted(t.replace("source", "target") for t in source_tags)
        assert not has_hangul("".join(target.itertext()))
        assert target.get("state") in ("translated", "needs-review-translation")
        wrapped = {g.get("id"): "".join(g.itertext()) for g in unit.find(f"{ns}source").iter(f"{ns}g")}
        for g in target.iter(f"{ns}g"):
            if any(char.isalnum() for char in wrapped[g.get("id")]):
                assert (g.text or "").strip(), (wrapped, etree.tostring(target))
    assert len(results) == len(source)


def test_xliff_flagged_lines_need_review_and_retranslate_is_asked_for(pipeline):
    from mt.documents.xliff import NEEDS_REVIEW_2, XliffFormat

    data = xliff12_bytes([[("새 정책", "")], [("발표", "b")]])
    fmt = format_for("a.xlf")
    lines = fmt.extract(data, "a.xlf")
    out = fmt.rebuild(data, "a.xlf", [r.translation for r in pipeline.translate_lines(lines)], [True, False])
    states = [t.get("state") for t in etree.fromstring(out).iter("{*}target")]
    assert states[:2] == ["needs-review-translation", "translated"]
    assert len(XliffFormat(retranslate=True).extract(data, "a.xlf")) == len(lines) + 1   # translate="no" never
    data2 = xliff2_bytes([[("새 정책", "")]])
    out2 = fmt.rebuild(data2, "a.xlf", ["sae jeongchaek"], [True])
    assert etree.fromstring(out2).find(".//{*}segment").get("subState") == NEEDS_REVIEW_2


@pytest.mark.parametrize("seed", SEEDS)
def test_xliff2_round_trip(pipeline, seed):
    source = korean_paragraphs(seed)
    data = xliff2_bytes(source)
    out, _ = translate(pipeline, "press.xlf", data)
    root = etree.fromstring(out)
    for segment in root.iter("{*}segment"):
        target = segment.find("{*}target")
        assert segment.get("state") == "translated"
        assert [etree.QName(c).localname for c in segment.find("{*}source").iter()][1:] == \
            [etree.QName(c).localname for c in target.iter()][1:]
        assert not has_hangul("".join(target.itertext()))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_html_line_endings_and_entities_stay_where_they_were(pipeline, newline):
    page = newline.join(["<!DOCTYPE html>", "<html><body>", "<p>첫 문장 &amp; <b>굵은 말</b>입니다.</p>",
                         "<!-- 주석은 그대로 -->", "<ul><li>목록 &lt;항목&gt;</li><li>English &nbsp;item</li></ul>",
                         "</body></html>", ""])
    data = page.encode("utf-8")
    out, _ = translate(pipeline, "page.html", data)
    text = out.decode("utf-8")
    assert text.startswith(newline.join(["<!DOCTYPE html>", "<html><body>", "<p>"]))
    assert newline.join(["</p>", "<!-- 주석은 그대로 -->", "<ul><li>"]) in text
    assert "&amp; <b>" in text and "&lt;" in text and "<li>English &nbsp;item</li>" in text
    assert text.endswith(newline.join(["</ul>", "</body></html>", ""]))
