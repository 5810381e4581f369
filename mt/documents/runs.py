"""Paragraphs made of formatted runs (OOXML ``w:p``/``w:r``, OWPML ``hp:p``/``hp:run``) as lines,
and ZIP packages whose untouched members are copied as they are.

A paragraph's line: the text of its runs in order. The formatting that carries most of the text
is the paragraph's *base*; a stretch in any other formatting is a pair of markers (consecutive
runs of one formatting are one stretch, so a run boundary inside a word that changes nothing is
gone). Links, tracked insertions and fields are pairs around what they hold; tabs, breaks,
pictures, note references, text boxes and bookmarks are standalone markers: on rebuilding they
are the very same elements, moved, so a text box's own paragraphs (lines of their own) keep
their translation. A rebuilt paragraph's runs are copies of its original runs (attributes and
run properties) holding the English.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from lxml import etree

from .. import inline
from ..errors import KoenError
from ..korean import has_hangul
from .base import LineBuilder, check_count, tokens

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)
_PROLOG_RE = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL)


@dataclass
class Dialect:
    """How one XML vocabulary spells paragraphs and runs."""

    paragraph: str
    run: str
    text: str
    format_key: Callable[[etree._Element], str]            # the run's formatting, comparable
    is_fixed: Callable[[etree._Element], bool]             # properties kept first in their parent
    is_container: Callable[[etree._Element], bool]         # holds runs: a pair around them
    field: Callable[[etree._Element], str | None]          # a run child opening ("begin") or closing ("end") a field
    text_children: bool = False                            # the text element holds inline objects (OWPML)
    drop: tuple[str, ...] = ()                             # paragraph children a rebuild removes (stale caches)


@dataclass
class _Paragraph:
    element: etree._Element
    line: str
    payloads: list
    templates: dict            # format key -> a run to copy
    base: str


def parse(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise KoenError(f"{name}: not well-formed XML ({exc})") from None


def serialize(root: etree._Element, original: bytes) -> bytes:
    """The part with its original prolog (declaration, comments) and trailing white space kept
    byte for byte."""
    prolog = _PROLOG_RE.match(original).group(0)
    epilog = original[len(original.rstrip()):]
    return prolog + etree.tostring(root, encoding="UTF-8", xml_declaration=False) + epilog


def _text_weights(paragraph: etree._Element, dialect: Dialect) -> Counter:
    weights: Counter = Counter()
    for run in paragraph.iter(dialect.run):
        if _owner(run, dialect) is paragraph:
            weights[dialect.format_key(run)] += sum(len("".join(t.itertext())) for t in run.iter(dialect.text))
    return weights


def _owner(element: etree._Element, dialect: Dialect) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != dialect.paragraph:
        parent = parent.getparent()
    return parent


def _run_texts(run: etree._Element, dialect: Dialect) -> list[str]:
    return ["".join(t.itertext()) for t in run if t.tag == dialect.text]


def _english_run(run: etree._Element, dialect: Dialect) -> bool:
    """A run of text alone (no field or object in it) with letters and no Hangul."""
    if any(isinstance(part.tag, str) and part.tag != dialect.text and not dialect.is_fixed(part) for part in run):
        return False
    text = "".join(_run_texts(run, dialect))
    return any(char.isalpha() for char in text) and not has_hangul(text)


def read_paragraph(paragraph: etree._Element, dialect: Dialect) -> _Paragraph:
    builder = LineBuilder()
    weights = _text_weights(paragraph, dialect)
    base = weights.most_common(1)[0][0] if weights else ""
    templates: dict[str, etree._Element] = {}
    state = {"format": None, "own": False}    # the open formatting pair: (key, number); in an English run
    fields: list[int] = []

    def close_format() -> None:
        if state["format"] is not None:
            builder.close(state["format"][1])
            state["format"] = None

    def text(value: str | None, key: str) -> None:
        if not value:
            return
        if state["own"]:                # inside an English run's own pair: its formatting is the pair's
            builder.text(value)
            return
        if key == base:
            close_format()
        elif state["format"] is None or state["format"][0] != key:
            close_format()
            state["format"] = (key, builder.open(("format", key)))
        builder.text(value)

    def walk(parent: etree._Element) -> None:
        for child in parent:
            if not isinstance(child.tag, str):          # a comment or processing instruction: kept
                builder.empty(("element", child))
                continue
            if dialect.is_fixed(child) or child.tag in dialect.drop:
                continue
            if child.tag == dialect.run:
                key = dialect.format_key(child)
                templates.setdefault(key, child)
                own = _english_run(child, dialect) and korean
                if own:                 # an English run in a Korean paragraph comes back as its own run
                    close_format()
                    own = builder.open(("format", key))
                    state["own"] = True
                for part in child:
                    if not isinstance(part.tag, str):
                        builder.empty(("object", part, key))
                        continue
                    if dialect.is_fixed(part):
                        continue
                    if part.tag == dialect.text:
                        text(part.text, key)
                        for inner in part if dialect.text_children else ():
                            builder.empty(("tobject", inner, key))
                            text(inner.tail, key)
                        continue
                    kind = dialect.field(part)
                    if kind == "begin":
                        close_format()
                        fields.append(builder.open(["field", part, key, None, None]))
                    elif kind == "end" and fields:
                        close_format()
                        number = fields.pop()
                        builder.payloads[number][3:] = [part, key]
                        builder.close(number)
                    else:
                        builder.empty(("object", part, key))
                if own is not False:
                    builder.close(own)
                    state["own"] = False
            elif dialect.is_container(child):
                close_format()
                number = builder.open(("container", child))
                walk(child)
                close_format()
                builder.close(number)
            else:                       # a bookmark, proofing mark ...: it does not end a stretch
                builder.empty(("element", child))

    korean = has_hangul("".join(t_text for run in paragraph.iter(dialect.run) for t_text in _run_texts(run, dialect)))
    walk(paragraph)
    close_format()
    for number in reversed(fields):      # a field that does not end in this paragraph: its start stands alone
        builder.parts[builder.parts.index(inline.opening(number))] = inline.standalone(number)
        payload = builder.payloads[number]
        builder.payloads[number] = ("object", payload[1], payload[2])
    return _Paragraph(paragraph, builder.line(), builder.payloads, templates, base)


def write_paragraph(paragraph: _Paragraph, english: str, dialect: Dialect,
                    put_text: Callable[[etree._Element, str], None],
                    put_object: Callable[[etree._Element, etree._Element, bool], None]) -> None:
    """Replace the paragraph's content with ``english`` (its markers resolved to the original
    elements). ``put_text(run, text)`` appends text to a run; ``put_object(run, element,
    in_text)`` appends an object (``in_text``: one that lived inside the text element)."""
    element = paragraph.element
    for child in list(element):
        if not (isinstance(child.tag, str) and dialect.is_fixed(child)):
            element.remove(child)
    for name in dialect.drop:
        for stale in element.findall(name):
            element.remove(stale)
    parents = [element]
    formats = [paragraph.base]
    made: dict[etree._Element, str] = {}    # runs made here -> their format key (holding them keeps lxml's proxies)

    boundary = [False]                      # a pair opened or closed: the next text starts a run of its own

    def run_for(key: str) -> etree._Element:
        parent = parents[-1]
        last = parent[-1] if len(parent) else None
        fresh, boundary[0] = boundary[0], False
        if last is not None and made.get(last) == key and not fresh:
            return last
        template = paragraph.templates.get(key)
        run = etree.SubElement(parent, dialect.run, attrib=dict(template.attrib) if template is not None else {})
        if template is not None:
            for fixed in template:
                if dialect.is_fixed(fixed):
                    kept = copy.deepcopy(fixed)
                    kept.tail = None
                    run.append(kept)
        made[run] = key
        return run

    def place(obj: etree._Element, key: str, in_text: bool) -> None:
        obj.tail = None
        put_object(run_for(key), obj, in_text)

    for token in tokens(english, paragraph.payloads):
        if token.kind == "text":
            put_text(run_for(formats[-1]), token.value)
            continue
        payload = token.value
        kind = payload[0]
        if kind == "format":
            boundary[0] = True
            if token.kind == "open":
                formats.append(payload[1])
            elif len(formats) > 1:
                formats.pop()
        elif kind == "container":
            if token.kind == "open":
                container = payload[1]
                for child in list(container):
                    if not (isinstance(child.tag, str) and dialect.is_fixed(child)):
                        container.remove(child)
                container.tail = None
                parents[-1].append(container)
                parents.append(container)
            elif len(parents) > 1:
                parents.pop()
        elif kind == "field":
            if token.kind == "open":
                place(payload[1], payload[2], False)
            else:
                place(payload[3], payload[4], False)
        elif kind == "object":
            place(payload[1], payload[2], False)
        elif kind == "tobject":
            place(payload[1], payload[2], True)
        else:                                   # a paragraph-level element (bookmark, proofing mark ...)
            payload[1].tail = None
            parents[-1].append(payload[1])


# -- packages ------------------------------------------------------------------------------------

def read_package(data: bytes, path: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise KoenError(f"{path}: not a readable ZIP package ({exc})") from None
    except (KeyError, RuntimeError, NotImplementedError) as exc:   # encrypted or unsupported members
        raise KoenError(f"{path}: a member of the package cannot be read ({exc})") from None


def write_package(data: bytes, changed: dict[str, bytes]) -> bytes:
    """The package with ``changed`` members replaced; every other member's bytes, order,
    compression and time stamp as they were."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, changed.get(info.filename, source.read(info)))
    return out.getvalue()


def package_lines(parts: Iterable[tuple[str, etree._Element]], dialect: Dialect) -> list[tuple[str, _Paragraph]]:
    """(part name, paragraph) for every paragraph holding letters, in part and document order."""
    found = []
    for name, root in parts:
        for element in root.iter(dialect.paragraph):
            paragraph = read_paragraph(element, dialect)
            if any(char.isalpha() for char in inline.remove_markers(paragraph.line)):
                found.append((name, paragraph))
    return found


def rebuild_parts(paragraphs: list[tuple[str, _Paragraph]], translations: Sequence[str], path: str,
                  write: Callable[[_Paragraph, str], None]) -> set[str]:
    """Write every changed paragraph; the names of the parts that changed."""
    check_count(path, [p.line for _, p in paragraphs], translations)
    changed = set()
    for (name, paragraph), english in zip(paragraphs, translations):
        if english != paragraph.line:
            write(paragraph, english)
            changed.add(name)
    return changed
